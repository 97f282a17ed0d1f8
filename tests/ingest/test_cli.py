"""The ``opencx import`` command end to end, in a subprocess like a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys


def opencx(*args: str, url: str, cwd) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENCX_DATABASE_URL": url, "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
    command = [sys.executable, "-c", "from opencx.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_import_command_reports_problems_then_loads(tmp_path, sqlite_url):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Bestelling;Klant;Datum;Valuta;Artikel;Aantal;Prijs\n"
        "B1;K1;02-01-2024 10:00;EUR;A;2;3,50\n"
        "B2;K1;03-01-2024 11:00;EUR;B;1;veel\n"
    )
    maps = [
        "--map",
        "order_id=Bestelling",
        "--map",
        "customer=Klant",
        "--map",
        "placed_at=Datum",
        "--map",
        "currency=Valuta",
        "--map",
        "sku=Artikel",
        "--map",
        "quantity=Aantal",
        "--map",
        "unit_price=Prijs",
    ]
    args = [
        "import",
        "orders",
        str(path),
        *maps,
        "--decimal",
        ",",
        "--date-format",
        "%d-%m-%Y %H:%M",
        "--timezone",
        "Europe/Amsterdam",
        "--create-missing-customers",
    ]
    failed = opencx(*args, url=sqlite_url, cwd=tmp_path)
    assert failed.returncode == 1, failed.stderr
    assert "orders.csv:3: column 'unit_price' value 'veel': not a number" in failed.stderr
    assert "nothing was written" in failed.stdout
    assert "customers_created" not in failed.stdout  # nothing written claims no counts
    assert (tmp_path / "orders.rejects.csv").exists()
    loaded = opencx(*args, "--allow-rejects", url=sqlite_url, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "rows read 2, loaded 1, rejected 1" in loaded.stdout
    missing = opencx("import", "orders", str(tmp_path / "nope.csv"), url=sqlite_url, cwd=tmp_path)
    assert missing.returncode == 2 and "file not found" in missing.stderr
