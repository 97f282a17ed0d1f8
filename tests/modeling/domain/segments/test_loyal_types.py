"""Loyal-customer types: documented rules, first match wins, reasons shown."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from opencx.modeling.domain.segments.loyal_types import LOYAL_TYPES, RULES, classify, classify_frame

BASE = {
    "tenure_days": 500.0,
    "frequency": 6.0,
    "nps_latest": 10.0,
    "discount_share": 0.1,
    "loyalty_member": 0.0,
    "main_channel_share": 0.5,
    "nps_or_zero": 10.0,
    "satisfaction": 10.0,
}


def test_each_type_is_reachable_with_its_reason() -> None:
    assert classify(BASE).type == "truly loyal"
    t = classify(BASE)
    assert t.reason.startswith("truly loyal: tenure days 500 >= 365")
    assert t.values["nps_latest"] == 10.0
    member = {**BASE, "nps_latest": 7.0, "nps_or_zero": 7.0, "loyalty_member": 1.0}
    assert classify(member).type == "loyalty-program"
    bargain = {**BASE, "discount_share": 0.7}
    assert classify(bargain).type == "bargain"
    convenience = {
        **BASE,
        "nps_latest": 5.0,
        "nps_or_zero": 5.0,
        "satisfaction": 5.0,
        "main_channel_share": 0.95,
    }
    assert classify(convenience).type == "convenience"
    satisfied = {**BASE, "tenure_days": 100.0, "frequency": 1.0}
    assert classify(satisfied).type == "satisfied"
    nothing = {**BASE, "frequency": 0.0}
    t = classify(nothing)
    assert t.type == "unclassified" and t.reason == "no rule matched"
    assert [r.type for r in RULES] + ["unclassified"] == list(LOYAL_TYPES)


@given(st.fixed_dictionaries({k: st.one_of(st.none(), st.floats(0, 1000)) for k in BASE}))
def test_every_customer_gets_exactly_one_type_and_it_is_the_first_matching_rule(values) -> None:
    t = classify(values)
    assert t.type in LOYAL_TYPES
    matching = [r.type for r in RULES if all(c.holds(values.get(c.feature)) for c in r.conditions)]
    assert t.type == (matching[0] if matching else "unclassified")


def test_classify_frame_derives_inputs_from_features() -> None:
    frame = pd.DataFrame(
        {
            "tenure_days": [30.0, 30.0],
            "frequency": [3.0, 5.0],
            "nps_latest": [None, None],
            "csat_latest": [5.0, None],
            "discount_share": [0.0, 0.0],
            "share_app": [0.2, 1.0],
            "share_web": [0.8, 0.0],
            "share_store": [0.0, 0.0],
            "attr_loyalty_member": [0.0, 0.0],
        }
    )
    a, b = classify_frame(frame)
    assert a.type == "convenience"  # 80% web, 3 purchases, never answered NPS
    assert b.type == "convenience"
    frame.loc[0, "attr_points_balance"] = 120.0
    assert classify_frame(frame)[0].type == "loyalty-program"
