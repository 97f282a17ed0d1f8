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
from typing import Any

import pytest
from typer.testing import CliRunner

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
