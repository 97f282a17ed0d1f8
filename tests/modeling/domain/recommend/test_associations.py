"""Next best offer: association statistics, exclusions, holdout hit rate vs popularity."""

from __future__ import annotations

import numpy as np
import pytest

from opencx.modeling.domain.recommend.associations import (
    MIN_COUNT,
    fit_associations,
    hit_rate,
    minimum_together,
    popular_for,
    recommend,
    top_rules,
)


def test_support_confidence_lift_by_hand() -> None:
    model = fit_associations([["a", "b"], ["a", "b"], ["a", "c"], ["d"]], min_count=1)
    rules = {(r.antecedent, r.consequent): r for r in top_rules(model)}
    ab = rules[("a", "b")]
    assert ab.support == pytest.approx(0.5)
    assert ab.confidence == pytest.approx(2 / 3)
    assert ab.lift == pytest.approx((2 / 3) / 0.5)
    assert rules[("b", "a")].confidence == pytest.approx(1.0)
    assert ("a", "d") not in rules


def test_recommendations_exclude_owned_products() -> None:
    model = fit_associations([["a", "b"], ["a", "b"], ["a", "c"], ["d"]], min_count=1)
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


def _shop() -> list[list[str]]:
    """1,000 baskets: bread and butter together in 300, milk alone in 600, and one customer
    who bought a rare pair (saffron, vanilla) once."""
    baskets = [["bread", "butter"]] * 300 + [["milk"]] * 600 + [["bread"]] * 99
    return [*baskets, ["saffron", "vanilla"]]


def test_a_pair_seen_once_is_no_rule_by_default() -> None:
    loose = fit_associations(_shop(), min_count=1, min_support=0.0)
    rare = {(r.antecedent, r.consequent): r for r in top_rules(loose)}[("saffron", "vanilla")]
    assert rare.support == pytest.approx(0.001) and rare.lift == pytest.approx(1000.0)
    assert top_rules(loose)[0].antecedent in {"saffron", "vanilla"}  # it would rank first
    strict = fit_associations(_shop())
    pairs = {(r.antecedent, r.consequent) for r in top_rules(strict)}
    assert pairs == {("bread", "butter"), ("butter", "bread")}
    assert strict.min_together == MIN_COUNT
    assert all(r.support * strict.baskets >= MIN_COUNT for r in top_rules(strict))


def test_a_rare_purchase_does_not_decide_the_offer() -> None:
    """Who bought saffron is offered what people like them buy (popularity), not vanilla
    because one basket held both."""
    history = {"cook": ["saffron"]}
    loose = recommend(fit_associations(_shop(), min_count=1, min_support=0.0), history, k=1)
    assert loose["cook"][0][0] == "vanilla"
    strict = recommend(fit_associations(_shop()), history, k=1)
    assert strict["cook"][0][0] == "milk"


def test_minimum_is_the_larger_of_count_and_support() -> None:
    assert minimum_together(1_000, min_count=5, min_support=0.001) == 5
    assert minimum_together(100_000, min_count=5, min_support=0.001) == 100
    assert minimum_together(100, min_count=1, min_support=0.0) == 1
    with pytest.raises(ValueError, match="min_count 0"):
        minimum_together(100, min_count=0, min_support=0.0)
    with pytest.raises(ValueError, match="min_support 2"):
        minimum_together(100, min_count=1, min_support=2)


def test_the_minimum_is_configurable_per_run_and_checked() -> None:
    from opencx.core import InvalidInput
    from opencx.modeling.domain.catalog.nbo import minimum

    assert minimum({}) == {"min_count": MIN_COUNT, "min_support": 0.001}
    assert minimum({"min_count": 2, "min_support": 0}) == {"min_count": 2, "min_support": 0.0}
    with pytest.raises(InvalidInput, match="nbo configuration: min_count 0"):
        minimum({"min_count": 0})
    with pytest.raises(InvalidInput, match="nbo configuration"):
        minimum({"min_support": "lots"})
