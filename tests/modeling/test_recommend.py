"""Next best offer: association statistics, exclusions, holdout hit rate vs popularity."""

from __future__ import annotations

import numpy as np
import pytest

from opencx.modeling.recommend import (
    fit_associations,
    hit_rate,
    popular_for,
    recommend,
    top_rules,
)


def test_support_confidence_lift_by_hand() -> None:
    model = fit_associations([["a", "b"], ["a", "b"], ["a", "c"], ["d"]])
    rules = {(r.antecedent, r.consequent): r for r in top_rules(model)}
    ab = rules[("a", "b")]
    assert ab.support == pytest.approx(0.5)
    assert ab.confidence == pytest.approx(2 / 3)
    assert ab.lift == pytest.approx((2 / 3) / 0.5)
    assert rules[("b", "a")].confidence == pytest.approx(1.0)
    assert ("a", "d") not in rules


def test_recommendations_exclude_owned_products() -> None:
    model = fit_associations([["a", "b"], ["a", "b"], ["a", "c"], ["d"]])
    recs = recommend(model, {"u": ["a"], "new": []}, k=10)
    assert next(p for p, _ in recs["u"]) == "b"
    assert "a" not in [p for p, _ in recs["u"]]
    assert next(p for p, _ in recs["new"]) == "a"  # most popular
    assert popular_for(model, {"a"}, 2) == ["b", "c"]


def test_hit_rate_beats_popularity_on_planted_co_purchase_structure() -> None:
    rng = np.random.default_rng(3)
    groups = [[f"p{g}{i}" for i in range(5)] for g in range(10)]
    popular = [f"hot{i}" for i in range(10)]
    train_baskets, history, future = [], {}, {}
    for c in range(400):
        fav = groups[c % 10]
        bought: list[str] = []
        for _ in range(4):
            basket = [*list(rng.choice(fav, 2, replace=False)), str(rng.choice(popular))]
            train_baskets.append(basket)
            bought += basket
        history[f"u{c}"] = bought
        future[f"u{c}"] = {p for p in fav if p not in bought}
    model = fit_associations(train_baskets)
    ours = recommend(model, history, k=10)
    ours_ids = {c: [p for p, _ in items] for c, items in ours.items()}
    base = {c: popular_for(model, set(h), 10) for c, h in history.items()}
    ours_rate, base_rate = hit_rate(ours_ids, future), hit_rate(base, future)
    print(f"hit@10 ours={ours_rate:.3f} popularity={base_rate:.3f}")
    assert ours_rate >= base_rate
    assert ours_rate > 0.9
