"""What a CLI command loads before it works: ``opencx --help`` nothing of the slices' libraries;
``opencx import`` and ``opencx customers search`` (which build every service and wire every
subscription: an import's events reach loyalty, feedback and customers) not the libraries of the
slices they do not call. Ibis, SciPy, FastAPI, httpx and the models' pandas code cost seconds of
CPU a start on this 2-core machine (bench/RESULTS.md, "CLI start-up, ninth session"), paid by
every command and every test that starts a process; the services load them in the methods that
use them. ``opencx init`` runs the migrations without importing the slices' stores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: libraries no composition-root build needs: Ibis (metrics, models), SciPy and scikit-learn
#: (models, text analysis), FastAPI (pages and API), httpx (webhooks and SMS)
NOT_BUILT = ("ibis", "scipy", "sklearn", "fastapi", "httpx")


def _loaded(tmp_path: Path, *args: str) -> list[str]:
    url = f"sqlite:///{tmp_path / 'start.db'}"
    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('LOADED', sorted(m for m in {NOT_BUILT!r} "
        "if m in sys.modules)))\n"
        "from opencx.cli import main\n"
        "sys.argv[0] = 'opencx'\n"
        "main()\n"
    )
    env = {**os.environ, "OPENCX_DATABASE_URL": url, "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED"))
    return eval(line.removeprefix("LOADED "))  # our own printed list


def test_help_and_an_import_load_no_library_they_do_not_call(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "--help") == []
    assert _loaded(tmp_path, "init") == []  # migrations alone: FastAPI came through web.store
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "B1,K1,2024-01-02T10:00:00Z,EUR,A,2,3.50\n"
    )
    args = ("import", "orders", str(orders), "--create-missing-customers", "--live")
    assert _loaded(tmp_path, *args) == []  # and it loaded (rc 0)
    assert _loaded(tmp_path, "customers", "search", "K1") == []
