"""A stored program's number too wide to read as it is (``1E+999999999``, a JSON number that
overflows a float, an integer of 5,000 digits; past ``READ_DIGITS``: 1,000 digits, a magnitude
between 10^-1000 and 10^1000) is read as its edge (10^1000, or 0 for a smaller one) and named
out of range, as every other value past a bound is since 4855e16: the program the API shows
says so, orders are still taken (one past the points bound refused alone), and nothing costs
a billion-digit computation. A fee or a point value past the money bound is read as it is and
named, and a plan of such a fee is refused when paid, before anything is written. Both stores.

Before, each of these made the program unreadable: GET /api/loyalty/program and every order
event failed ('earning.points_per_unit: '1E+999999999' is not a number', '... inf is not a
finite number', 'Exceeds the limit (4300 digits) for integer string conversion', 'plans[0].fee:
1E+99 is out of range for an amount').
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.core import InvalidInput
from opencx.loyalty.domain import program_faults
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer

MUG = [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}]
READ = "(a stored number is read to 1000 digits, between 10^-1000 and 10^1000: read as"


def _store_text(services, text: str) -> None:
    """``text`` as the stored program's JSON, as written (a JSON number's digits kept)."""
    cast = "CAST(:d AS json)" if services.engine.dialect.name == "postgresql" else ":d"
    with services.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE loyalty_programs SET document = {cast}"), {"d": text})


def _with(path: tuple[Any, ...], value: Any) -> str:
    document = copy.deepcopy(PROGRAM)
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "VALUE"
    return json.dumps(document).replace('"VALUE"', value)


CASES = {
    "text-huge": (("earning", "points_per_unit"), '"1E+999999999"', "1E+999999999", "10^1000"),
    "json-huge": (("earning", "points_per_unit"), "1E+999999999", "1E+999999999", "10^1000"),
    "text-tiny": (("earning", "products"), '{"MUG": "1E-999999999"}', "1E-999999999", "0"),
    "json-wide-int": (("expiry_months",), "9" * 5000, f"{'9' * 20}...{'9' * 10}", "10^1000"),
    "json-tier": (("tiers", "levels", 1, "entry"), "1e400", "1E+400", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_number_too_wide_is_read_as_its_edge_and_named(client, services, case):
    path, value, shown, read_as = CASES[case]
    _store_text(services, _with(path, value))
    where = {
        "text-tiny": "earning.products.MUG",
        "json-wide-int": "program.expiry_months",
        "json-tier": "tiers.levels[1].entry",
    }.get(case, "earning.points_per_unit")
    admin = bearer(services, "loyalty:*")
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    said = r.json()["out_of_range"]
    if read_as is None:  # within what is read (10^400): past the bound of a points threshold
        assert said == [
            f"{where}: {shown} is out of range (at most 999999999999 points, 12 digits)"
        ]
    else:
        assert said == [f"{where}: {shown} is out of range {READ} {read_as})"]
    assert list(services.loyalty.overview().program_out_of_range) == said
    # orders are taken: past the points bound one is refused alone, the others earn
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG)
    order(services, "o2", "ann", [{"sku": "CAP", "quantity": 1, "unit_price": "5.00"}])
    refused = [x.reason for x in services.loyalty.overview().refused]
    balance = services.loyalty.member_view(member).balance
    if case in ("text-huge", "json-huge"):  # 10^1000 points a unit
        assert len(refused) == 2 and all("is out of range" in x for x in refused)
        assert balance == 0
    elif case == "text-tiny":  # a MUG earns nothing, a CAP its 5 points
        assert (refused, balance) == ([], 5)
    else:
        assert (refused, balance) == ([], 15)
    assert services.loyalty.audit(member)[2]


def test_a_fee_or_point_value_past_the_money_bound_is_named_and_a_plan_of_it_not_sold(
    client, services
):
    document = copy.deepcopy(PROGRAM)
    document["plans"][0]["fee"] = "1E+99"
    document["point_value"] = "100000000000000"
    _store_text(services, json.dumps(document))
    amount = "is out of range for an amount (at most 14 digits before the decimal point)"
    assert program_faults(services.loyalty.program()) == (
        f"program.point_value: 100000000000000 {amount}",
        f"plans[0].fee: 1E+99 {amount}",
    )
    member = services.loyalty.enroll(customer(services, "ann"))
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.join_plan(member, "vip", "j1")
    assert str(refused.value) == (
        "plan 'vip': its fee: 1E+99 is out of range (at most 14 digits before the decimal point)"
    )
    with services.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM loyalty_terms")).scalar_one() == 0
    assert services.loyalty.member_view(member).balance == 0
    order(services, "o1", "ann", MUG)
    assert services.loyalty.member_view(member).balance == 10
    admin = bearer(services, "loyalty:*")
    assert client.get("/api/loyalty/overview", headers=admin).status_code == 200
