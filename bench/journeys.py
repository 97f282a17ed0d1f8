"""Journeys on a demo company: the store's one-statement answers against reading the rows into
Python and running the pure reference (``reference_paths``, ``reference_friction_counts``).

For each store URL given (a database ``opencx demo`` filled: 20,000 customers, 674,866
interactions), each outcome, paths and friction of a ``--days`` period ending where the service
ends it by default: the best of ``--repeat`` runs of ``store.path_counts`` /
``store.friction_counts`` (set-based SQL), then once the peer: the period's touches and the
outcome's events fetched as rows and counted in Python. Both give the same counts (checked
here, as tests/journeys/test_store.py checks on small data).

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/journeys.py --url sqlite:///opencx.db
[--url postgresql://postgres@127.0.0.1:5432/demo] [--days 90] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from opencx.db import create_engine_from_url
from opencx.journeys import store
from opencx.journeys.domain import (
    FRICTION_OUTCOMES,
    OUTCOMES,
    PATH_OUTCOMES,
    JourneyQuery,
    Touch,
    observable_end,
    period_of,
    reference_friction_counts,
    reference_paths,
    windowed,
)


def _best(repeat: int, run: Any) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - t)
    return best, out


def _query(latest: datetime, outcome: str, days: int, *, friction: bool) -> JourneyQuery:
    wide = windowed(OUTCOMES[outcome], friction=friction)
    start, end = period_of(days, observable_end(latest, 30, windowed=wide))
    return JourneyQuery(outcome, start, end)


def _rows(conn: sa.Connection, q: JourneyQuery, *, friction: bool) -> tuple[list, dict]:
    touches = [Touch(r.person, r.at, r.label, r.rid) for r in conn.execute(store.touches(q))]
    ev = store._event_window(q, friction=friction)
    events: dict[str, list[datetime]] = defaultdict(list)
    for r in conn.execute(sa.select(ev.c.person, ev.c.at)):
        events[r.person].append(r.at)
    return touches, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'store':<10} {'answer':<22} {'SQL s':>7} {'rows+Python s':>14} {'ratio':>6}")
    for url in args.url:
        engine = create_engine_from_url(url)
        name = engine.dialect.name
        with engine.connect() as conn:
            latest = store.latest_touch(conn)
            assert latest is not None, f"{url}: no interaction (run opencx demo)"
            for outcome in PATH_OUTCOMES:
                q = _query(latest, outcome, args.days, friction=False)
                ours, got = _best(args.repeat, lambda q=q: store.path_counts(conn, q))
                t = time.perf_counter()
                touches, events = _rows(conn, q, friction=False)
                want = reference_paths(touches, events, q)
                peer = time.perf_counter() - t
                assert {c.path: (c.customers, c.outcomes) for c in got} == want
                print(
                    f"{name:<10} {'paths ' + outcome:<22} {ours:>7.2f} {peer:>14.2f} "
                    f"{peer / ours:>6.1f}"
                )
            for outcome in FRICTION_OUTCOMES:
                q = _query(latest, outcome, args.days, friction=True)
                ours, got = _best(args.repeat, lambda q=q: store.friction_counts(conn, q))
                t = time.perf_counter()
                touches, events = _rows(conn, q, friction=True)
                want = reference_friction_counts(touches, events, q)
                peer = time.perf_counter() - t
                assert (sorted(got[0], key=lambda c: c.key), got[1], got[2]) == want
                print(
                    f"{name:<10} {'friction ' + outcome:<22} {ours:>7.2f} {peer:>14.2f} "
                    f"{peer / ours:>6.1f}"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
