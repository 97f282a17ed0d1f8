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
    adjusted_confidence,
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


def _scipy_newcombe(n1: int, k1: int, n2: int, k2: int, confidence: float) -> tuple[float, float]:
    """Newcombe's method 10 on SciPy's Wilson intervals: a reference independent of ours."""
    from scipy.stats import binomtest

    a = binomtest(k1, n1).proportion_ci(confidence, method="wilson")
    b = binomtest(k2, n2).proportion_ci(confidence, method="wilson")
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return d - math.hypot(p1 - a.low, b.high - p2), d + math.hypot(a.high - p1, p2 - b.low)


def test_the_adjusted_interval_has_the_known_values() -> None:
    # Newcombe's (a) and (b) at Bonferroni's 1 - 0.05/m: z = 2.2414 for m = 2, 3.0233 for m = 20
    assert adjusted_confidence(2) == 0.975 and adjusted_confidence(20) == pytest.approx(0.9975)
    cases = [
        ((70, 56, 80, 48), 2, (0.0309, 0.3515)),
        ((10, 9, 10, 3), 20, (-0.0367, 0.8522)),
    ]
    for (n1, k1, n2, k2), m, (lower, upper) in cases:
        d = newcombe(n1, k1, n2, k2, confidence=adjusted_confidence(m))
        assert d is not None
        assert (round(d.lower, 4), round(d.upper, 4)) == (lower, upper)
        ref = _scipy_newcombe(n1, k1, n2, k2, adjusted_confidence(m))
        assert (d.lower, d.upper) == pytest.approx(ref, abs=1e-12)
    assert newcombe(70, 56, 80, 48, confidence=0.95) == newcombe(70, 56, 80, 48)


def test_friction_is_flagged_after_the_adjustment_for_every_touchpoint_compared() -> None:
    # (b) of Newcombe's table II, 9/10 against 3/10, among 20 touchpoints: its 95% interval
    # 0.1705-0.8090 is above 0, its Bonferroni interval at 99.75% is not
    counts = [FrictionCount("b", 10, 9, 5)]
    counts += [FrictionCount(f"t{i:02}", 10, 4, 4) for i in range(19)]
    table = friction_table(counts, customers=20, hits=8)
    assert table.comparisons == 20 and table.adjustment == "bonferroni"
    assert table.confidence == pytest.approx(0.9975)
    b = table.rows[0]
    assert b.key == "b" and b.rest == 10 and b.rest_hits == 3
    assert b.difference is not None and round(b.difference.lower, 4) == 0.1705
    assert b.adjusted is not None and round(b.adjusted.lower, 4) == -0.0367
    assert b.real_alone and not b.real
    alone = friction_table(counts[:1], customers=20, hits=8)
    assert alone.comparisons == 1 and alone.rows[0].real
    assert alone.rows[0].adjusted == alone.rows[0].difference


@given(
    st.lists(
        st.tuples(st.integers(1, 200), st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=60
    ),
    st.integers(201, 2000),
    st.floats(0, 1),
    st.integers(1, 3),
)
def test_adjusting_only_widens_and_only_unflags(
    touchpoints: list[tuple[int, float, float]], customers: int, f: float, min_exposed: int
) -> None:
    hits = math.floor(customers * f)
    counts = [  # of the hits, those of the exposed (judged from their first touch) leave the rest
        FrictionCount(
            f"t{i}", n, math.floor(n * a), max(hits - customers + n, min(hits, math.floor(n * b)))
        )
        for i, (n, a, b) in enumerate(touchpoints)
    ]
    table = friction_table(counts, customers, hits, min_exposed=min_exposed)
    assert table.comparisons == sum(1 for r in table.rows if r.difference is not None)
    for r in table.rows:
        d, a = r.difference, r.adjusted
        assert (d is None) == (a is None)
        if d is not None and a is not None:
            assert a.lower <= d.lower + 1e-12 and d.upper <= a.upper + 1e-12
            assert a.value == d.value
        assert r.real <= r.real_alone  # flagged after the adjustment: flagged before
    lows = [r.adjusted.lower for r in table.rows if r.adjusted is not None]
    assert lows == sorted(lows, reverse=True)


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
