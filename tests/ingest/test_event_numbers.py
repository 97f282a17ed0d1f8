"""``POST /api/events`` reads JSON numbers exactly (``opencx.web.exact_json``): an amount is the
Decimal it spells, held to the import's amount rules (at most 4 decimals, rounded half away
from zero; at most 14 digits before the point), never a binary float first. Both stores.

Before, the body went through ``json.loads`` into floats: ``1.00004999999999999999`` became
1.00005 and was stored as 1.0001 (a file import, reading the text, stores 1.0000), and two
bodies differing past a float's 17 digits were one request to the ``Idempotency-Key`` check.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from opencx.core.text import MAX_FIELD_DEPTH
from opencx.db.types import MONEY
from opencx.web.exact_json import exact_json
from tests.ingest.test_event_api import count, key


def _post(client, headers: dict[str, str], body: str, **extra: str):
    headers = {**headers, "Content-Type": "application/json", **extra}
    return client.post("/api/events", content=body, headers=headers)


def _order(lines: str, discount_total: str = "0") -> str:
    return (
        '{"type": "order", "source": "shop", "create_missing_customers": true, "data": {'
        '"order_id": "o-1", "customer": "c-1", "currency": "EUR", "placed_at":'
        f' "2026-01-10T10:00:00Z", "discount_total": {discount_total}, "lines": [{lines}]}}}}'
    )


def _lines(engine) -> list[tuple[int, Decimal, Decimal]]:
    with engine.connect() as conn:
        q = sa.text(
            "SELECT l.quantity, l.unit_price, l.discount FROM order_lines l"
            " JOIN products p ON p.id = l.product_id ORDER BY p.external_id"
        ).columns(quantity=sa.Integer, unit_price=MONEY, discount=MONEY)
        return [(q_, u, d) for q_, u, d in conn.execute(q)]


def _discount_total(engine) -> Decimal:
    with engine.connect() as conn:
        q = sa.text("SELECT discount_total FROM orders").columns(discount_total=MONEY)
        return Decimal(conn.execute(q).scalar_one())


def test_tenths_are_kept_exactly_and_add_up(client, services, engine):
    """0.1 × 1 + 0.1 × 2 + ... + 0.1 × 7 is 2.8 (a float sum would be 2.8000000000000003)."""
    lines = ", ".join(
        f'{{"sku": "S{q}", "quantity": {q}, "unit_price": 0.1, "discount": 0.1}}'
        for q in range(1, 8)
    )
    r = _post(client, key(services, "events:write"), _order(lines, "0.1"))
    assert r.status_code == 201, r.text
    kept = _lines(engine)
    assert [(u, d) for _, u, d in kept] == [(Decimal("0.1"), Decimal("0.1"))] * 7
    assert sum(q * u - d for q, u, d in kept) == Decimal("2.1")
    assert sum(q * u for q, u, _ in kept) == Decimal("2.8") != sum(q * 0.1 for q in range(1, 8))
    assert _discount_total(engine) == Decimal("0.1")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("1.00004999999999999999", "1.0000"),  # a float reads 1.00005: 1.0001
        ("0.000049999999999999999", "0.0000"),  # a float reads 5e-05: 0.0001
        ("-2.000149999999999999999", "-2.0001"),
        ("2.00015", "2.0002"),  # half away from zero, as a file import rounds
        ("-0.00005", "-0.0001"),
        ("5E-5", "0.0001"),
        ("12.3456", "12.3456"),
        ("7.00", "7"),
        ("1e2", "100"),
    ],
)
def test_an_amount_with_more_than_4_decimals_is_rounded_as_a_file_import_rounds(
    client, services, engine, sent, kept
):
    line = f'{{"sku": "MUG", "quantity": 1, "unit_price": {sent}, "discount": {sent}}}'
    r = _post(client, key(services, "events:write"), _order(line, sent))
    assert r.status_code == 201, r.text
    assert _lines(engine) == [(1, Decimal(kept), Decimal(kept))]
    assert _discount_total(engine) == Decimal(kept)


@pytest.mark.parametrize(
    ("sent", "rule"),
    [
        ("100000000000000", "out of range for an amount"),
        ("1e14", "out of range for an amount"),
        ("99999999999999.99995", "out of range for an amount once rounded to 4 decimals"),
        ("1e400", "out of range for an amount"),
    ],
)
def test_an_amount_out_of_range_is_a_422_and_writes_nothing(client, services, engine, sent, rule):
    line = f'{{"sku": "MUG", "quantity": 1, "unit_price": {sent}}}'
    r = _post(client, key(services, "events:write"), _order(line))
    assert r.status_code == 422, r.text
    assert "unit_price" in r.text and rule in r.text, r.text
    assert count(engine, "orders") == count(engine, "order_lines") == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, services, engine, constant):
    line = f'{{"sku": "MUG", "quantity": 1, "unit_price": {constant}}}'
    body = _order(line)
    r = _post(client, key(services, "events:write"), body)
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", body.index(constant)]
    assert count(engine, "orders") == 0


@pytest.mark.parametrize("number", ["1e9999999999999999999", "-1E-99999999999999999999"])
def test_an_exponent_no_decimal_holds_is_not_json_either(client, services, engine, number):
    """An exponent past 10^18 either way, which a Decimal cannot hold: a 422 json_invalid at
    the number, as NaN. Before, decimal.InvalidOperation escaped the JSON reader, a 400 'There
    was an error parsing the body' naming nothing (a float had read it as inf, or 0.0)."""
    body = _order(f'{{"sku": "MUG", "quantity": 1, "unit_price": {number}}}')
    for extra in ({}, {"Idempotency-Key": "k-1"}):
        r = _post(client, key(services, "events:write"), body, **extra)
        assert r.status_code == 422, r.text
        [error] = r.json()["detail"]
        assert error["loc"] == ["body", body.index(number)]
        rule = f"data.lines[0].unit_price: {number} is out of range for a number"
        assert error["ctx"]["error"] == rule
    assert count(engine, "orders") == 0


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("9" * 4301, "9" * 20 + "..." + "9" * 10),
        ("-" + "1" * 100_000, "-" + "1" * 19 + "..." + "1" * 10),
        ("1" * 1001, "1" * 20 + "..." + "1" * 10),
    ],
    ids=["4,301 digits", "100,000 digits", "1,001 digits"],
)
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_a_whole_number_past_a_thousand_digits_is_not_json_either(
    client, services, engine, number, shown, field
):
    """A whole number of more than 1,000 digits (exact_json.DIGITS), as one with a fraction or
    an exponent: a 422 json_invalid at it, naming its field. Before, past 4,300 digits (Python's
    int limit) json's ValueError was a 400 'There was an error parsing the body', naming
    nothing; from 1,001 to 4,300 the number reached the import's rules."""
    values = {"quantity": "1", "unit_price": "2.50", field: number}
    line = (
        f'{{"sku": "MUG", "quantity": {values["quantity"]}, "unit_price": {values["unit_price"]}}}'
    )
    body = _order(line)
    for extra in ({}, {"Idempotency-Key": "k-1"}):
        r = _post(client, key(services, "events:write"), body, **extra)
        assert r.status_code == 422, r.text[:300]
        [error] = r.json()["detail"]
        assert error["type"] == "json_invalid"
        assert error["loc"] == ["body", body.index(number)]
        assert error["ctx"]["error"] == (
            f"data.lines[0].{field}: {shown} is out of range for a number"
        )
    assert count(engine, "orders") == 0


