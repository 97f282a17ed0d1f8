"""Feature tables: Ibis expressions over the canonical tables, the same on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from opencx.db.schema import answers, cases, customers, order_lines, orders, responses, surveys
from opencx.modeling.domain.features.customer import (
    FEATURE_COLUMNS,
    customer_features,
    customer_features_at,
    feature_frame,
    feature_frames,
)
from opencx.modeling.store.warehouse import open_tables, sources

AS_OF = datetime(2025, 1, 1, tzinfo=UTC)


def _seed_small(engine: Engine) -> None:
    d = lambda days: AS_OF - timedelta(days=days)  # noqa: E731
    with engine.begin() as c:
        c.execute(
            customers.insert(),
            [
                {
                    "id": "a",
                    "external_id": "a",
                    "created_at": d(400),
                    "country": "NL",
                    "language": "nl",
                    "attributes": {"loyalty_member": True, "plan": "gold"},
                },
                {
                    "id": "b",
                    "external_id": "b",
                    "created_at": d(30),
                    "country": "DE",
                    "language": "de",
                    "attributes": {},
                },
                {
                    "id": "late",
                    "external_id": "late",
                    "created_at": AS_OF + timedelta(days=1),
                    "country": None,
                    "language": None,
                    "attributes": {},
                },
            ],
        )
        c.execute(
            orders.insert(),
            [
                {
                    "id": "o1",
                    "external_id": "o1",
                    "customer_id": "a",
                    "placed_at": d(100),
                    "channel": "app",
                    "currency": "EUR",
                    "discount_total": Decimal("1"),
                    "status": "completed",
                },
                {
                    "id": "o2",
                    "external_id": "o2",
                    "customer_id": "a",
                    "placed_at": d(10),
                    "channel": "web",
                    "currency": "EUR",
                    "discount_total": Decimal("0"),
                    "status": "completed",
                },
                {
                    "id": "o3",
                    "external_id": "o3",
                    "customer_id": "a",
                    "placed_at": d(5),
                    "channel": "app",
                    "currency": "EUR",
                    "status": "cancelled",
                    "discount_total": Decimal("0"),
                },
                {
                    "id": "o4",
                    "external_id": "o4",
                    "customer_id": "a",
                    "placed_at": AS_OF,
                    "channel": "app",
                    "currency": "EUR",
                    "discount_total": Decimal("0"),
                    "status": "completed",
                },
            ],
        )
        c.execute(
            order_lines.insert(),
            [
                {
                    "id": "l1",
                    "order_id": "o1",
                    "line_no": 1,
                    "quantity": 2,
                    "unit_price": Decimal("10"),
                    "discount": Decimal("1"),
                },
                {
                    "id": "l2",
                    "order_id": "o2",
                    "line_no": 1,
                    "quantity": 1,
                    "unit_price": Decimal("30"),
                    "discount": Decimal("0"),
                },
                {
                    "id": "l3",
                    "order_id": "o2",
                    "line_no": 2,
                    "quantity": -1,
                    "unit_price": Decimal("5"),
                    "discount": Decimal("0"),
                },
                {
                    "id": "l4",
                    "order_id": "o3",
                    "line_no": 1,
                    "quantity": 1,
                    "unit_price": Decimal("99"),
                    "discount": Decimal("0"),
                },
                {
                    "id": "l5",
                    "order_id": "o4",
                    "line_no": 1,
                    "quantity": 1,
                    "unit_price": Decimal("99"),
                    "discount": Decimal("0"),
                },
            ],
        )
        c.execute(surveys.insert(), [{"id": "s", "key": "nps", "kind": "nps", "name": "NPS"}])
        c.execute(
            responses.insert(),
            [
                {
                    "id": "r1",
                    "external_id": "r1",
                    "survey_id": "s",
                    "customer_id": "a",
                    "submitted_at": d(50),
                },
                {
                    "id": "r2",
                    "external_id": "r2",
                    "survey_id": "s",
                    "customer_id": "a",
                    "submitted_at": d(3),
                },
                {
                    "id": "r3",
                    "external_id": "r3",
                    "survey_id": "s",
                    "customer_id": "a",
                    "submitted_at": AS_OF + timedelta(hours=1),
                },
            ],
        )
        c.execute(
            answers.insert(),
            [
                {
                    "id": "x1",
                    "response_id": "r1",
                    "question_key": "nps",
                    "question_type": "nps",
                    "score": 3,
                },
                {
                    "id": "x2",
                    "response_id": "r2",
                    "question_key": "nps",
                    "question_type": "nps",
                    "score": 10,
                },
                {
                    "id": "x3",
                    "response_id": "r3",
                    "question_key": "nps",
                    "question_type": "nps",
                    "score": 0,
                },
            ],
        )
        c.execute(
            cases.insert(),
            [
                {
                    "id": "k1",
                    "external_id": "k1",
                    "customer_id": "b",
                    "channel": "email",
                    "category": "Delivery late",
                    "opened_at": d(20),
                    "resolved_at": AS_OF,
                },
            ],
        )


def _frame(engine: Engine) -> pd.DataFrame:
    with open_tables(engine) as con:
        expr = customer_features(sources(con), AS_OF, case_categories=["Delivery late"])
        return feature_frame(expr).set_index("customer_id")


def test_features_cut_at_as_of_on_both_stores(engine: Engine) -> None:
    _seed_small(engine)
    f = _frame(engine)
    assert list(f.index) == ["a", "b"]  # "late" was created after the cutoff
    a, b = f.loc["a"], f.loc["b"]
    assert a.frequency == 2  # cancelled and on-the-cutoff orders do not count
    assert a.monetary == pytest.approx(19 + 25)
    assert a.recency_days == pytest.approx(10)
    assert a.tenure_days == pytest.approx(400)
    assert a.discount_share == pytest.approx(0.5)
    assert a.return_rate == pytest.approx(0.5)
    assert a.share_app == pytest.approx(0.5) and a.share_web == pytest.approx(0.5)
    assert a.nps_latest == 10 and a.is_promoter == 1 and a.is_detractor == 0
    assert a.responses_total == 2
    assert a.attr_loyalty_member == 1.0 and a.attr_plan == "gold"
    assert np.isnan(b.recency_days) and b.frequency == 0 and b.monetary == 0
    assert b.cases_total == 1 and b.cases_open == 1 and b.cases_cat_delivery_late == 1
    assert np.isnan(b.nps_latest) and b.is_promoter == 0
    assert set(FEATURE_COLUMNS) <= set(f.columns)


def test_features_at_several_cutoffs_in_one_query_equal_one_query_per_cutoff(synthetic) -> None:
    engine, planted = synthetic
    cutoffs = [planted.end - timedelta(days=90 * k) for k in (3, 2, 1, 0)]
    categories = ["billing", "delivery"]
    with open_tables(engine) as con:
        src = sources(con)
        expr = customer_features_at(src, cutoffs, case_categories=categories)
        together = feature_frames(expr, len(cutoffs))
        one_by_one = [
            feature_frame(customer_features(src, cut, case_categories=categories))
            for cut in cutoffs
        ]
    assert [len(f) for f in together] == [len(f) for f in one_by_one]
    assert together[0]["frequency"].sum() < together[-1]["frequency"].sum()  # cutoffs differ
    for shared, alone in zip(together, one_by_one, strict=True):
        pd.testing.assert_frame_equal(shared, alone, check_exact=True)
