"""The profile fold and timeline paging: pure functions over rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.core import InvalidInput, Money
from opencx.customers.domain import (
    Activity,
    Cursor,
    Customer,
    Identity,
    LineRow,
    ModelScore,
    OrderRow,
    ScoredAnswer,
    TimelineEntry,
    build_profile,
    known_identities,
    page_timeline,
    source_bound,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)
ANN = Customer("c1", "shop", "1", "Ann", "a@x.nl", None, "nl", "NL", T0)


def order(oid: str, day: int, currency: str = "EUR", channel: str = "web") -> OrderRow:
    return OrderRow(oid, "shop", oid, T0 + timedelta(days=day), channel, "completed", currency)


def line(oid: str, qty: int, price: str, merch: bool = True, discount: str = "0") -> LineRow:
    return LineRow(oid, qty, Decimal(price), Decimal(discount), merch)


def test_revenue_is_merchandise_net_of_returns_and_discounts() -> None:
    orders = [order("o1", 1), order("o2", 10), order("r1", 12)]
    lines = [
        line("o1", 2, "10.00", discount="1.00"),  # 19.00
        line("o1", 1, "4.95", merch=False),  # postage: not revenue
        line("o2", 1, "30.00"),
        line("r1", -1, "30.00"),  # a return document: not an order
    ]
    p = build_profile(ANN, orders=orders, lines=lines)
    assert p.revenue == (Money(Decimal("19.00"), "EUR"),)
    assert p.orders == 2
    assert p.average_order_value == (Money(Decimal("9.50"), "EUR"),)
    assert p.first_purchase == T0 + timedelta(days=1)
    assert p.last_purchase == T0 + timedelta(days=10)


def test_revenue_is_kept_per_currency() -> None:
    orders = [order("o1", 1, "EUR"), order("o2", 2, "GBP"), order("o3", 3, "GBP")]
    lines = [line("o1", 1, "10"), line("o2", 1, "5"), line("o3", 3, "5")]
    p = build_profile(ANN, orders=orders, lines=lines)
    assert p.revenue == (Money(Decimal(10), "EUR"), Money(Decimal(20), "GBP"))
    assert p.average_order_value == (Money(Decimal(10), "EUR"), Money(Decimal(10), "GBP"))


def test_no_orders_gives_an_empty_profile() -> None:
    p = build_profile(ANN)
    assert (p.orders, p.revenue, p.first_purchase, p.last_contact) == (0, (), None, None)
    assert p.latest_score("nps") is None


def test_channels_contacts_cases_and_latest_scores() -> None:
    activity = [
        Activity("interaction", "app", None, 5, T0 + timedelta(days=3)),
        Activity("case", "email", "open", 2, T0 + timedelta(days=4)),
        Activity("case", "phone", "resolved", 3, T0 + timedelta(days=2)),
        Activity("case_event", None, None, 7, T0 + timedelta(days=6)),
    ]
    answers = [
        ScoredAnswer("nps", 3, T0 + timedelta(days=1), "r1"),
        ScoredAnswer("nps", 9, T0 + timedelta(days=5), "r2"),
        ScoredAnswer("ces", 2, T0 + timedelta(days=2), "r3"),
    ]
    p = build_profile(
        ANN, orders=[order("o1", 1, channel="store")], activity=activity, answers=answers
    )
    assert p.channels == ("app", "store")
    assert p.last_contact == T0 + timedelta(days=6)
    assert p.open_cases == 2
    assert [(a.question_type, a.score) for a in p.latest] == [("nps", 9), ("ces", 2)]


def test_model_scores_take_the_latest_run_per_kind() -> None:
    scores = [
        ModelScore("clv", 10.0, "bgnbd", "m1", T0),
        ModelScore("clv", 12.0, "bgnbd", "m2", T0 + timedelta(days=1)),
        ModelScore("churn", 0.2, "churn", "m1", T0),
    ]
    p = build_profile(ANN, scores=scores)
    assert [(s.kind, s.value) for s in p.scores] == [("churn", 0.2), ("clv", 12.0)]


def entry(kind: str, minutes: int, ref: str) -> TimelineEntry:
    return TimelineEntry(T0 + timedelta(minutes=minutes), kind, ref, None, ref)


def test_timeline_merges_sources_newest_first() -> None:
    page = page_timeline(
        [[entry("order", 1, "o1"), entry("order", 5, "o2")], [entry("response", 3, "r1")]], 10
    )
    assert [e.ref_id for e in page.entries] == ["o2", "r1", "o1"]
    assert page.next_cursor is None


KINDS = ["order", "interaction", "case", "case_event", "response"]


@given(
    st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5)), max_size=40),
    st.integers(1, 7),
)
def test_paging_by_cursor_visits_every_entry_once_in_order(
    raw: list[tuple[str, int]], limit: int
) -> None:
    entries = [entry(kind, minute, f"{kind}{n:03d}") for n, (kind, minute) in enumerate(raw)]
    expected = sorted(entries, key=lambda e: e.key, reverse=True)
    seen: list[TimelineEntry] = []
    cursor: Cursor | None = None
    while True:
        # like the store: each source bounded by the cursor's filter and limited to limit + 1
        sources = []
        for kind in KINDS:
            bound = source_bound(cursor, kind)
            mine = [e for e in entries if e.kind == kind]
            if bound is not None:
                mine = [
                    e
                    for e in mine
                    if e.at < bound.before
                    or (bound.inclusive and e.at == bound.before)
                    or (
                        bound.id_below is not None
                        and e.at == bound.before
                        and e.ref_id < bound.id_below
                    )
                ]
            sources.append(sorted(mine, key=lambda e: e.key, reverse=True)[: limit + 1])
        page = page_timeline(sources, limit, cursor)
        seen += page.entries
        if page.next_cursor is None:
            break
        cursor = Cursor.parse(page.next_cursor)
    assert seen == expected


def test_bad_cursors_and_limits_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="cursor"):
        Cursor.parse("yesterday")
    with pytest.raises(InvalidInput, match="not a time"):
        Cursor.parse("soon~order~o1")
    with pytest.raises(InvalidInput, match="offset"):
        Cursor.parse("2025-01-01T00:00:00~order~o1")
    with pytest.raises(InvalidInput, match="limit"):
        page_timeline([], 0)


def test_a_hashed_identity_shows_the_value_it_stands_for_when_the_group_holds_it() -> None:
    def blind(kind: str, value: str) -> str:
        return f"bi1:{kind}:{value[::-1]}"

    held = [
        Identity("email", blind("email", "a@x.nl"), "shop", T0),
        Identity("phone", blind("phone", "+31612345678"), "shop", T0),
        Identity("email", blind("email", "gone@x.nl"), "shop", T0),
        Identity("external", "shop:1", "shop", T0),
    ]
    ann = Customer("c1", "shop", "1", "Ann", " A@X.NL", "06 1234 5678", None, None, T0)
    shown = known_identities(held, [ann], blind, default_country="NL")
    assert [i.readable for i in shown] == ["a@x.nl", "+31612345678", None, "shop:1"]
    assert [i.hashed for i in shown] == [True, True, True, False]
