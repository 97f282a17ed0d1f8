"""Every CLI command and server process builds all the services first (``opencx.app.build``, and
a server its app, ``create_app``): what that imports, each of them pays before any work.
scikit-learn and ``scipy.stats`` cost about 1.5 s of CPU a start on this 2-core machine and are
needed only when a model is fitted or text is analysed, so the slices load them in the
functions that use them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

NOT_AT_START = ("sklearn", "scipy.stats")


def test_a_server_or_cli_start_loads_no_model_library(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from opencx.app import create_app\n"
        "from opencx.settings import Settings\n"
        f"create_app(Settings(database_url='sqlite:///{tmp_path / 'start.db'}'))\n"
        f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
