"""Each definition against an independent computation on the same rows, in plain Python."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

import opencx.metrics as m
from opencx.core.errors import InvalidInput


def _nps_by(rows, group_of) -> dict[object, float]:
    """NPS of the customers' answers, grouped by ``group_of(customer row)``."""
    kind = {s["id"]: s["kind"] for s in rows["surveys"]}
    resp = {r["id"]: r for r in rows["responses"]}
    group = {c["id"]: group_of(c) for c in rows["customers"]}
    groups: dict[object, list[int]] = defaultdict(list)
    for a in rows["answers"]:
        r = resp[a["response_id"]]
        if a["question_type"] == "nps" and kind[r["survey_id"]] != "enps":
            groups[group[r["customer_id"]]].append(a["score"])
    return {
        c: 100 * (sum(s >= 9 for s in v) - sum(s <= 6 for s in v)) / len(v)
        for c, v in groups.items()
    }


def test_nps_by_country_equals_a_plain_count(duck, canonical_rows) -> None:
    result = m.compute(m.MetricRequest("nps", by=["country"], min_n=1), duck)
    got = {r.keys["country"]: r.value for r in result.rows}
    want = _nps_by(canonical_rows, lambda c: c["country"])
    assert got.keys() == want.keys()
    for c in want:
        assert math.isclose(got[c], want[c])
    assert all(r.lower <= r.value <= r.upper for r in result.rows)


@pytest.mark.parametrize("name", ["segment", "attributes.segment"])
def test_breakdown_by_a_json_attribute_of_the_customer(duck, canonical_rows, name) -> None:
    result = m.compute(m.MetricRequest("nps", by=[name], min_n=1), duck)
    got = {r.keys[name]: r.value for r in result.rows}
    want = _nps_by(canonical_rows, lambda c: c["attributes"].get("segment"))
    assert set(got) == set(want) == {"gold", "silver", 'Καφέ "7"', None}
    for k in want:
        assert math.isclose(got[k], want[k])


def test_a_malformed_attribute_key_is_refused(duck) -> None:
    with pytest.raises(InvalidInput, match="letters, digits and underscores"):
        m.compute(m.MetricRequest("nps", by=["attributes.a'b"]), duck)


def test_csat_is_top_two_box_of_five(duck, canonical_rows) -> None:
    scores = [a["score"] for a in canonical_rows["answers"] if a["question_type"] == "csat"]
    r = m.compute(m.MetricRequest("csat"), duck).rows[0]
    assert r.n == len(scores)
    assert math.isclose(r.value, 100 * sum(s >= 4 for s in scores) / len(scores))


def test_ces_agree_counts_five_to_seven(duck, canonical_rows) -> None:
    scores = [a["score"] for a in canonical_rows["answers"] if a["question_type"] == "ces"]
    r = m.compute(m.MetricRequest("ces_agree"), duck).rows[0]
    assert math.isclose(r.value, 100 * sum(s >= 5 for s in scores) / len(scores))
    mean = m.compute(m.MetricRequest("ces"), duck).rows[0]
    assert math.isclose(mean.value, sum(scores) / len(scores))


def _purchases(rows):
    units = Counter()
    for line in rows["order_lines"]:
        if line["product_id"] != "post" and line["quantity"] > 0:
            units[line["order_id"]] += line["quantity"]
    return [o for o in rows["orders"] if o["status"] != "cancelled" and units[o["id"]] > 0]


def test_repeat_purchase_rate_and_frequency(duck, canonical_rows) -> None:
    per = Counter(o["customer_id"] for o in _purchases(canonical_rows) if o["customer_id"])
    r = m.compute(m.MetricRequest("repeat_purchase_rate"), duck).rows[0]
    assert r.n == len(per)
    assert math.isclose(r.value, 100 * sum(v >= 2 for v in per.values()) / len(per))
    f = m.compute(m.MetricRequest("purchase_frequency"), duck).rows[0]
    assert math.isclose(f.value, sum(per.values()) / len(per))


