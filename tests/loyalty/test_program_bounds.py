"""A program's point values are held to the points bound (``loyalty.domain.POINTS_LIMIT``) when
the program is set: an event's points, a plan's welcome points and the points a currency unit
earns of 10^12 or more are refused naming the field, with the ledger's sentence (the API's 422,
the CLI's error), and the program in force stays as it was. Both stores.

Before, such a program was saved, and only each earn of it was refused by the ledger: every
review, every VIP join, every order of a program of 10^12 points a euro failed.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from opencx.core import InvalidInput
from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import POINTS_LIMIT, program_document
from opencx.loyalty.service.ledger.bookkeeping import parsed_program
from tests.loyalty.conftest import PROGRAM
from tests.loyalty.test_api import bearer

MOST = POINTS_LIMIT - 1


def refusal(where: str, value: object) -> str:
    return f"{where}: {value} is out of range (at most 999999999999 points, 12 digits)"


def with_value(where: str, value: Any) -> dict[str, Any]:
    """PROGRAM with the point value at ``where`` set to ``value``."""
    document = copy.deepcopy(PROGRAM)
    if where == "earning.events.review.points":
        document["earning"]["events"]["review"]["points"] = value
    elif where == "plans[0].welcome_points":
        document["plans"][0]["welcome_points"] = value
    else:
        document["earning"]["points_per_unit"] = value
    return document


FIELDS = ["earning.events.review.points", "plans[0].welcome_points", "earning.points_per_unit"]


@pytest.mark.parametrize("where", FIELDS)
@pytest.mark.parametrize("value", [POINTS_LIMIT, 2**63, 10**40])
def test_the_api_refuses_a_point_value_past_the_bound(client, services, where, value):
    admin = bearer(services, "loyalty:*")
    before = client.get("/api/loyalty/program", headers=admin).json()
    r = client.put("/api/loyalty/program", json=with_value(where, value), headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == refusal(where, value)
    assert client.get("/api/loyalty/program", headers=admin).json() == before


@pytest.mark.parametrize("where", FIELDS)
def test_the_most_an_entry_moves_is_taken(client, services, where):
    admin = bearer(services, "loyalty:*")
    r = client.put("/api/loyalty/program", json=with_value(where, MOST), headers=admin)
    assert r.status_code == 200, r.text
    assert str(MOST) in json.dumps(r.json())


def test_a_fraction_of_a_point_under_the_bound_a_currency_unit_is_taken(client, services):
    admin = bearer(services, "loyalty:*")
    body = with_value("earning.points_per_unit", "999999999999.99")
    r = client.put("/api/loyalty/program", json=body, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["earning"]["points_per_unit"] == "999999999999.99"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_says_the_same_and_keeps_the_program(services, tmp_path):
    before = program_document(services.loyalty.program())
    runner = CliRunner()
    for where in FIELDS:
        path = tmp_path / "program.json"
        path.write_text(json.dumps(with_value(where, 2**63)))
        r = runner.invoke(cli, ["configure", str(path)], obj=services)
        assert r.exit_code == 1, r.output
        assert r.output.strip() == f"error: {path}: {refusal(where, 2**63)}"
    assert program_document(services.loyalty.program()) == before


@pytest.mark.parametrize("value", ["many", None, "NaN"])
def test_welcome_points_that_are_no_number_are_refused_naming_them(client, services, value):
    admin = bearer(services, "loyalty:*")
    body = with_value("plans[0].welcome_points", value)
    r = client.put("/api/loyalty/program", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"plans[0].welcome_points: {value!r} is not a whole number"


def test_a_stored_program_past_the_bound_is_still_read():
    """A program saved before the check is read as it is; the ledger refuses its earns."""
    text = json.dumps(with_value("earning.events.review.points", 10**13))
    assert parsed_program(text).earning.events["review"].points == 10**13


def _tier_program(basis: str, where: str, value: Any) -> dict[str, Any]:
    """PROGRAM with the tiers on ``basis`` and the value at ``where`` (a field of the second
    level, gold, or a multiplier) set to ``value``."""
    document = copy.deepcopy(PROGRAM)
    document["tiers"]["basis"] = basis
    group, _, name = where.rpartition(".")
    if group == "tiers.levels[1]":
        document["tiers"]["levels"][1][name] = value
    elif group == "plans[0]":
        document["plans"][0][name] = value
    else:
        document["earning"].setdefault(group.removeprefix("earning."), {})[name] = value
    return document


MULTIPLIERS = [
    "earning.categories.shoes",
    "earning.products.MUG",
    "tiers.levels[1].multiplier",
    "plans[0].multiplier",
]


@pytest.mark.parametrize("where", MULTIPLIERS)
@pytest.mark.parametrize("value", [POINTS_LIMIT, 10**40, "1e5000"])
def test_a_multiplier_past_the_bound_is_refused_naming_it(client, services, where, value):
    """A multiplier of 10^12 or more would make one currency unit earn more than an entry
    moves; '1e5000' made every order's points an int of 5,001 digits, which the ledger's
    refusal could not print (a 500 for each order event)."""
    admin = bearer(services, "loyalty:*")
    before = client.get("/api/loyalty/program", headers=admin).json()
    r = client.put(
        "/api/loyalty/program", json=_tier_program("points", where, value), headers=admin
    )
    assert r.status_code == 422, r.text
    refused = f"{value} is out of range (at most {MOST}, 12 digits)"
    if value == "1e5000":  # a string: read as an amount's text is (core.money.AMOUNT_TEXT)
        refused = (
            "'1e5000' is not a number (digits, an optional sign and '.' before the decimals: 12.50)"
        )
    assert r.json()["detail"] == f"{where}: {refused}"
    assert client.get("/api/loyalty/program", headers=admin).json() == before


@pytest.mark.parametrize("where", ["tiers.levels[1].multiplier", "plans[0].multiplier"])
def test_a_negative_tier_or_plan_multiplier_is_refused(client, services, where):
    admin = bearer(services, "loyalty:*")
    r = client.put("/api/loyalty/program", json=_tier_program("points", where, -2), headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"{where}: a multiplier must not be negative"


@pytest.mark.parametrize(
    ("basis", "where", "value", "rule"),
    [
        ("points", "entry", POINTS_LIMIT, f"(at most {MOST} points, 12 digits)"),
        ("points", "re_entry", 10**40, f"(at most {MOST} points, 12 digits)"),
        ("points", "retain", -POINTS_LIMIT, f"(at most {MOST} points, 12 digits)"),
        ("orders", "entry", POINTS_LIMIT, f"(at most {MOST}, 12 digits)"),
        (
            "spend",
            "entry",
            10**14,
            "for an amount (at most 14 digits before the decimal point)",
        ),
    ],
)
def test_a_tier_threshold_past_its_basis_bound_is_refused(
    client, services, basis, where, value, rule
):
    """Thresholds are held to the bound of what they are compared with: points earned as an
    entry's points, an order count to as many, spend as an amount (less than 10^14)."""
    admin = bearer(services, "loyalty:*")
    before = client.get("/api/loyalty/program", headers=admin).json()
    body = _tier_program(basis, f"tiers.levels[1].{where}", value)
    r = client.put("/api/loyalty/program", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"tiers.levels[1].{where}: {value} is out of range {rule}"
    assert client.get("/api/loyalty/program", headers=admin).json() == before


@pytest.mark.parametrize(
    ("basis", "value"), [("points", MOST), ("orders", MOST), ("spend", "99999999999999.9999")]
)
def test_the_highest_threshold_and_multiplier_of_each_bound_are_taken(
    client, services, basis, value
):
    admin = bearer(services, "loyalty:*")
    body = _tier_program(basis, "tiers.levels[1].entry", value)
    body["tiers"]["levels"][1]["multiplier"] = MOST
    body["earning"]["categories"]["shoes"] = "999999999999.9999"
    r = client.put("/api/loyalty/program", json=body, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["tiers"]["levels"][1]["entry"] == str(value)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_refuses_a_threshold_and_a_multiplier_in_the_same_words(services, tmp_path):
    before = program_document(services.loyalty.program())
    runner = CliRunner()
    for where, body in [
        ("tiers.levels[1].entry", _tier_program("points", "tiers.levels[1].entry", 10**12)),
        ("plans[0].multiplier", _tier_program("points", "plans[0].multiplier", 10**12)),
    ]:
        path = tmp_path / "program.json"
        path.write_text(json.dumps(body))
        r = runner.invoke(cli, ["configure", str(path)], obj=services)
        assert r.exit_code == 1, r.output
        unit = " points" if where.endswith("entry") else ""
        detail = f"{where}: {10**12} is out of range (at most {MOST}{unit}, 12 digits)"
        assert r.output.strip() == f"error: {path}: {detail}"
    assert program_document(services.loyalty.program()) == before


HUGE = Decimal("1e999999999")  # past Decimal's exponent (Emax 999999): abs() of it overflows


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        *[
            (
                _tier_program("points", where, HUGE),
                f"{where}: 1E+999999999 is out of range (at most {MOST}, 12 digits)",
            )
            for where in MULTIPLIERS
        ],
        (
            with_value("earning.points_per_unit", HUGE),
            f"earning.points_per_unit: 1E+999999999 is out of range (at most {MOST} points,"
            " 12 digits)",
        ),
        *[
            (
                _tier_program(basis, f"tiers.levels[1].{where}", value),
                f"tiers.levels[1].{where}: {value} is out of range {rule}",
            )
            for basis, where, value, rule in [
                ("points", "entry", HUGE, f"(at most {MOST} points, 12 digits)"),
                (
                    "points",
                    "retain",
                    Decimal("-1e999999999"),
                    f"(at most {MOST} points, 12 digits)",
                ),
                ("orders", "re_entry", HUGE, f"(at most {MOST}, 12 digits)"),
                (
                    "spend",
                    "retain",
                    Decimal("-1e999999999"),
                    "for an amount (at most 14 digits before the decimal point)",
                ),
            ]
        ],
        (
            {**PROGRAM, "point_value": HUGE},
            "program.point_value: 1E+999999999 is out of range for an amount (at most 14 digits"
            " before the decimal point)",
        ),
        (
            _tier_program("points", "plans[0].fee", HUGE),
            "plans[0].fee: 1E+999999999 is out of range for an amount (at most 14 digits before"
            " the decimal point)",
        ),
    ],
)
def test_a_value_past_decimals_exponent_is_refused_naming_it(services, document, detail):
    """A document holding a Decimal past the exponent a Decimal's context holds (a caller of
    LoyaltyService.configure, which takes any mapping): the bound's abs() raised
    decimal.Overflow, an ArithmeticError no caller expects, for a multiplier, a threshold, the
    points a unit earns, the point value or a plan's fee. Until ae07fda the string
    '1e999999999' reached it from PUT /api/loyalty/program (a 500); the edges now refuse that
    string as no number, and exact_json an exponent past 1,000."""
    before = program_document(services.loyalty.program())
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.configure(document)
    assert str(refused.value) == detail
    assert program_document(services.loyalty.program()) == before
