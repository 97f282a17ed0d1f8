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
]
"""Each number field of a program that holds a decimal (not a whole number of points, months or
days, nor a tier threshold, which the tiers' order constrains)."""


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


@settings(max_examples=300, deadline=None)
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
    lines = [OrderLine("MUG", None, Decimal("10.00")), OrderLine("X", "shoes", Decimal("5"))]
    try:
        points = order_points(program.earning, lines, multiplier=program.plans[0].multiplier)
    except OutOfRange as exc:  # a negative rate: refused, never a debit
        assert NEGATIVE_RATE in str(exc) and faults
    else:
        assert points >= 0
