"""The composition root keeps one import path, ``opencx.app``, for what the CLI, the server
(``uvicorn opencx.app:create_app_from_env``), the tests and the docs use, whichever of its
modules (root, services, subscriptions, web, mounts) holds it; and importing it makes nothing."""

from __future__ import annotations

import subprocess
import sys

import opencx.app


def test_public_surface() -> None:
    assert sorted(opencx.app.__all__) == [
        "CUSTOMER_ROWS",
        "CUSTOMER_TABLE_STORES",
        "SERVICE_NAMES",
        "Services",
        "build",
        "create_app",
        "create_app_from_env",
        "job_queue",
        "wire_customer_lifecycle",
        "wire_events",
    ]
    for name in opencx.app.__all__:
        assert hasattr(opencx.app, name), name


def test_importing_the_root_loads_no_slice_and_no_web_framework() -> None:
    script = (
        "import sys\n"
        "import opencx.app\n"
        "slices = ('access', 'audit', 'customers', 'demo', 'feedback', 'helpdesk', 'ingest',"
        " 'loyalty', 'metrics', 'modeling')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'fastapi'"
        " or m.split('.')[:2] in [['opencx', s] for s in slices]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
