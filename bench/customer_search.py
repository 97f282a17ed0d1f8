"""Customer search on 20,000 customers: the folded search (any case, any accents, phone digits,
with the total and position of the page, on the keys of ``customer_search``) against the former
ASCII ``lower(...) LIKE`` query, and against folding every row at query time (a Python function
registered on SQLite, ``translate`` on PostgreSQL: the design not taken).

The peer is the query search ran before (name or email ``lower() LIKE``, first page only, no
count): it cannot find "Γιώργος" by "γιώργος" on SQLite, so it shows what the folding costs.
Both run in the same process against the same fresh store, SQLite file and PostgreSQL database
(created and dropped here); each figure is the median of 5 runs (one run for the slow design).

Usage: ``.venv/bin/python bench/customer_search.py [--customers N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from opencx.customers import service
from opencx.customers.domain.search import FOLD_FROM, FOLD_TO, digits, fold, fold_like
from opencx.customers.store import search as finder
from opencx.db import create_engine_from_url, migrate, schema

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
FIRST = ("Ana", "Γιώργος", "Élodie", "Søren", "Zoë", "Jan", "Maria", "Νίκος", "Ørjan", "Amy")
LAST = ("de Vries", "Παπαδόπουλος", "Dupré", "Jensen", "Müller", "Smith", "Οικονόμου", "Núñez")
QUERIES = ("γιώργος", "elodie dupre", "07425 689202", "smith", "nobody at all", "")


def rows(n: int) -> list[dict[str, object]]:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        {
            "id": f"c{i:06d}",
            "source": "shop",
            "external_id": f"X{i}",
            "name": f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]}",
            "email": f"person{i}@example.org",
            "phone": f"0{7400000000 + i * 37:d}"[:5] + " " + f"{7400000000 + i * 37:d}"[4:],
            "country": "GB",
            "created_at": at,
            "attributes": {},
            "consent_email": False,
            "consent_sms": False,
            "consent_surveys": False,
        }
        for i in range(n)
    ]


def ascii_peer(conn: sa.Connection, text: str) -> int:
    c = schema.customers.c
    like = f"%{text.lower()}%"
    query = (
        sa.select(schema.customers)
        .where(
            c.merged_into.is_(None),
            sa.or_(sa.func.lower(c.name).like(like), sa.func.lower(c.email).like(like)),
        )
        .order_by(c.id.desc())
        .limit(26)
    )
    return len(conn.execute(query).all())


def fold_at_query_time(conn: sa.Connection, text: str) -> int:
    """The design not taken: fold name and email of every row while searching."""
    c = schema.customers.c
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.create_function("opencx_fold", 1, fold, deterministic=True)  # type: ignore[union-attr]
        raw.create_function("opencx_digits", 1, digits, deterministic=True)  # type: ignore[union-attr]
        name, email = sa.func.opencx_fold(c.name), sa.func.opencx_fold(c.email)
    else:
        name = sa.func.lower(sa.func.translate(c.name, FOLD_FROM, FOLD_TO))
        email = sa.func.lower(sa.func.translate(c.email, FOLD_FROM, FOLD_TO))
    like = fold_like(text)
    where = sa.and_(c.merged_into.is_(None), sa.or_(name.like(like), email.like(like)))
    page = sa.select(schema.customers).where(where).order_by(c.id.desc()).limit(25)
    conn.execute(page).all()
    return int(conn.execute(sa.select(sa.func.count()).where(where)).scalar_one())


def median_ms(fn: object, *args: object, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(url: str, n: int, label: str) -> None:
    migrate(url)
    engine = create_engine_from_url(url)
    with engine.begin() as conn:
        conn.execute(schema.customers.insert(), rows(n))
    start = time.perf_counter()
    with engine.begin() as conn:
        finder.add_missing(conn)
    keys_s = time.perf_counter() - start
    print(f"{label}, {n:,} customers; search keys written in {keys_s:.2f} s")
    print("  query | ASCII lower() peer ms | ours (keys) ms | fold at query time ms | total")
    with engine.connect() as conn:
        for q in QUERIES:
            peer = median_ms(ascii_peer, conn, q)
            ours = median_ms(service.search, conn, q)
            slow = median_ms(fold_at_query_time, conn, q, runs=1) if q else float("nan")
            total = service.search(conn, q).total
            print(f"  {q!r:18} | {peer:8.1f} | {ours:8.1f} | {slow:8.1f} | {total}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'search.db'}", args.customers, "SQLite")
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        measure(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args.customers, "PostgreSQL")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
