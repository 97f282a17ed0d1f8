"""A program stored before a bound (the spans of aa7b677, the point values of c5915ef) is read
as it is and checked as a program being set is: the program the API shows carries
``out_of_range`` with each value past its bound, named in the bounds' sentence, and so does the
overview (API, CLI, page); orders still earn (a lot's dates end at ``LAST_INSTANT`` at the
latest) and the ledger refuses alone an order whose points pass the points bound. Both stores.

Before, such a program was shown as if within its bounds, and a span of 10^6 months or 10^7
days (stored before aa7b677) failed every order event ('year 85359 is out of range') until
5071d38 ended a lot's dates at the last instant.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import LAST_INSTANT, program_faults
from opencx.loyalty.service.ledger.bookkeeping import parsed_program
from opencx.loyalty.store import ledger as store
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer
from tests.loyalty.test_pages import log_in

MUG = [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}]


def stored(services, document: dict[str, Any]) -> None:
    """``document`` written as the program without the checks of ``configure``."""
    with services.engine.begin() as conn:
        store.save_program(conn, document, services.clock.now())


def spans(expiry: int, pending: int, term: int) -> dict[str, Any]:
    document = copy.deepcopy(PROGRAM)
    document.update(expiry_months=expiry, pending_days=pending)
    document["plans"][0]["term_months"] = term
    return document


def sentences(expiry: int, pending: int, term: int) -> list[str]:
    return [
        f"program.expiry_months: {expiry} is out of range (at most 1200 months, 100 years)",
        f"program.pending_days: {pending} is out of range (at most 36500 days, 100 years)",
        f"plans[0].term_months: {term} is out of range (at most 1200 months, 100 years)",
    ]


def _dates(services) -> list[tuple[Any, ...]]:
    with services.engine.connect() as conn:
        lots = conn.execute(
            sa.text("SELECT available_at, expires_at FROM loyalty_lots ORDER BY points")
        ).all()
        terms = conn.execute(sa.text("SELECT ends_at FROM loyalty_terms")).all()
    return [tuple(str(v)[:10] for v in row) for row in [*lots, *terms]]


@pytest.mark.parametrize(("months", "days"), [(10**6, 10**7), (10**40, 10**40)])
def test_stored_spans_past_9999_are_named_and_orders_earn(client, services, months, days):
    """Spans that take a lot's or a term's dates past year 9999 (10^6 days from 2026 is
    4763): the dates end at the last instant."""
    stored(services, spans(months, days, months))
    admin = bearer(services, "loyalty:*")
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["out_of_range"] == sentences(months, days, months)
    assert (r.json()["expiry_months"], r.json()["pending_days"]) == (months, days)  # as it is
    r = client.get("/api/loyalty/overview", headers=admin)
    assert r.json()["program_out_of_range"] == sentences(months, days, months)
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG)
    services.loyalty.join_plan(member, "vip", "j1")
    last = str(LAST_INSTANT)[:10]
    # the order's 10 points, then the 500 welcome points (spendable at once), then the term
    assert _dates(services) == [(last, last), ("2026-01-15", last), (last,)]
    assert services.loyalty.member_view(member).balance == 510
    assert services.loyalty.overview().refused_orders == 0


def test_every_value_past_its_bound_is_named_in_order(client, services):
    document = spans(1201, 36_501, 10**6)
    document["earning"]["points_per_unit"] = 10**13
    document["earning"]["categories"]["shoes"] = "1000000000000.5"
    document["tiers"]["levels"][1]["multiplier"] = 10**12
    stored(services, document)
    *span_faults, term = sentences(1201, 36_501, 10**6)
    most = "(at most 999999999999 points, 12 digits)"
    expected = [
        *span_faults,
        f"earning.points_per_unit: 10000000000000 is out of range {most}",
        "earning.categories.shoes: 1000000000000.5 is out of range (at most 999999999999,"
        " 12 digits)",
        "tiers.levels[1].multiplier: 1000000000000 is out of range (at most 999999999999,"
        " 12 digits)",
        term,
    ]
    assert list(program_faults(services.loyalty.program())) == expected
    admin = bearer(services, "loyalty:*")
    shown = client.get("/api/loyalty/program", headers=admin).json()
    assert shown["out_of_range"] == expected
    # set again as shown: refused for the first value past its bound, the program kept
    r = client.put("/api/loyalty/program", json=shown, headers=admin)
    assert (r.status_code, r.json()["detail"]) == (422, expected[0])
    # an order's earn past the points bound is refused alone, naming the order
    services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG)
    [refused] = services.loyalty.overview().refused
    assert refused.reason.endswith(
        "points: 100000000000000 is out of range (at most 999999999999 points, 12 digits)"
    )
    # within the bounds again: nothing to say
    assert client.put("/api/loyalty/program", json=PROGRAM, headers=admin).status_code == 200
    assert "out_of_range" not in client.get("/api/loyalty/program", headers=admin).json()
    assert services.loyalty.overview().program_out_of_range == ()


def test_a_program_within_its_bounds_has_nothing_out_of_range(client, services):
    admin = bearer(services, "loyalty:*")
    assert "out_of_range" not in client.get("/api/loyalty/program", headers=admin).json()
    overview = client.get("/api/loyalty/overview", headers=admin).json()
    assert overview["program_out_of_range"] == []
    assert program_faults(parsed_program(None)) == ()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_and_the_page_say_the_same(client, services):
    stored(services, spans(10**6, 14, 12))
    said = sentences(10**6, 14, 12)[0]
    r = CliRunner().invoke(cli, ["overview"], obj=services)
    assert r.exit_code == 0, r.output
    assert f"program out of range (stored before its bounds): {said}" in r.output.splitlines()
    log_in(client, services, "admin")
    page = client.get("/loyalty")
    assert page.status_code == 200
    assert 'id="program-out-of-range"' in page.text and said in page.text
    stored(services, PROGRAM)
    assert "program out of range" not in CliRunner().invoke(cli, ["overview"], obj=services).output
    assert 'id="program-out-of-range"' not in client.get("/loyalty").text


def test_the_program_shown_is_set_back_as_shown_once_within(client, services, tmp_path):
    """GET, edit, PUT back: ``out_of_range`` is what the GET adds (read-only), so a PUT or
    ``opencx loyalty configure`` of the document shown takes it and ignores it; the values
    are checked as any program's are, and the key is never stored. Before, a PUT of the
    document shown was refused ('program: unknown field(s) out_of_range') even once every
    value was within its bounds."""
    stored(services, spans(10**6, 14, 12))
    admin = bearer(services, "loyalty:*")
    shown = client.get("/api/loyalty/program", headers=admin).json()
    said = sentences(10**6, 14, 12)[0]
    assert shown["out_of_range"] == [said]
    # unchanged: refused for the value, not for the key
    r = client.put("/api/loyalty/program", json=shown, headers=admin)
    assert (r.status_code, r.json()["detail"]) == (422, said)
    shown["expiry_months"] = 12
    r = client.put("/api/loyalty/program", json=shown, headers=admin)
    assert r.status_code == 200, r.text
    assert "out_of_range" not in r.json()
    again = client.get("/api/loyalty/program", headers=admin).json()
    assert "out_of_range" not in again and again["expiry_months"] == 12
    with services.engine.connect() as conn:
        assert "out_of_range" not in store.program_document(conn)
    # the CLI takes the same document from a file
    stored(services, spans(10**6, 14, 12))
    shown = client.get("/api/loyalty/program", headers=admin).json()
    path = tmp_path / "program.json"
    path.write_text(json.dumps(shown))
    r = CliRunner().invoke(cli, ["configure", str(path)], obj=services)
    assert (r.exit_code, r.output.strip()) == (1, f"error: {path}: {said}")
    path.write_text(json.dumps(shown | {"expiry_months": 12}))
    r = CliRunner().invoke(cli, ["configure", str(path)], obj=services)
    assert r.exit_code == 0, r.output
    assert services.loyalty.program().expiry_months == 12
    assert program_faults(services.loyalty.program()) == ()
