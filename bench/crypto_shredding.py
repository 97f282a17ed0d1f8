"""Crypto-shredding cost: importing customers and reading the 360 profile, sealed vs plaintext.

In the same run, on two fresh SQLite files (and, with ``--postgres``, two fresh PostgreSQL
databases created and dropped here): imports the same customers CSV (name, email, phone) with
``OPENCX_CRYPTO_SHREDDING`` off (the peer: the plaintext path) and on, then reads the 360 profile
of the same random customers through ``CustomerService.show`` on each, and searches by exact
email. Prints seconds, rows/s, ms per profile and the ratios, with the load average.

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/crypto_shredding.py [--customers N]
[--profiles N] [--postgres]``.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from opencx.app import Services, build
from opencx.db import migrate
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.settings import Settings

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-secret-0123456789abcdefghijklmnop"


def generate(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("external_id,name,email,phone,country\n")
        for i in range(n):
            f.write(f"C{i},Person Number{i},person{i}@example.org,+31 6 {10000000 + i},NL\n")


def run(url: str, sealed: bool, path: Path, n: int, profiles: int) -> dict[str, float]:
    migrate(url)
    settings = Settings(database_url=url, secret_key=SECRET, crypto_shredding=sealed)
    services: Services = build(settings)
    options = ImportOptions(kind="customers", path=path, mapping=Mapping(source="crm"))
    start = time.perf_counter()
    report = services.ingest.import_file(options)
    imported = time.perf_counter() - start
    assert report.rows_loaded == n, report.problems[:3]
    with services.engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT external_id, id FROM customers")).all())
    picks = random.Random(7).sample(range(n), profiles)
    start = time.perf_counter()
    for i in picks:
        found = services.customers.show(ids[f"C{i}"]).profile.customer
        assert found.email == f"person{i}@example.org"
    shown = time.perf_counter() - start
    start = time.perf_counter()
    for i in picks:
        assert services.customers.search(f"person{i}@example.org").customers
    searched = time.perf_counter() - start
    services.engine.dispose()
    return {
        "import_s": imported,
        "rows_per_s": n / imported,
        "profile_ms": 1000 * shown / profiles,
        "search_ms": 1000 * searched / profiles,
    }


def pg_database() -> tuple[str, sa.Engine, str]:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", admin, name


def report(store: str, plain: dict[str, float], sealed: dict[str, float]) -> None:
    print(f"{store}:")
    for key in plain:
        ratio = sealed[key] / plain[key]
        print(
            f"  {key:<11} plaintext {plain[key]:>10.2f}  sealed {sealed[key]:>10.2f}  x{ratio:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        generate(path, args.customers)
        results = {
            mode: run(
                f"sqlite:///{tmp}/{mode}.db", mode == "sealed", path, args.customers, args.profiles
            )
            for mode in ("plaintext", "sealed")
        }
        report("sqlite", results["plaintext"], results["sealed"])
        if args.postgres:
            pg = {}
            for mode in ("plaintext", "sealed"):
                url, admin, name = pg_database()
                try:
                    pg[mode] = run(url, mode == "sealed", path, args.customers, args.profiles)
                finally:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
            report("postgres", pg["plaintext"], pg["sealed"])
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
