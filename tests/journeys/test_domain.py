"""The journeys' pure rules: paths, their shares and rates, friction with Newcombe's interval,
and the questions the edges may ask."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.core.errors import InvalidInput
from opencx.journeys.domain import (
    OTHER,
    FrictionCount,
    JourneyQuery,
    PathCount,
    Touch,
    censored,
    collapse,
    friction_outcome,
    friction_table,
    journey_path,
    newcombe,
    observable_end,
    path_outcome,
    period_of,
    reference_paths,
    summarise_paths,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _t(label: str, minutes: int, customer: str = "a") -> Touch:
    return Touch(customer, T0 + timedelta(minutes=minutes), label, f"{minutes:05d}")


def test_a_path_collapses_repeats_and_keeps_the_last_steps_before_the_cut() -> None:
    touches = [_t("home", 0), _t("product", 1), _t("product", 2), _t("checkout", 3), _t("x", 9)]
    assert journey_path(touches, None, 4) == ("home", "product", "checkout", "x")
    assert journey_path(touches, T0 + timedelta(minutes=3), 4) == ("home", "product")
    assert journey_path(touches[::-1], T0 + timedelta(minutes=9), 2) == ("product", "checkout")
    assert journey_path(touches, T0, 4) == ()
    assert collapse(["a", "a", "b", "a"]) == ["a", "b", "a"]


def test_an_event_cuts_the_journey_and_one_before_the_first_touch_does_not() -> None:
    q = JourneyQuery("purchase", T0, T0 + timedelta(days=30))
    touches = [_t("home", 10), _t("checkout", 20), _t("delivery", 60 * 24)]
    before, at_checkout = T0 + timedelta(minutes=5), T0 + timedelta(minutes=20)
    got = reference_paths(touches, {"a": [before, at_checkout]}, q)
    assert got == {("home",): (1, 1)}  # the order at the checkout's second cuts before it
    assert reference_paths(touches, {"a": [before]}, q) == {
        ("home", "checkout", "delivery"): (1, 0)
    }


def test_no_return_looks_after_the_period() -> None:
    q = JourneyQuery("no_return", T0, T0 + timedelta(days=30), within_days=14)
    touches = [_t("home", 10)]
    end = q.end
    assert reference_paths(touches, {"a": [end + timedelta(days=13)]}, q) == {("home",): (1, 0)}
    assert reference_paths(touches, {"a": [end + timedelta(days=14)]}, q) == {("home",): (1, 1)}
    assert reference_paths(touches, {"a": [end - timedelta(days=1)]}, q) == {("home",): (1, 1)}


counts = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=4).map(tuple),
        st.integers(1, 500),
        st.floats(0, 1),
    ),
    max_size=40,
    unique_by=lambda c: c[0],
).map(lambda cs: [PathCount(p, n, math.floor(n * f)) for p, n, f in cs])


@given(counts, st.integers(1, 10))
def test_path_shares_add_up_to_one_and_rates_are_proportions(
    cs: list[PathCount], limit: int
) -> None:
    table = summarise_paths(cs, limit=limit)
    assert table.customers == sum(c.customers for c in cs)
    assert len(table.rows) <= limit + 1
    if not cs:
        assert table.rows == () and table.rate is None
        return
    assert math.isclose(sum(r.share for r in table.rows), 1.0)
    assert sum(r.customers for r in table.rows) == table.customers
    assert sum(r.outcomes for r in table.rows) == table.outcomes
    if table.outcomes:
        assert math.isclose(sum(r.outcome_share for r in table.rows), 1.0)
    for r in table.rows:
        assert 0.0 <= r.lower <= r.rate <= r.upper <= 1.0
    shown = [r for r in table.rows if r.path != OTHER]
    keys = [(-r.outcomes, -r.customers) for r in shown]
    assert keys == sorted(keys)
    assert (table.rows[-1].path == OTHER) == (len(cs) > limit)


def test_newcombe_gives_the_published_intervals() -> None:
    # Newcombe (1998), table II, method 10: (a) 56/70 - 48/80, (b) 9/10 - 3/10, (g) 10/10 - 0/20
    cases = [
        ((70, 56, 80, 48), (0.0524, 0.3339)),
        ((10, 9, 10, 3), (0.1705, 0.8090)),
        ((10, 10, 20, 0), (0.6791, 1.0000)),
    ]
    for (n1, k1, n2, k2), (lower, upper) in cases:
        d = newcombe(n1, k1, n2, k2)
        assert d is not None
        assert (round(d.lower, 4), round(d.upper, 4)) == (lower, upper)
    assert newcombe(0, 0, 5, 1) is None


@given(st.integers(1, 300), st.integers(1, 300), st.floats(0, 1), st.floats(0, 1))
def test_newcombe_contains_the_difference_and_stays_in_bounds(
    n1: int, n2: int, f1: float, f2: float
) -> None:
    k1, k2 = math.floor(n1 * f1), math.floor(n2 * f2)
    d = newcombe(n1, k1, n2, k2)
    assert d is not None
    assert -1.0 - 1e-9 <= d.lower <= d.value <= d.upper <= 1.0 + 1e-9


def test_friction_ranks_by_the_friction_it_has_at_least() -> None:
    table = friction_table(
        [
            FrictionCount("returns", 100, 40, 10),  # 40% against (50-10)/(1000-100) = 4.4%
            FrictionCount("home", 900, 60, 45),  # 6.7% against 5/100 = 5%: not known
            FrictionCount("rare", 3, 3, 0),  # 100%, but three customers
            FrictionCount("tiny", 1, 1, 1),
        ],
        customers=1000,
        hits=50,
        min_exposed=2,
    )
    assert [r.key for r in table.rows] == ["rare", "returns", "home"]
    rare, returns, home = table.rows
    assert rare.difference is not None and round(rare.difference.lower, 2) == 0.39
    assert returns.real and rare.real and not home.real
    assert returns.rest == 900 and returns.rest_hits == 40
    assert returns.lift == pytest.approx(0.4 / (40 / 900))
    assert table.baseline == 0.05


def test_a_question_names_what_it_accepts() -> None:
    end = T0 + timedelta(days=90)
    with pytest.raises(InvalidInput, match=r"unknown outcome 'churn' .*purchase, low_score"):
        JourneyQuery("churn", T0, end)
    with pytest.raises(InvalidInput, match="unknown level"):
        JourneyQuery("case", T0, end, level="page")
    with pytest.raises(InvalidInput, match="1 to 6 steps"):
        JourneyQuery("case", T0, end, steps=7)
    with pytest.raises(InvalidInput, match=r"ends .* before it starts"):
        JourneyQuery("case", end, T0)
    with pytest.raises(InvalidInput, match="friction outcome 'purchase'"):
        friction_outcome("purchase")
    with pytest.raises(InvalidInput, match=r"path outcome 'no_purchase' \(the path outcomes: pur"):
        path_outcome("no_purchase")
    assert friction_outcome("no_purchase").absence and path_outcome("case").bad
    with pytest.raises(InvalidInput, match="period length 45"):
        period_of(45, end)
    assert period_of(30, end) == (end - timedelta(days=30), end)


def test_the_default_end_leaves_room_for_the_window() -> None:
    latest = datetime(2026, 10, 31, 23, 48, tzinfo=UTC)
    day_end = datetime(2026, 11, 1, tzinfo=UTC)
    assert observable_end(latest, 30, windowed=False) == day_end
    assert observable_end(latest, 30, windowed=True) == day_end - timedelta(days=30)
    fits = JourneyQuery("no_return", T0, day_end - timedelta(days=30))
    late = JourneyQuery("no_return", T0, day_end - timedelta(days=29))
    assert not censored(fits, latest, windowed=True)
    assert censored(late, latest, windowed=True)
    assert not censored(late, latest, windowed=False)