def test_return_rate_is_units_back_over_units_sold(duck, canonical_rows) -> None:
    lines = [x for x in canonical_rows["order_lines"] if x["product_id"] != "post"]
    sold = sum(x["quantity"] for x in lines if x["quantity"] > 0)
    back = -sum(x["quantity"] for x in lines if x["quantity"] < 0)
    r = m.compute(m.MetricRequest("return_rate"), duck).rows[0]
    assert math.isclose(r.value, 100 * back / sold)


def test_channel_mix_shares_sum_to_one_hundred(duck) -> None:
    result = m.compute(m.MetricRequest("channel_mix", period="quarter"), duck)
    per_quarter: dict[str, float] = defaultdict(float)
    for r in result.rows:
        per_quarter[r.keys["quarter"]] += r.value
    assert per_quarter and all(math.isclose(v, 100.0) for v in per_quarter.values())


def test_cohort_triangle_starts_at_one_hundred_percent(duck) -> None:
    result = m.compute(m.MetricRequest("cohort_retention", min_n=1), duck)
    first = [r for r in result.rows if r.keys["age"] == 0]
    assert first and all(r.value == 100.0 for r in first)
    assert result.keys == ("cohort", "age")


def test_churn_and_retention_add_up(duck) -> None:
    churn = m.compute(m.MetricRequest("churn_rate", min_n=1), duck)
    keep = m.compute(m.MetricRequest("retention_rate", min_n=1), duck)
    assert churn.period == "month" and len(churn.rows) == len(keep.rows) > 3
    for c, k in zip(churn.rows, keep.rows, strict=True):
        assert c.n == k.n and math.isclose(c.value + k.value, 100.0)


def test_unknown_metric_lists_the_known_ones(duck) -> None:
    with pytest.raises(m.UnknownMetric) as err:
        m.compute(m.MetricRequest("nsp"), duck)
    assert "nps" in str(err.value) and "csat" in str(err.value)


def test_unknown_breakdown_names_the_known_ones(duck) -> None:
    with pytest.raises(InvalidInput, match="country"):
        m.compute(m.MetricRequest("nps", by=["shoe_size"]), duck)


def test_empty_range_gives_an_empty_result_with_a_note(duck) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    for name in m.METRICS:
        result = m.compute(m.MetricRequest(name, start=start), duck)
        assert result.empty and result.note, name


def test_small_groups_get_a_warning_not_a_number(duck) -> None:
    result = m.compute(m.MetricRequest("nps", by=["country", "month"]), duck)
    small = [r for r in result.rows if r.n < 30]
    assert small and all(r.value is None and "minimum" in r.warning for r in small)


def test_naive_times_are_refused(duck) -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        m.compute(m.MetricRequest("nps", start=datetime(2025, 1, 1)), duck)


def test_filters_keep_only_matching_rows(duck) -> None:
    nl = m.compute(m.MetricRequest("nps", filters={"country": "NL"}, min_n=1), duck).rows[0]
    by = {
        r.keys["country"]: r
        for r in m.compute(m.MetricRequest("nps", by=["country"], min_n=1), duck).rows
    }
    assert nl.n == by["NL"].n and nl.value == by["NL"].value


def test_period_over_period_change_has_a_p_value(duck) -> None:
    rows = m.compute(m.MetricRequest("touchpoints", period="quarter"), duck).rows
    assert rows[0].change is None
    assert all(r.change is not None and 0 <= r.p_value <= 1 for r in rows[1:])


def test_out_of_scale_scores_are_never_averaged(canonical_rows) -> None:
    import copy

    from opencx.metrics.store.backends import duckdb_connection

    from .conftest import arrow_tables

    rows = copy.deepcopy(canonical_rows)
    nps_answer = next(a for a in rows["answers"] if a["question_type"] == "nps")
    nps_answer["score"] = 11
    con = duckdb_connection(threads=1)
    for name, t in arrow_tables(rows).items():
        con.create_table(name, t)
    clean = sum(1 for a in canonical_rows["answers"] if a["question_type"] == "nps")
    assert m.compute(m.MetricRequest("nps", filters={}, min_n=1), con).rows[
        0
    ].n + 1 == clean - _enps(rows)
    con.disconnect()


