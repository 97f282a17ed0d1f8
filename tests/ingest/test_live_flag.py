"""``--live``: an import's events drive the subscribers wired in the composition root.

History (the default) is published with ``live=False``, which live reactions (points, survey
invitations) ignore; ``opencx import --live`` and the event API publish ``live=True``. The
reactions themselves are tested in their slices; here, that the flag reaches every event and that
a live import runs the real wiring to the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.app import build
from opencx.core import FixedClock
from opencx.ingest import CasesImported, CustomersUpserted, InteractionsImported, OrdersImported
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.settings import Settings

ORDERS = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    "A1,C1,2026-01-10 09:00,EUR,MUG,2,7.50\n"
    "A2,C2,2026-01-11 10:00,EUR,CAP,1,12.00\n"
)


def test_live_events_have_subscribers_in_the_composition_root(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    services = build(Settings(database_url=sqlite_url), clock=clock, engine=sqlite_engine)
    for event in (CustomersUpserted, OrdersImported, CasesImported, InteractionsImported):
        assert services.bus.handlers(event), f"nothing subscribes to {event.__name__}"


@pytest.mark.parametrize("live", [False, True])
def test_the_flag_reaches_every_event_through_the_real_wiring(
    live: bool, sqlite_url: str, sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    services = build(Settings(database_url=sqlite_url), clock=clock, engine=sqlite_engine)
    seen: list[object] = []
    for event in (CustomersUpserted, OrdersImported):
        services.bus.subscribe(event, lambda e, conn: seen.append(e))
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    mapping = Mapping(create_missing_customers=True)
    options = ImportOptions(kind="orders", path=path, mapping=mapping, live=live)
    report = services.ingest.import_file(options)
    assert report.status == "loaded", report.problems
    assert [type(e) for e in seen] == [CustomersUpserted, OrdersImported]
    assert all(e.live is live for e in seen)  # type: ignore[attr-defined]
