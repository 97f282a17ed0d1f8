"""Experiments, pure: GrowthBook's published hashing and bucket cases, pinned assignments, the
definition's refusals naming the field, and the statistics against SciPy and textbook values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from opencx.core.errors import Conflict, InvalidInput
from opencx.journeys.domain import (
    Experiment,
    VariantCounts,
    analyse,
    assign,
    bucket_ranges,
    check_exposable,
    chi2_sf,
    choose,
    holm,
    parse_definition,
    place,
    sample_ratio,
    started,
    stopped,
    two_proportion_p,
    welch,
)

RAW: dict[str, Any] = {
    "key": "free-ship",
    "name": "Free shipping banner",
    "hypothesis": "Showing free shipping lifts conversion",
    "goal": "conversion",
    "window_days": 14,
    "start": "2026-12-01",
    "stop": "2027-01-01",
    "variants": [{"key": "control"}, {"key": "banner"}, {"key": "popup", "weight": 2}],
}
NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def test_growthbooks_published_hash_and_bucket_cases() -> None:
    # packages/sdk-js/test/cases.json: "hash" (value, expected, version, seed)
    v1 = {"a": 0.22, "b": 0.077, "ab": 0.946, "def": 0.652, "8952klfjas09ujkasdf": 0.549}
    assert {v: place("", v, 1) for v in v1} == v1
    assert place("", "123", 1) == 0.011 and place("", '___)((*":&', 1) == 0.563
    assert place("seed", "a", 2) == 0.0505
    # "getBucketRange": 4 variations; uneven weights, 3 variations
    assert bucket_ranges([0.25] * 4) == [(0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1)]
    assert bucket_ranges([0.2, 0.3, 0.5]) == [(0, 0.2), (0.2, 0.5), (0.5, 1)]
    # "feature": an experiment rule keyed "feature", 3 variations, ids 123, 456, fds (hash v1)
    thirds = bucket_ranges([1 / 3] * 3)
    assert [choose(place("feature", i, 1), thirds) for i in ("123", "456", "fds")] == [2, 0, 1]


def test_assignments_are_pinned_and_follow_the_weights() -> None:
    d = parse_definition(RAW)
    got = {c: assign(d, c).key for c in ("c0001", "c0002", "c0004", "01JABCDEF0123456789XYZ0000")}
    assert got == {
        "c0001": "control",
        "c0002": "banner",
        "c0004": "popup",
        "01JABCDEF0123456789XYZ0000": "banner",
    }
    popup = sum(assign(d, f"c{i:05d}").key == "popup" for i in range(2000))
    assert 0.45 < popup / 2000 < 0.55  # weight 2 of 4


@settings(max_examples=10, deadline=None)
@given(
    st.text(st.characters(codec="ascii"), min_size=1, max_size=26),
    st.lists(st.integers(1, 9), min_size=2, max_size=4),
)
def test_a_customer_always_gets_one_variant_the_same(customer: str, weights: list[int]) -> None:
    raw = {**RAW, "variants": [{"key": f"v{i}", "weight": w} for i, w in enumerate(weights)]}
    d = parse_definition(raw)
    first = assign(d, customer)
    assert first in d.variants and assign(d, customer) == first
    ranges = bucket_ranges(d.shares)
    assert ranges[0][0] == 0 and ranges[-1][1] == pytest.approx(1)


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"key": "Free Ship"}, "key 'Free Ship'"),
        ({"variants": [{"key": "a"}]}, "variants: 1 given"),
        ({"variants": [{"key": "a"}, {"key": "b", "weight": 0}]}, "variants[1].weight"),
        ({"variants": [{"key": "a"}, {"name": "b"}]}, "variants[1].key: required"),
        ({"goal": "happiness"}, "goal 'happiness': one of conversion, revenue"),
        ({"window_days": 10}, "window_days 10: one of 7, 14, 30, 60, 90"),
        ({"stop": "2026-11-01"}, "stop 2026-11-01: must come after start"),
        ({"start": "soon"}, "start 'soon'"),
        ({"goal": "revenue"}, "currency: required for the revenue goal"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"hypothesis": ""}, "hypothesis: 1 to 2000 characters"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(change: dict[str, Any], names: str) -> None:
    with pytest.raises(InvalidInput, match=names.replace("[", r"\[").replace("]", r"\]")):
        parse_definition({**RAW, **change})


def test_life_draft_running_stopped() -> None:
    draft = Experiment("x1", parse_definition(RAW), "draft", NOW)
    with pytest.raises(Conflict, match="only while it runs"):
        check_exposable(draft, NOW)
    running = started(draft, NOW)
    check_exposable(running, NOW)
    with pytest.raises(Conflict, match="runs from 2026-12-01 until 2027-01-01"):
        check_exposable(running, datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(Conflict, match="only a draft starts"):
        started(running, NOW)
    done = stopped(running, NOW)
    assert (done.status, done.started_at, done.stopped_at) == ("stopped", NOW, NOW)
    with pytest.raises(Conflict, match="only a running one stops"):
        stopped(done, NOW)


def _sums(xs: list[float]) -> tuple[int, float, float]:
    return len(xs), float(sum(xs)), float(sum(x * x for x in xs))


def test_welch_is_scipys() -> None:
    a = [12.0, 0.0, 30.5, 7.25, 0.0, 19.0, 41.0]
    b = [3.0, 0.0, 0.0, 11.5, 8.0, 2.0]
    found = welch(VariantCounts("b", *_sums(a)), VariantCounts("a", *_sums(b)), confidence=0.9)
    assert found is not None
    d, p = found
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.9)
    assert p == pytest.approx(ref.pvalue, rel=1e-9)
    assert (d.lower, d.upper) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_proportion_p_srm_and_chi2_are_scipys() -> None:
    table = [[48, 1000 - 48], [30, 1010 - 30]]
    pearson = stats.chi2_contingency(table, correction=False).pvalue
    assert two_proportion_p(1000, 48, 1010, 30) == pytest.approx(pearson, rel=1e-9)
    srm = sample_ratio([1000, 1200, 2100], [0.25, 0.25, 0.5])
    ref = stats.chisquare([1000, 1200, 2100], [1075, 1075, 2150])
    assert srm is not None
    assert (srm.chi2, srm.p_value) == (pytest.approx(ref.statistic), pytest.approx(ref.pvalue))
    assert srm.mismatch  # p ≈ 4e-4
    for df in (1, 2, 3):
        assert chi2_sf(7.3, df) == pytest.approx(stats.chi2.sf(7.3, df), rel=1e-12)


def test_holm_steps_down() -> None:
    # Holm (1979): sorted p times m, m-1, ..., kept monotone
    assert holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06]
    assert holm([0.2]) == [0.2]


def test_analysis_compares_each_variant_with_the_control() -> None:
    d = parse_definition(RAW)
    counts = [
        VariantCounts("control", 1000, 48, 48),
        VariantCounts("banner", 1010, 75, 75),
        VariantCounts("popup", 2000, 100, 100),
    ]
    a = analyse(d, counts)
    control, banner, popup = a.variants
    assert a.comparisons == 2 and a.srm is not None and not a.srm.mismatch
    assert control.comparison is None and control.value == 0.048
    c = banner.comparison
    assert c is not None
    assert c.adjusted.lower < c.difference.lower < c.difference.upper < c.adjusted.upper
    assert c.adjusted_p == pytest.approx(2 * c.p_value)  # the smaller of two: times m
    assert c.relative == pytest.approx((75 / 1010 - 0.048) / 0.048)
    assert popup.comparison is not None and not popup.comparison.significant
    empty = analyse(d, [])
    assert empty.srm is None and all(v.comparison is None for v in empty.variants)