def _enps(rows) -> int:
    kind = {s["id"]: s["kind"] for s in rows["surveys"]}
    resp = {r["id"]: r["survey_id"] for r in rows["responses"]}
    return sum(
        1
        for a in rows["answers"]
        if a["question_type"] == "nps" and kind[resp[a["response_id"]]] == "enps"
    )


def test_a_suite_run_shares_frames_and_gives_the_same_numbers(duck) -> None:
    names = sorted(m.METRICS)
    suite = m.compute_suite([m.MetricRequest(n, period="month", min_n=1) for n in names], duck)
    for name in names:
        alone = m.compute(m.MetricRequest(name, period="month", min_n=1), duck).records()
        together = suite[name].records()
        assert len(alone) == len(together), name
        for a, b in zip(alone, together, strict=True):
            for key, value in a.items():
                if isinstance(value, float):
                    assert math.isclose(value, b[key], rel_tol=1e-9, abs_tol=1e-9), (name, key)
                else:
                    assert value == b[key], (name, key)


def test_active_days_per_week_before_1970() -> None:
    """Epoch days are negative before 1970: the day offset inside the week must still floor."""
    import pandas as pd

    from opencx.metrics.store.backends import duckdb_connection

    at = pd.to_datetime(
        ["1969-12-24 10:00", "1969-12-26 09:00", "1969-12-26 18:00", "1970-01-02 12:00"], utc=True
    )
    con = duckdb_connection(threads=1)
    con.create_table(
        "interactions",
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "a"],
                "channel": ["web", "app", "web", "web"],
                "kind": "visit",
                "touchpoint": None,
                "campaign": None,
                "occurred_at": at,
            }
        ).astype({"touchpoint": "string", "campaign": "string"}),
    )
    days = m.compute(m.MetricRequest("active_days", period="week", min_n=1), con)
    touches = m.compute(m.MetricRequest("touchpoints", period="week", min_n=1), con)
    assert [(r.keys["week"], r.value) for r in days.rows] == [("1969-W52", 2.0), ("1970-W01", 1.0)]
    assert [r.value for r in touches.rows] == [3.0, 1.0]


def test_nrr_has_a_row_for_every_month_even_without_a_start_or_an_end() -> None:
    import pandas as pd

    from opencx.metrics.store.backends import duckdb_connection

    con = duckdb_connection(threads=1)
    con.create_table(
        "subscriptions",
        pd.DataFrame(
            {
                "customer_id": ["a", "b"],
                "plan": ["basic", "plus"],
                "status": ["ended", "active"],
                "currency": ["EUR", "EUR"],
                "mrr": [10.0, 20.0],
                "started_at": pd.to_datetime(["2025-01-15", "2025-01-20"], utc=True),
                "ended_at": pd.to_datetime(["2025-06-10", None], utc=True),
            }
        ),
    )
    nrr = m.compute(m.MetricRequest("nrr", period="month", min_n=1), con)
    got = [(r.keys["month"], r.value) for r in nrr.rows]
    months = ["2025-02", "2025-03", "2025-04", "2025-05"]
    assert got == [*((month, 100.0) for month in months), ("2025-06", pytest.approx(200 / 3))]
    assert [r.n for r in nrr.rows] == [2, 2, 2, 2, 2]
    until_august = m.compute(
        m.MetricRequest("nrr", period="month", min_n=1, end=datetime(2025, 9, 1, tzinfo=UTC)), con
    )
    assert [r.keys["month"] for r in until_august.rows][-3:] == ["2025-06", "2025-07", "2025-08"]
    assert [r.value for r in until_august.rows][-2:] == [100.0, 100.0]
