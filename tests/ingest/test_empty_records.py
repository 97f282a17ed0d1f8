"""An event whose records hold no field ({}) is refused naming the record (422 at the API),
before any table is built. Both stores.

Before, ``records_batch([{}, {}])`` built a table of no column, so of 0 rows, for 2 line
numbers. An event reached it with ``data: {}`` or an order of only ``{"lines": [{}, {}]}``;
the header check then answered 'missing required column' for every field, naming no record,
and a line {} beside good ones in an order of no other field was a row of nulls.
"""

from __future__ import annotations

import json

import pytest

from opencx.core import InvalidInput
from opencx.ingest.store.formats import records_batch
from tests.ingest.test_event_api import count, key
from tests.ingest.test_event_numbers import _post

GOOD = {"sku": "S1", "quantity": 1, "unit_price": 2}
HEAD = {"order_id": "o-1", "customer": "c-1", "currency": "EUR"}
HEAD |= {"placed_at": "2026-01-10T10:00:00Z"}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{}, {}], "record 1 of 2 holds no field ({}), nor does any other"),
        ([{}], "record 1 of 1 holds no field ({})"),
    ],
)
def test_records_of_no_field_are_refused(records, message):
    with pytest.raises(InvalidInput) as refused:
        records_batch(records)
    assert str(refused.value) == message


def test_a_record_of_no_field_beside_others_is_a_row_of_nulls():
    batch = records_batch([{"a": "1"}, {}])
    assert batch.table.num_rows == len(batch.lines) == 2
    assert batch.table.column("a").to_pylist() == ["1", None]


REFUSED = {
    "customer": (
        {"type": "customer", "data": {}},
        "event: data holds no field ({})",
    ),
    "interaction": (
        {"type": "interaction", "data": {}},
        "event: data holds no field ({})",
    ),
    "order of empty lines": (
        {"type": "order", "data": {"lines": [{}, {}]}},
        "event: lines[0] holds no field ({}), nor does the order besides 'lines'",
    ),
    "order of a line and an empty one": (
        {"type": "order", "data": {"lines": [GOOD, {}]}},
        "event: lines[1] holds no field ({}), nor does the order besides 'lines'",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_event_of_empty_records_is_a_422_naming_the_record(client, services, engine, case):
    body, message = REFUSED[case]
    body = {**body, "source": "shop", "create_missing_customers": True}
    r = _post(client, key(services, "events:write"), json.dumps(body))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == message
    assert count(engine, "customers") == count(engine, "orders") == 0


def test_an_order_with_its_fields_may_have_empty_lines(client, services, engine):
    """A line's fields given once on the order, merged into each line, as before."""
    data = {**HEAD, **GOOD, "lines": [{}]}
    body = {"type": "order", "source": "shop", "create_missing_customers": True, "data": data}
    r = _post(client, key(services, "events:write"), json.dumps(body))
    assert r.status_code == 201, r.text
    assert count(engine, "order_lines") == 1
