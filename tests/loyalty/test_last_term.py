"""A paid term ends at the last instant a datetime holds at the latest (``LAST_INSTANT``, year
9999): a payment once the member's term already ends there would buy a term of no length, so
it is refused, naming why, before anything is written: no term, no fee, no welcome points,
and the ledger stays balanced. Both stores.

Before, the renewal was taken: a term from the last instant to the last instant, its fee
charged and its welcome points earned again.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.core import Conflict
from opencx.loyalty.domain import LAST_INSTANT, Plan, Term, next_term
from opencx.loyalty.store import ledger as store
from tests.loyalty.conftest import PROGRAM, customer
from tests.loyalty.test_api import bearer
from tests.loyalty.test_service import audit_all

REFUSED = (
    "plan 'vip': a term ends at 9999-12-31 23:59:59 UTC at the latest, the last instant kept,"
    " and the member's term already runs to it; a payment now would buy no time, so none is"
    " taken"
)


def _terms(services) -> list[tuple[Any, ...]]:
    with services.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT fee FROM loyalty_terms ORDER BY starts_at")).all()
    return [float(r.fee) for r in rows]


def _last_term_program(services) -> None:
    """PROGRAM with a term of 10^6 months, stored before the 1,200-month bound (read as it is:
    a term ends at the last instant at the latest)."""
    document = copy.deepcopy(PROGRAM)
    document["plans"][0]["term_months"] = 10**6
    with services.engine.begin() as conn:
        store.save_program(conn, document, services.clock.now())


def test_a_renewal_after_the_last_instant_is_refused_and_charges_nothing(client, services):
    _last_term_program(services)
    member = services.loyalty.enroll(customer(services, "ann"))
    term = services.loyalty.join_plan(member, "vip", "j1")
    assert term.ends_at == LAST_INSTANT
    assert services.loyalty.member_view(member).balance == 500
    with pytest.raises(Conflict) as refused:
        services.loyalty.join_plan(member, "vip", "j2")
    assert str(refused.value) == REFUSED
    r = client.post(
        f"/api/loyalty/members/{member}/plan",
        json={"plan": "vip"},
        headers=bearer(services, "loyalty:*") | {"Idempotency-Key": "j3"},
    )
    assert (r.status_code, r.json()["detail"]) == (409, REFUSED)
    assert _terms(services) == [49.0]  # one fee, one term
    view = services.loyalty.member_view(member)
    assert (view.balance, view.plan, view.plan_ends_at) == (500, "vip", LAST_INSTANT)
    assert services.loyalty.join_plan(member, "vip", "j1").ends_at == LAST_INSTANT  # a replay
    audit_all(services)


def test_a_term_clamped_to_the_last_instant_is_bought_once(services, clock):
    """In June 9999 a 12-month term ends at the last instant (7 months); paying again then, or
    at the last instant itself, buys nothing."""
    clock.at = datetime(9999, 6, 1, tzinfo=UTC)
    member = services.loyalty.enroll(customer(services, "ann"))
    assert services.loyalty.join_plan(member, "vip", "j1").ends_at == LAST_INSTANT
    with pytest.raises(Conflict, match="would buy no time"):
        services.loyalty.join_plan(member, "vip", "j2")
    clock.at = LAST_INSTANT
    with pytest.raises(Conflict, match="and it is now; a payment now would buy no time"):
        services.loyalty.join_plan(member, "vip", "j3")
    assert _terms(services) == [49.0]
    assert services.loyalty.member_view(member).balance == 500
    audit_all(services)


def test_next_term_refuses_a_term_of_no_length():
    fee = Decimal(49)
    plan = Plan("vip", "VIP", fee=fee, currency="EUR", term_months=12)
    last = Term("m", "vip", datetime(9999, 1, 1, tzinfo=UTC), LAST_INSTANT, fee, "EUR")
    with pytest.raises(Conflict, match="would buy no time"):
        next_term(plan, "m", [last], datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(Conflict, match="would buy no time"):
        next_term(plan, "m", [], LAST_INSTANT)
    # a term of the last months is still bought: it ends at the last instant
    assert next_term(plan, "m", [], datetime(9999, 12, 1, tzinfo=UTC)).ends_at == LAST_INSTANT
