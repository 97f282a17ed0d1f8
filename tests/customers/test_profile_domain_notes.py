from __future__ import annotations

from opencx.customers.domain import score_note


def test_segment_and_type_scores_read_as_their_names() -> None:
    assert score_note({"name": "At risk"}) == "At risk"
    assert score_note({"name": "truly loyal", "reason": "NPS 10, tenure 3 y"}) == (
        "truly loyal — NPS 10, tenure 3 y"
    )


def test_churn_reasons_and_offers_are_spelled_out() -> None:
    note = score_note({"reasons": [{"feature": "recency_days", "value": 200.0, "typical": 40.0}]})
    assert note == "recency days 200 (typical 40)"
    big = score_note({"reasons": [{"feature": "attr_spend", "value": 12345.6, "typical": 4e-5}]})
    assert big == "spend 12,346 (typical 0.00004)" and "e+" not in big and "e-" not in big
    assert score_note({"products": [{"product_id": "p1", "name": None}]}) == "p1"


def test_no_details_no_note() -> None:
    assert score_note({}) is None and score_note(None) is None
