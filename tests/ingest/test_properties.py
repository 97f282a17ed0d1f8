"""Properties: whatever customers and products a file holds, an import stores exactly them."""

from __future__ import annotations

import csv
import itertools
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencx.core import EventBus, FixedClock
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService

_runs = itertools.count()
TEXT = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
ROWS = st.lists(
    st.tuples(
        st.one_of(st.none(), TEXT),
        st.one_of(st.none(), st.sampled_from(["NL", "DK", "GR", "GB"])),
        st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False),
        st.booleans(),
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_customers_and_products_round_trip(rows, sqlite_engine, tmp_path, clock: FixedClock):
    run = next(_runs)
    service = IngestService(sqlite_engine, EventBus(), clock)
    people, goods = tmp_path / f"people{run}.csv", tmp_path / f"goods{run}.csv"
    with people.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["external_id", "name", "country"])
        writer.writerows(
            [f"c{i}", name or "", country or ""] for i, (name, country, _, _) in enumerate(rows)
        )
    with goods.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["external_id", "list_price", "is_merchandise"])
        writer.writerows(
            [f"p{i}", str(price), "yes" if merch else "no"]
            for i, (_, _, price, merch) in enumerate(rows)
        )
    for kind, path in (("customers", people), ("products", goods)):
        report = service.import_file(ImportOptions(kind=kind, path=path, mapping=Mapping()))
        assert report.status == "loaded", report.problems[:3]
    with sqlite_engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT name, country FROM customers WHERE source = :s "
                "ORDER BY length(external_id), external_id"
            ),
            {"s": f"csv:people{run}.csv"},
        ).all()
        prices = conn.execute(
            sa.text(
                "SELECT list_price, is_merchandise FROM products WHERE source = :s "
                "ORDER BY length(external_id), external_id"
            ),
            {"s": f"csv:goods{run}.csv"},
        ).all()
    assert [tuple(r) for r in stored] == [(name, country) for name, country, _, _ in rows]
    assert [(Decimal(str(p)).quantize(Decimal("0.01")), bool(m)) for p, m in prices] == [
        (price, merch) for _, _, price, merch in rows
    ]
