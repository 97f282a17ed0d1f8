"""What a CLI command loads before it works: only what it uses.

``opencx --help`` loads none of the slices' libraries. The composition root builds a slice's
service on first use (``opencx.app.Services``) and wires every subscription to reach its
service when an event comes, so ``opencx customers search`` builds the customers service and
nothing of ingest (Arrow, DuckDB), the demo (NumPy) or the other slices; ``opencx import`` a
history file builds ingest (and customers, whose identity resolution every import runs) but no
loyalty or feedback, which react to live imports only. ``opencx init`` runs the migrations
without importing the slices' stores (FastAPI came through the web package's store). On a
SQLite store no command loads psycopg. Ibis, SciPy, FastAPI, Arrow and psycopg cost from a
tenth of a second to seconds of CPU a start on this 2-core machine (bench/RESULTS.md, "CLI
start-up"), paid by every command and every test that starts a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: libraries no composition-root build needs: Ibis (metrics, models), SciPy and scikit-learn
#: (models, text analysis), FastAPI and Jinja (pages and API), httpx (webhooks and SMS),
#: psycopg (PostgreSQL only)
NOT_BUILT = ("ibis", "scipy", "sklearn", "fastapi", "jinja2", "httpx", "psycopg")
#: what the import pipeline uses (Arrow, DuckDB's row hashes, NumPy), and the other slices
IMPORTING = ("pyarrow", "duckdb", "numpy", "opencx.ingest.service")
OTHER_SLICES = (
    "opencx.demo.domain.company",
    "opencx.feedback.service",
    "opencx.helpdesk.service",
    "opencx.loyalty.service",
    "opencx.metrics.service",
    "opencx.modeling.service",
)
WATCHED = NOT_BUILT + IMPORTING + OTHER_SLICES


def _loaded(tmp_path: Path, *args: str, db: str = "start.db") -> set[str]:
    """The modules of :data:`WATCHED` that ``opencx ARGS`` loaded (on a SQLite store)."""
    url = f"sqlite:///{tmp_path / db}"
    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('LOADED', sorted(m for m in {WATCHED!r} "
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
    return set(eval(line.removeprefix("LOADED ")))  # our own printed list


def test_help_and_init_load_no_slice_library(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "--help") == set()
    # a fresh store: every migration runs, then the customers are sealed (crypto-shredding)
    assert _loaded(tmp_path, "init", db="fresh.db") == set()


def test_a_command_builds_only_the_services_it_uses(tmp_path: Path) -> None:
    _loaded(tmp_path, "init")
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "B1,K1,2024-01-02T10:00:00Z,EUR,A,2,3.50\n"
    )
    args = ("import", "orders", str(orders), "--create-missing-customers")
    assert _loaded(tmp_path, *args) == set(IMPORTING)  # a history import: no reaction
    live = _loaded(tmp_path, *args, "--live")  # loyalty earns, feedback may invite
    assert live == {*IMPORTING, "opencx.loyalty.service", "opencx.feedback.service"}
    assert _loaded(tmp_path, "customers", "search", "K1") == set()


def test_a_merge_sees_every_slices_customer_tables(tmp_path: Path) -> None:
    """A merge plans the moves of every table holding a customer's rows, found on the shared
    metadata, which a slice's tables join when its store is imported: a command that built only
    the customers service (an import, ``opencx customers merge``) must see them all the same
    (``opencx.app.CUSTOMER_TABLE_STORES``, loaded before a merge is planned)."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import opencx\n"
        "from opencx.app import build\n"
        "from opencx.customers.store.merging import customer_tables\n"
        "from opencx.settings import Settings\n"
        f"build(Settings(database_url='sqlite:///{tmp_path / 'm.db'}')).customers\n"
        "seen = sorted(t.name for t in customer_tables())\n"
        "for found in pkgutil.iter_modules(opencx.__path__):\n"
        "    if found.ispkg and importlib.util.find_spec(f'opencx.{found.name}.store'):\n"
        "        importlib.import_module(f'opencx.{found.name}.store')\n"
        "print(seen)\n"
        "print(sorted(t.name for t in customer_tables()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    seen, every = done.stdout.splitlines()
    assert seen == every
    assert "loyalty_members" in seen and "helpdesk_chats" in seen  # slices' own tables
