"""Experiments on SQLite and PostgreSQL, tiny data: an exposure recorded once and as the hash
says; goals counted in the window after exposure (conversion, revenue); exposures follow a
merge keeping the earliest, come back on its undo, and go with an erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import wire_customer_lifecycle
from opencx.core import Conflict, EventBus, FixedClock, NotFound
from opencx.core.tombstone import ERASED_KEYS, purpose_key
from opencx.customers import service as customers
from opencx.db.schema import customers as customer_rows
from opencx.db.schema import order_lines, orders
from opencx.journeys.domain import assign
from opencx.journeys.service.experiments import ExperimentsService
from opencx.journeys.store.tables import exposures

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
DEFINITION: dict[str, Any] = {
    "key": "free-ship",
    "name": "Free shipping banner",
    "hypothesis": "Showing free shipping lifts conversion",
    "goal": "conversion",
    "window_days": 14,
    "start": "2026-12-01",
    "stop": "2027-01-01",
    "variants": [{"key": "control"}, {"key": "banner"}],
}
PEOPLE = [f"c{i}" for i in range(1, 9)]


def _customers(engine: Engine, *ids: str, merged_into: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            customer_rows.insert(),
            [
                {
                    "id": i,
                    "source": "test",
                    "external_id": i,
                    "created_at": NOW - timedelta(days=30),
                    "attributes": {},
                    "merged_into": merged_into,
                }
                for i in ids
            ],
        )


def _order(engine: Engine, n: int, who: str, at: datetime, value: str, status: str = "ok") -> None:
    with engine.begin() as conn:
        conn.execute(
            orders.insert(),
            {
                "id": f"o{n}",
                "source": "test",
                "external_id": f"o{n}",
                "customer_id": who,
                "placed_at": at,
                "status": status,
                "currency": "EUR",
            },
        )
        conn.execute(
            order_lines.insert(),
            {"id": f"l{n}", "order_id": f"o{n}", "line_no": 1, "quantity": 2, "unit_price": value},
        )


@pytest.fixture
def running(engine: Engine) -> ExperimentsService:
    _customers(engine, *PEOPLE)
    svc = ExperimentsService(engine, FixedClock(NOW))
    svc.create(DEFINITION)
    svc.create({**DEFINITION, "key": "basket", "goal": "revenue", "currency": "eur"})
    svc.start("free-ship")
    svc.start("basket")
    return svc


def test_an_exposure_is_recorded_once_as_the_hash_says(
    engine: Engine, running: ExperimentsService
) -> None:
    _customers(engine, "c9", merged_into="c1")
    first = running.assign("free-ship", "c1")
    assert first.new and first.variant == assign(running.get("free-ship").definition, "c1").key
    again = running.assign("free-ship", "c9")  # merged into c1: the person's exposure
    assert (again.person, again.variant, again.new) == ("c1", first.variant, False)
    with pytest.raises(NotFound, match="customer 'nobody'"):
        running.assign("free-ship", "nobody")
    bulk = running.expose("free-ship", [*PEOPLE, "c9", "nobody"])
    assert (bulk.new, bulk.already, bulk.unknown, bulk.erased) == (7, 1, ("nobody",), 0)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(exposures)).scalar() == 8
    running.stop("free-ship")
    with pytest.raises(Conflict, match="is stopped"):
        running.assign("free-ship", "c2")
    assert {e.key for e in running.list()} == {"basket", "free-ship"}


def test_goals_are_counted_in_the_window_after_exposure(
    engine: Engine, running: ExperimentsService
) -> None:
    running.expose("free-ship", PEOPLE)
    running.expose("basket", PEOPLE)
    _order(engine, 1, "c1", NOW + timedelta(days=1), "5.50")  # inside: 11.00
    _order(engine, 2, "c1", NOW + timedelta(days=13), "1.00")  # inside: 2.00
    _order(engine, 3, "c2", NOW + timedelta(days=15), "9.00")  # after the window
    _order(engine, 4, "c3", NOW + timedelta(days=2), "9.00", status="cancelled")
    _order(engine, 5, "c4", NOW - timedelta(days=1), "9.00")  # before exposure
    _order(engine, 6, "c5", NOW + timedelta(hours=1), "0.25")  # inside: 0.50
    hit = {"c1": 13.0, "c5": 0.5}
    for key, value in (("free-ship", lambda v: 1.0), ("basket", lambda v: v)):
        report = running.analyse(key)
        want: dict[str, list[float]] = {}
        for p in PEOPLE:
            got = want.setdefault(assign(report.experiment.definition, p).key, [0, 0.0, 0.0])
            x = value(hit[p]) if p in hit else 0.0
            got[0] += 1
            got[1] += x
            got[2] += x * x
        rows = {v.key: [v.exposed, v.total] for v in report.analysis.variants}
        assert rows == {k: pytest.approx(w[:2]) for k, w in want.items()}, key
        assert report.open_windows == 8


def test_exposures_follow_a_merge_keep_the_earliest_and_go_with_an_erasure(
    engine: Engine, running: ExperimentsService
) -> None:
    clock = running.clock
    assert isinstance(clock, FixedClock)
    running.assign("free-ship", "c2")  # the survivor's exposure first
    running.assign("basket", "c3")  # the merged customer's first
    clock.advance(timedelta(hours=1))
    running.assign("free-ship", "c3")
    running.assign("basket", "c2")
    bus = EventBus()
    wire_customer_lifecycle(bus)
    with engine.begin() as conn:
        merge = customers.merge(conn, "c2", "c3", "manual", now=NOW, bus=bus)
    assert _exposures(engine) == {("free-ship", "c2"): NOW, ("basket", "c2"): NOW}
    assert merge is not None
    with engine.begin() as conn:
        customers.undo_merge(conn, merge, now=NOW, bus=bus)
    assert _exposures(engine) == {
        ("free-ship", "c2"): NOW,
        ("basket", "c3"): NOW,
    }
    with engine.begin() as conn:
        customers.erase(conn, "c3", now=NOW, bus=bus, key=purpose_key("s", ERASED_KEYS))
    assert _exposures(engine) == {("free-ship", "c2"): NOW}


def _exposures(engine: Engine) -> dict[tuple[str, str], datetime]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT e.key, x.customer_id, x.exposed_at FROM journey_exposures x "
                "JOIN journey_experiments e ON e.id = x.experiment_id"
            )
        )
        return {(r[0], r[1]): _utc(r[2]) for r in rows}


def _utc(value: Any) -> datetime:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
