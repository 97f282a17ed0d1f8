"""Next best offer: product co-purchase association rules and per-customer recommendations.

Association over order baskets (Agrawal, Imieliński & Swami 1993): for products *a*, *b*,
``support(a, b)`` = share of baskets holding both, ``confidence(a → b)`` = support(a, b) /
support(a), ``lift(a → b)`` = confidence(a → b) / support(b). Co-occurrence counts come from one
sparse product (BᵀB of the basket × product incidence matrix), so the cost grows with the
number of basket lines, not with baskets × products².

A pair seen together in fewer baskets than the minimum (``min_count``, or ``min_support`` as a
share of baskets, whichever is larger) is no evidence: two products bought once together by one
customer give a lift in the thousands and would be recommended to everyone who has either.
Such pairs are dropped before confidences are computed, so they neither rank nor recommend.

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
    "MIN_COUNT",
    "MIN_SUPPORT",
    "AssociationModel",
    "Rule",
    "fit_associations",
    "hit_rate",
    "minimum_together",
    "popular_for",
    "popular_for_each",
    "recommend",
    "top_rules",
]


MIN_COUNT = 5
"""Default: a pair must be bought together in at least 5 baskets to be a rule."""
MIN_SUPPORT = 0.001
"""Default: ... and in at least 0.1% of all baskets (the larger of the two applies)."""


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
    together: sp.csr_matrix  # co-occurrence counts of pairs above the minimum, diagonal removed
    confidence: sp.csr_matrix
    min_together: int = 1  # the fewest baskets a kept pair shares

    def index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.products)}


def minimum_together(baskets: int, *, min_count: int, min_support: float) -> int:
    """The fewest baskets a pair must share: ``min_count`` or ``min_support`` of the baskets."""
    if min_count < 1 or not 0.0 <= min_support <= 1.0:
        raise ValueError(
            f"min_count {min_count} must be ≥ 1 and min_support {min_support} within 0..1"
        )
    return max(int(min_count), int(np.ceil(min_support * baskets - 1e-9)))


def fit_associations(
    baskets: Sequence[Sequence[str]],
    *,
    min_count: int = MIN_COUNT,
    min_support: float = MIN_SUPPORT,
) -> AssociationModel:
    """Co-purchase statistics over ``baskets`` (each a collection of product ids).

    Pairs shared by fewer than ``max(min_count, min_support × baskets)`` baskets are dropped.

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
    least = minimum_together(len(baskets), min_count=min_count, min_support=min_support)
    together.data[together.data < least] = 0
    together.eliminate_zeros()
    inverse = sp.diags(np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0))
    confidence = (inverse @ together).tocsr()
    return AssociationModel(products, len(baskets), counts, together, confidence, least)


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


def popular_for_each(
    model: AssociationModel, history: Mapping[str, Sequence[str]], k: int
) -> dict[str, list[str]]:
    """:func:`popular_for` of every customer of ``history`` (their products owned), at once:
    each row of the owned matrix, in popularity order, gives its first ``k`` unowned products."""
    n = len(model.products)
    order = np.lexsort((np.arange(n), -model.counts))
    ranked = np.asarray(model.products, dtype=object)[order] if n else np.empty(0, object)
    customers = list(history)
    out: dict[str, list[str]] = {}
    block = max(1, 4_000_000 // max(n, 1))
    for start in range(0, len(customers), block):
        part = customers[start : start + block]
        owned = _owned(model, [history[c] for c in part])[:, order].toarray() > 0
        # stable: the unowned (False) first, each group in popularity order
        first = np.argsort(owned, axis=1, kind="stable")[:, :k]
        found = (~np.take_along_axis(owned, first, axis=1)).sum(axis=1).tolist()
        names = ranked[first].tolist()
        for row, customer in enumerate(part):
            out[customer] = names[row][: found[row]]
    return out


def recommend(
    model: AssociationModel, history: Mapping[str, Sequence[str]], k: int = 10
) -> dict[str, list[tuple[str, float]]]:
    """Top ``k`` products per customer with their scores, excluding what they already have.

    Scored for a block of customers at once: the block's owned-product incidence times the
    confidence matrix, ranked row by row (a stable sort: equal scores keep product order).
    """
    n = len(model.products)
    popularity = model.counts / max(model.baskets, 1)
    products = np.asarray(model.products, dtype=object)
    customers = list(history)
    out: dict[str, list[tuple[str, float]]] = {}
    block = max(1, 4_000_000 // max(n, 1))  # dense scores of at most ~32 MB per block
    for start in range(0, len(customers), block):
        part = customers[start : start + block]
        owned = _owned(model, [history[c] for c in part])
        scores = np.asarray((owned @ model.confidence).todense()) if n else np.zeros((len(part), 0))
        # popularity breaks ties (and ranks customers without co-purchase signal)
        ranked = scores + 1e-6 * popularity
        ranked[owned.nonzero()] = -np.inf
        top = np.argsort(-ranked, axis=1, kind="stable")[:, :k]
        # the owned products (-inf) sort last: each row's finite ones are a prefix
        finite = np.isfinite(np.take_along_axis(ranked, top, axis=1)).sum(axis=1).tolist()
        names = products[top].tolist()
        values = np.take_along_axis(scores, top, axis=1).tolist()
        for row, customer in enumerate(part):
            keep = finite[row]
            out[customer] = [
                (p, round(v, 4)) for p, v in zip(names[row][:keep], values[row][:keep], strict=True)
            ]
    return out


def _owned(model: AssociationModel, baskets: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """Customers × products incidence (1 where the customer bought the product)."""
    index = model.index()
    rows: list[int] = []
    cols: list[int] = []
    for r, bought in enumerate(baskets):
        found = {index[p] for p in bought if p in index}
        rows.extend([r] * len(found))
        cols.extend(found)
    shape = (len(baskets), len(model.products))
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)


def hit_rate(recommendations: Mapping[str, Sequence[str]], future: Mapping[str, set[str]]) -> float:
    """Share of customers with a future purchase whose list contains at least one of them."""
    judged = [c for c, items in future.items() if items]
    if not judged:
        return float("nan")
    hits = sum(1 for c in judged if set(recommendations.get(c, ())) & future[c])
    return hits / len(judged)
