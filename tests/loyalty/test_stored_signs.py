"""A stored program's number that a program being set may not take for its sign or its decimals
(a negative ``points_per_unit`` or multiplier, a point value of ``1E-30`` or 0, a fee of -49 or
``1E-30``) is read as it is and named out of range, as a value past a bound is (6403d89): the
program the API shows, the overview (API, page) say so in the words a PUT is refused with. An
order is refused alone, kept among the refused orders, when a rate it takes is negative, never
earning (nor debiting) by it; a plan of such a fee is not sold. Both stores. Any number at any
number field of a stored program reads without an exception (Hypothesis).

Before, each made the program unreadable: GET /api/loyalty/program, the overview and every order
event failed ('earning.points_per_unit: must not be negative', 'program.point_value: 1E-30 has
more than 4 decimals').
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.loyalty.domain import (
    OrderLine,
    OutOfRange,
    check_program_points,
    order_points,
    program_document,
    program_faults,
    read_stored,
    tier_order_checks,
)
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer
from tests.loyalty.test_pages import log_in
from tests.loyalty.test_unreadable_numbers import _store_text, _with

MUG = [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}]
CAP = [{"sku": "CAP", "quantity": 1, "unit_price": "5.00"}]
NEGATIVE_RATE = "is out of range (a rate must not be negative)"

CASES: dict[str, tuple[tuple[Any, ...], str, str]] = {  # path, stored JSON, sentence shown
    "per-unit-text": (
        ("earning", "points_per_unit"),
        '"-1"',
        "earning.points_per_unit: must not be negative",
    ),
    "per-unit-json": (
        ("earning", "points_per_unit"),
        "-0.5",
        "earning.points_per_unit: must not be negative",
    ),
    "product": (
        ("earning", "products"),
        '{"MUG": "-2"}',
        "earning.products.MUG: a multiplier must not be negative",
    ),
    "point-value-text": (
        ("point_value",),
        '"1E-30"',
        "program.point_value: 1E-30 has more than 4 decimals",
    ),
    "point-value-json": (
        ("point_value",),
        "1e-30",
        "program.point_value: 1E-30 has more than 4 decimals",
    ),
    "point-value-zero": (("point_value",), '"0"', "program.point_value: must be greater than 0"),
    "fee-negative": (("plans", 0, "fee"), '"-49"', "plans[0].fee: must not be negative"),
    "fee-tiny": (("plans", 0, "fee"), '"1E-30"', "plans[0].fee: 1E-30 has more than 4 decimals"),
}


def _refused(services) -> list[str]:
    return sorted(x.reason for x in services.loyalty.overview().refused)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_stored_number_of_a_wrong_sign_or_decimals_is_read_and_named(client, services, case):
    path, value, said = CASES[case]
    _store_text(services, _with(path, value))
    admin = bearer(services, "loyalty:*")
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["out_of_range"] == [said]
    overview = client.get("/api/loyalty/overview", headers=admin)
    assert overview.status_code == 200, overview.text
    assert overview.json()["program_out_of_range"] == [said]
    # shown, it is refused when set back, for that value
    put = client.put("/api/loyalty/program", json=r.json(), headers=admin)
    assert (put.status_code, put.json()["detail"]) == (422, said)
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG)
    order(services, "o2", "ann", CAP)
    balance = services.loyalty.member_view(member).balance
    if case.startswith("per-unit"):  # every order takes the rate: none earns, each refused
        rate = "-1" if case == "per-unit-text" else "-0.5"
        assert _refused(services) == [
            f"order {o} (source shop) of {gross} EUR: earning.points_per_unit: {rate}"
            f" {NEGATIVE_RATE}"
            for o, gross in (("o1", "10.0000"), ("o2", "5.0000"))
        ]
        assert balance == 0
    elif case == "product":  # the MUG's order refused, the CAP's earns its 5 points
        assert _refused(services) == [
            f"order o1 (source shop) of 10.0000 EUR: earning.products.MUG: -2 {NEGATIVE_RATE}"
        ]
        assert balance == 5
    else:
        assert (_refused(services), balance) == ([], 15)
    if case.startswith("fee"):
        with pytest.raises(InvalidInput) as refused:
            services.loyalty.join_plan(member, "vip", "j1")
        assert str(refused.value) == said.replace("plans[0].fee", "plan 'vip': its fee")
        with services.engine.connect() as conn:
            terms = conn.execute(sa.text("SELECT count(*) FROM loyalty_terms")).scalar_one()
        assert (terms, services.loyalty.member_view(member).balance) == (0, 15)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_page_shows_a_stored_negative_rate(client, services):
    _store_text(services, _with(("earning", "points_per_unit"), '"-1"'))
    log_in(client, services, "admin")
    page = client.get("/loyalty")
    assert page.status_code == 200
    assert 'id="program-out-of-range"' in page.text
    assert "earning.points_per_unit: must not be negative" in page.text


NUMBER_FIELDS = [
    ("earning", "points_per_unit"),
    ("point_value",),
    ("earning", "categories", "shoes"),
    ("earning", "products", "MUG"),
    ("tiers", "levels", 0, "multiplier"),
    ("plans", 0, "fee"),
    ("plans", 0, "multiplier"),
    ("tiers", "levels", 0, "entry"),
    ("tiers", "levels", 0, "retain"),
    ("tiers", "levels", 1, "entry"),
    ("tiers", "levels", 1, "retain"),
]
"""Each number field of a program that holds a decimal (a tier threshold too, whose order the
tiers' other thresholds constrain: out of it, named, and the tier job moves no member); the
whole numbers of months, days and the floor: :data:`WHOLE_FIELDS`."""


def _decimal_text(d: Decimal) -> str:
    return str(d)


stored_numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False).map(_decimal_text),
    st.builds(
        lambda sign, digits, exponent: f"{sign}{digits}E{exponent:+d}",
        st.sampled_from(["", "-"]),
        st.integers(0, 10**6),
        st.integers(-(10**9), 10**9),
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
"""A number as a stored document may hold it: any sign, any exponent, digits or exponent."""


@settings(max_examples=100, deadline=None)  # 12.5 s at 300 in the suite
@given(st.sampled_from(NUMBER_FIELDS), stored_numbers, st.booleans())
def test_any_stored_number_reads_without_an_exception(path, number, as_text):
    document = copy.deepcopy(PROGRAM)
    document["earning"]["products"] = {"MUG": "3"}
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "VALUE"
    text = json.dumps(document).replace('"VALUE"', json.dumps(number) if as_text else number)
    program = read_stored(text)
    faults = program_faults(program)
    try:
        check_program_points(program)
    except InvalidInput as exc:  # named, or named first as read at its edge (program.unreadable)
        assert str(exc).split(": ", 1)[0] in {fault.split(": ", 1)[0] for fault in faults}
    else:
        assert faults == program.unreadable  # a number read as 0 may be within every bound
    json.dumps(program_document(program))  # shown
    order_faults = []
    for check in tier_order_checks(program.tiers):  # what the tier job refuses to run under
        try:
            check()
        except InvalidInput as exc:
            order_faults.append(str(exc))
    # named, each field once (a threshold read at its edge is named for that first)
    assert {f.split(": ", 1)[0] for f in order_faults} <= {f.split(": ", 1)[0] for f in faults}
    lines = [OrderLine("MUG", None, Decimal("10.00")), OrderLine("X", "shoes", Decimal("5"))]
    try:
        points = order_points(program.earning, lines, multiplier=program.plans[0].multiplier)
    except OutOfRange as exc:  # a negative rate: refused, never a debit
        assert NEGATIVE_RATE in str(exc) and faults
    else:
        assert points >= 0


EXPIRY = "is out of range (a lot must expire after it is earned: positive, or null: never expire)"
WHOLE_CASES: dict[str, tuple[tuple[Any, ...], str, list[str]]] = {  # path, stored, shown
    "expiry-negative": (
        ("expiry_months",),
        "-3",
        ["program.expiry_months: must be positive (or null: never expire)"],
    ),
    "expiry-zero": (
        ("expiry_months",),
        "0",
        ["program.expiry_months: must be positive (or null: never expire)"],
    ),
    "pending-negative": (("pending_days",), "-1", ["program.pending_days: must not be negative"]),
    "floor-positive": (
        ("floor",),
        "100",
        ["program.floor: must be 0 or negative (or null: no floor)"],
    ),
    "term-negative": (
        ("plans", 0, "term_months"),
        "-12",
        ["plans[0].term_months: must be a positive whole number"],
    ),
    "retain-above-entry": (
        ("tiers", "levels", 0, "retain"),
        "150",
        ["tiers.levels[0].retain: must not be above entry (150 > 100)"],
    ),
    "entries-out-of-order": (
        ("tiers", "levels", 1, "entry"),
        "50",
        [
            "tiers.levels[1].retain: must not be above entry (800 > 50)",
            "tiers.levels: 'gold' must need more than 'silver'",
        ],
    ),
}
"""A stored whole number of a sign a program being set may not take, and tier thresholds out
of their order: read as they are and named, in the words a PUT is refused with. Before, each
made the program unreadable (GET, the overview and every order event failed)."""

RETURN = [
    {
        "sku": "MUG",
        "quantity": -1,
        "unit_price": "10.00",
        "is_return": True,
        "returns_order": "o1",
    }
]


def _count(services, table: str) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.parametrize("case", sorted(WHOLE_CASES))
def test_a_stored_whole_number_of_a_wrong_sign_or_tiers_out_of_order_are_read_and_named(
    client, services, case
):
    path, value, said = WHOLE_CASES[case]
    _store_text(services, _with(path, value))
    admin = bearer(services, "loyalty:*")
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["out_of_range"] == said
    overview = client.get("/api/loyalty/overview", headers=admin)
    assert overview.status_code == 200, overview.text
    assert overview.json()["program_out_of_range"] == said
    put = client.put("/api/loyalty/program", json=r.json(), headers=admin)
    assert (put.status_code, put.json()["detail"]) == (422, said[0])
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG)
    order(services, "o2", "ann", CAP)
    balance = services.loyalty.member_view(member).balance
    if case.startswith(("expiry", "pending")):  # each lot would be dated wrong: none written
        why = (
            f"program.expiry_months: {value} {EXPIRY}"
            if case.startswith("expiry")
            else "program.pending_days: -1 is out of range (a return window must not be negative)"
        )
        assert _refused(services) == [
            f"order {o} (source shop) of {gross} EUR: {why}"
            for o, gross in (("o1", "10.0000"), ("o2", "5.0000"))
        ]
        assert (balance, _count(services, "loyalty_entries")) == (0, 0)
        if case.startswith("expiry"):  # nor a welcome's lot: nor the term paid with it
            with pytest.raises(OutOfRange, match=re.escape(why)):
                services.loyalty.join_plan(member, "vip", "j1")
            assert _count(services, "loyalty_terms") == 0
        return
    assert (_refused(services), balance) == ([], 15)
    if case == "floor-positive":  # a debit under it is refused, a return's too: kept refused
        floor = "program.floor: 100 is out of range (the lowest balance allowed must be 0 or"
        with pytest.raises(OutOfRange, match=re.escape(floor)):
            services.loyalty.spend(member, 5, "s1")
        order(services, "r1", "ann", RETURN)
        assert [x.split(": ", 1)[1] for x in _refused(services)] == [
            f"{floor} negative, or null: no floor)"
        ]
        assert services.loyalty.member_view(member).balance == 15
    elif case == "term-negative":  # no term ending before it starts, its fee charged
        with pytest.raises(InvalidInput) as refused:
            services.loyalty.join_plan(member, "vip", "j1")
        assert str(refused.value) == "plan 'vip': its term_months: must be a positive whole number"
        assert (
            _count(services, "loyalty_terms"),
            services.loyalty.member_view(member).balance,
        ) == (
            0,
            15,
        )
    else:  # the tier job moves no member under thresholds out of their order
        services.loyalty.earn(member, 2000, "b1")
        with pytest.raises(OutOfRange) as refused:
            services.loyalty.evaluate_tiers()
        assert str(refused.value) == f"tiers not evaluated: {said[0]}"
        assert _count(services, "loyalty_tier_changes") == 0


WHOLE_FIELDS = [("expiry_months",), ("pending_days",), ("floor",), ("plans", 0, "term_months")]
"""The whole numbers of a program a sign constrains: its lots' expiry and return window in
months and days, the lowest balance, a plan's term."""
AT = datetime(2026, 1, 10, 10, tzinfo=UTC)


def _refused_by_name(operation, faults: tuple[str, ...]) -> bool:
    """Whether ``operation`` is refused (OutOfRange naming a field ``faults`` names)."""
    try:
        operation()
    except OutOfRange as exc:
        assert str(exc).split(": ", 1)[0] in {fault.split(": ", 1)[0] for fault in faults}
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(WHOLE_FIELDS),
    st.one_of(st.integers(-(10**4), 10**4), st.integers(), st.none()),
)
def test_any_stored_whole_number_reads_and_dates_no_lot_wrong(path, number):
    """Any whole number (or null) at a month, day or floor field reads without an exception,
    is named when a program being set may not take it, and where it would date a lot before
    it was earned, debit under a floor above 0 or sell a term ending before it starts, that
    is refused naming it; otherwise a lot expires after it is earned and is spendable no
    earlier, and a debit's floor is 0 or below."""
    if number is None and path[0] in ("pending_days", "plans"):
        number = 0  # null is 0 days there; a plan's term is a number (checked as before)
    program = read_stored(_with(path, json.dumps(number)))
    faults = program_faults(program)
    named = {fault.split(": ", 1)[0] for fault in faults}
    try:
        check_program_points(program)
    except InvalidInput as exc:
        assert str(exc).split(": ", 1)[0] in named
    else:
        assert faults == ()
    if not _refused_by_name(lambda: program.expiry(AT), faults):
        expires = program.expiry(AT)
        assert expires is None or expires > AT
    if not _refused_by_name(lambda: program.spendable_from(AT), faults):
        assert program.spendable_from(AT) >= AT
    if not _refused_by_name(program.debit_floor, faults):
        floor = program.debit_floor()
        assert floor is None or floor <= 0
    term = program.plans[0].term_months
    if term <= 0:  # join_plan refuses it (past 1,200 months it is named as well)
        assert "plans[0].term_months" in named
