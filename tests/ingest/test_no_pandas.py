"""``opencx import`` never loads pandas (0.2 s of a small import's start): pyarrow imports it on
its first conversion of a Python or NumPy value, so an import converts only through
``opencx.ingest.domain.arrow_arrays``. Run as a user runs it, in a subprocess, on both stores:
customers, then orders creating their missing customers and products with a rejected row and
a return, then the same orders again (stored orders, merged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from opencx import cli

exits = []
for args in json.loads(sys.argv[1]):
    sys.argv = ["opencx", *args]
    try:
        cli.main()
        exits.append(0)
    except SystemExit as exit:
        exits.append(exit.code)
print(json.dumps({"exits": exits, "pandas": "pandas" in sys.modules}))
"""

CUSTOMERS = (
    "external_id,name,email,country,created_at\n"
    "K1,Ann,ann@example.com,FR,2024-01-01T00:00:00Z\n"
    "K2,Élodie,,DE,2024-01-02\n"
)
ORDERS = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price,is_return,returns_order\n"
    "C1,K1,2024-01-02T10:00:00Z,EUR,A,2,3.504999,,\n"
    "C1,K1,2024-01-02T10:00:00Z,EUR,B,1,4.00,,\n"
    "C2,K3,2024-01-03 11:00,EUR,A,-1,3.50,true,C1\n"
    "C3,K1,2024-01-04 11:00,EUR,Z,x,1.00,,\n"
)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A migrated store: the test's own SQLite file, or the session's PostgreSQL database
    (emptied after the test)."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return url
    request.getfixturevalue("pg_clean")
    url = request.getfixturevalue("pg_database_url")
    return url


def test_an_import_loads_no_pandas(store_url: str, tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "orders.csv").write_text(ORDERS)
    orders = ["import", "orders", "orders.csv", "--source", "shop", "--allow-rejects"]
    runs = [
        ["import", "customers", "customers.csv", "--source", "shop"],
        [*orders, "--create-missing-customers"],
        orders,
    ]
    env = {**os.environ, "OPENCX_DATABASE_URL": store_url, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(runs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["exits"] == [0, 0, 0], done.stdout + done.stderr
    assert "rows read 4, loaded 3, rejected 1" in done.stdout
    assert "customers_created 1" in done.stdout and "returns_linked 1" in done.stdout
    assert found["pandas"] is False