def test_a_whole_number_of_a_thousand_digits_is_read():
    assert exact_json(b"[" + b"9" * 1000 + b", -" + b"9" * 1000 + b"]") == [
        10**1000 - 1,
        1 - 10**1000,
    ]


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        (rb'"\ud800"', rb"\ud800"),
        (rb'"a\uDFFFb"', rb"\uDFFF"),
        ('"a\udc00"'.encode("utf-8", "surrogatepass"), b"\xed\xb0\x80"),
    ],
    ids=["high escaped", "low escaped", "raw bytes"],
)
def test_a_lone_surrogate_is_not_json_either(client, services, engine, text, spelled):
    """A string holding half a UTF-16 pair, which no UTF-8 text holds: a 422 json_invalid at
    it. Before, the JSON reader took it (json.loads lets surrogates pass) and the event failed
    later, a 500 UnicodeEncodeError ('surrogates not allowed') in Arrow or the driver."""
    body = (
        b'{"type": "interaction", "source": "shop", "create_missing_customers": true, "data":'
        b' {"external_id": "e1", "customer": "c1", "channel": "web", "kind": "view",'
        b' "occurred_at": "2026-01-01T00:00:00Z", "properties": {"x": ' + text + b"}}}"
    )
    r = client.post(
        "/api/events",
        content=body,
        headers={**key(services, "events:write"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", body.index(spelled)]
    assert error["ctx"]["error"].startswith("data.properties.x: a lone surrogate (\\ud")
    assert count(engine, "interactions") == 0


def test_a_pair_of_surrogates_is_its_character():
    assert exact_json(b'{"\\ud83d\\ude00": ["\\ud83d\\ude00", "\xf0\x9f\x98\x80"]}') == {
        "\U0001f600": ["\U0001f600", "\U0001f600"]
    }


def test_whole_numbers_and_nested_numbers_read_as_before(client, services, engine):
    """A quantity of 2.0 or 1e1 is a whole number; numbers inside a JSON field (an
    interaction's properties) keep their digits."""
    lines = (
        '{"sku": "A", "quantity": 2.0, "unit_price": 1, "line_no": 1e0},'
        ' {"sku": "B", "quantity": 1e1, "unit_price": 2.5, "line_no": 2}'
    )
    headers = key(services, "events:write")
    assert _post(client, headers, _order(lines)).status_code == 201
    assert _lines(engine) == [(2, Decimal(1), Decimal(0)), (10, Decimal("2.5"), Decimal(0))]
    body = (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data": {'
        '"external_id": "v-1", "customer": "c-1", "channel": "web", "kind": "view",'
        ' "occurred_at": "2026-01-10T10:00:00Z",'
        ' "properties": {"value": 0.1, "big": 12345678901234.56789, "list": [1.5e-7, 2, true]}}}'
    )
    r = _post(client, headers, body)
    assert r.status_code == 201, r.text
    with engine.connect() as conn:
        q = sa.text("SELECT CAST(properties AS TEXT) FROM interactions")
        kept = conn.execute(q).scalar_one()
    assert json.loads(kept, parse_float=Decimal) == {
        "value": Decimal("0.1"),
        "big": Decimal("12345678901234.56789"),
        "list": [Decimal("1.5E-7"), 2, True],
    }


def test_a_deeply_nested_json_field_is_kept_as_json_dumps_writes_it(client, services, engine):
    """Properties nested as deep as a field may (``core.text.MAX_FIELD_DEPTH``: the object and
    199 arrays), a number at the bottom: stored as json.dumps writes them, with the number's
    digits. Before, the JSON field's writer recursed in Python (two frames a level) and a
    RecursionError was a 500 from about 400 levels (json.dumps, used before ab7780c, took
    them)."""
    depth = MAX_FIELD_DEPTH - 1
    nested = "[" * depth + "0.10" + "]" * depth
    body = (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data": {'
        '"external_id": "v-1", "customer": "c-1", "channel": "web", "kind": "view",'
        f' "occurred_at": "2026-01-10T10:00:00Z", "properties": {{"deep": {nested}}}}}}}'
    )
    r = _post(client, key(services, "events:write"), body)
    assert r.status_code == 201, r.text
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT CAST(properties AS TEXT) FROM interactions")).scalar()
    value = json.loads(kept, parse_float=Decimal)["deep"]
    for _ in range(depth):
        [value] = value
    assert value == Decimal("0.10") and str(value) == "0.10"


def test_the_idempotency_key_tells_amounts_apart_past_a_float_s_digits(client, services, engine):
    """The same key with 1.00004999999999999999 then 1.00005 is two requests (a float reads
    both as 1.00005): the second is refused, not answered with the first's answer."""
    headers = {**key(services, "events:write"), "Idempotency-Key": "k1"}
    first = _order('{"sku": "MUG", "quantity": 1, "unit_price": 1.00004999999999999999}')
    second = first.replace("1.00004999999999999999", "1.00005")
    assert _post(client, headers, first).status_code == 201
    again = _post(client, headers, second)
    assert again.status_code == 422 and "Idempotent-Replayed" not in again.headers, again.text
    assert _lines(engine) == [(1, Decimal("1.0000"), Decimal(0))]
    replay = _post(client, headers, first)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("number", ["1e400", "-2.5E+309", "1e-400", "0.5e-330"])
def test_a_json_fields_number_no_double_holds_is_refused(client, services, engine, number):
    """Properties are read back as doubles wherever they are shown: 1e400 was stored, then shown
    as null (infinity) in the profile, the timeline and the export; 1e-400 as 0."""
    body = (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data": {'
        '"external_id": "v-1", "customer": "c-1", "channel": "web", "kind": "view",'
        f' "occurred_at": "2026-01-10T10:00:00Z", "properties": {{"x": [1, {{"y": {number}}}]}}}}}}'
    )
    r = _post(client, key(services, "events:write"), body)
    assert r.status_code == 422, r.text
    assert "properties: a number in it is out of range" in r.text
    assert count(engine, "interactions") == 0
    tiny = body.replace(number, "5e-324").replace("v-1", "v-2")  # the smallest double: kept
    assert _post(client, key(services, "events:write"), tiny).status_code == 201
