"""Next best offer: product co-purchase association rules and per-customer recommendations.

Association over order baskets (Agrawal, Imieliński & Swami 1993): for products *a*, *b*,
``support(a, b)`` = share of baskets holding both, ``confidence(a → b)`` = support(a, b) /
support(a), ``lift(a → b)`` = confidence(a → b) / support(b). Co-occurrence counts come from one
sparse product (BᵀB of the basket × product incidence matrix), so the cost grows with the
number of basket lines, not with baskets × products².

A customer's score for a product *b* they do not have yet is the sum over the products *a* they
bought of ``confidence(a → b)``; ties and customers with no signal fall back to popularity.
Evaluation: hit rate at k on a time holdout (did any of the top k appear among the products the
customer bought first after the cutoff?) against the popularity baseline (the k most bought
products the customer does not have).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "AssociationModel",
    "Rule",
    "fit_associations",
    "hit_rate",
    "popular_for",
    "recommend",
    "top_rules",
]


@dataclass(frozen=True, slots=True)
class Rule:
    antecedent: str
    consequent: str
    support: float
    confidence: float
    lift: float


@dataclass(frozen=True)
class AssociationModel:
    """Products, basket counts and the confidence matrix ``conf[a, b]``."""

    products: tuple[str, ...]
    baskets: int
    counts: npt.NDArray[np.float64]  # baskets holding each product
    together: sp.csr_matrix  # co-occurrence counts, diagonal removed
    confidence: sp.csr_matrix

    def index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.products)}


def fit_associations(baskets: Sequence[Sequence[str]]) -> AssociationModel:
    """Co-purchase statistics over ``baskets`` (each a collection of product ids).

    References
    ----------
    Agrawal, R., Imieliński, T. & Swami, A. (1993). Mining association rules between sets of
    items in large databases. *SIGMOD*, 207–216.
    """
    products = tuple(sorted({p for basket in baskets for p in basket}))
    index = {p: i for i, p in enumerate(products)}
    rows: list[int] = []
    cols: list[int] = []
    for r, basket in enumerate(baskets):
        for p in set(basket):
            rows.append(r)
            cols.append(index[p])
    incidence = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(baskets), len(products))
    )
    together = (incidence.T @ incidence).tocsr()
    counts = np.asarray(together.diagonal(), dtype=np.float64)
    together.setdiag(0)
    together.eliminate_zeros()
    inverse = sp.diags(np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0))
    confidence = (inverse @ together).tocsr()
    return AssociationModel(products, len(baskets), counts, together, confidence)


def top_rules(model: AssociationModel, *, min_support: float = 0.0, limit: int = 50) -> list[Rule]:
    """Rules ``a → b`` sorted by lift then confidence."""
    n = max(model.baskets, 1)
    coo = model.together.tocoo()
    rules: list[Rule] = []
    for a, b, both in zip(coo.row, coo.col, coo.data, strict=True):
        support = float(both) / n
        if support < min_support:
            continue
        confidence = float(both) / model.counts[a]
        lift = confidence / (model.counts[b] / n)
        rules.append(Rule(model.products[a], model.products[b], support, confidence, lift))
    rules.sort(key=lambda r: (-r.lift, -r.confidence, r.antecedent, r.consequent))
    return rules[:limit]


def popular_for(model: AssociationModel, owned: set[str], k: int) -> list[str]:
    """The ``k`` most bought products not in ``owned`` (the baseline)."""
    order = np.lexsort((np.arange(len(model.products)), -model.counts))
    return [model.products[i] for i in order if model.products[i] not in owned][:k]


def recommend(
    model: AssociationModel, history: Mapping[str, Sequence[str]], k: int = 10
) -> dict[str, list[tuple[str, float]]]:
    """Top ``k`` products per customer with their scores, excluding what they already have."""
    index = model.index()
    popularity = model.counts / max(model.baskets, 1)
    out: dict[str, list[tuple[str, float]]] = {}
    for customer, bought in history.items():
        owned = [index[p] for p in set(bought) if p in index]
        scores = np.asarray(model.confidence[owned].sum(axis=0)).ravel() if owned else None
        if scores is None:
            scores = np.zeros(len(model.products))
        # popularity breaks ties (and ranks customers without co-purchase signal)
        ranked = scores + 1e-6 * popularity
        ranked[owned] = -np.inf
        top = np.argsort(-ranked, kind="stable")[:k]
        out[customer] = [
            (model.products[i], round(float(scores[i]), 4)) for i in top if np.isfinite(ranked[i])
        ]
    return out


def hit_rate(recommendations: Mapping[str, Sequence[str]], future: Mapping[str, set[str]]) -> float:
    """Share of customers with a future purchase whose list contains at least one of them."""
    judged = [c for c, items in future.items() if items]
    if not judged:
        return float("nan")
    hits = sum(1 for c in judged if set(recommendations.get(c, ())) & future[c])
    return hits / len(judged)
