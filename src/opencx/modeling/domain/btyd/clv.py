"""Customer lifetime value from a purchase model and the Gamma-Gamma spend model.

One registry maps each purchase model's parameters to its functions, so callers score any of
BG/NBD, MBG/NBD or Pareto/NBD the same way (no ``if kind == ...`` chains).  CLV follows lifetimes'
``customer_lifetime_value`` (Davidson-Pilon 2019) and FHL (2005) "RFM and CLV": the sum over months
of the expected purchases in that month times the expected spend times the margin, discounted at a
monthly rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd import bgnbd, mbgnbd, pareto_nbd
from opencx.modeling.domain.btyd.gamma_gamma import GammaGammaParams, expected_spend
from opencx.modeling.domain.btyd.summary import FloatArray, Period, RfmSummary, map_chunks

PurchaseParams = bgnbd.BgNbdParams | mbgnbd.MbgNbdParams | pareto_nbd.ParetoNbdParams

#: periods per month, as lifetimes (``D``: 30 days, ``W``: 4.345 weeks)
PERIODS_PER_MONTH: dict[str, float] = {"D": 30.0, "W": 4.345}


@dataclass(frozen=True, slots=True)
class PurchaseModel:
    """The functions of one purchase (transaction) model."""

    name: str
    fit: Callable[..., Any]
    log_likelihood: Callable[[Any, RfmSummary], FloatArray]
    probability_alive: Callable[[Any, RfmSummary], FloatArray]
    expected_purchases: Callable[[Any, RfmSummary, float], FloatArray]


PURCHASE_MODELS: dict[str, PurchaseModel] = {
    "bgnbd": PurchaseModel(
        "bgnbd",
        bgnbd.fit_bgnbd,
        bgnbd.bgnbd_log_likelihood,
        bgnbd.probability_alive,
        bgnbd.expected_purchases,
    ),
    "mbgnbd": PurchaseModel(
        "mbgnbd",
        mbgnbd.fit_mbgnbd,
        mbgnbd.mbgnbd_log_likelihood,
        mbgnbd.probability_alive,
        mbgnbd.expected_purchases,
    ),
    "pareto_nbd": PurchaseModel(
        "pareto_nbd",
        pareto_nbd.fit_pareto_nbd,
        pareto_nbd.pareto_nbd_log_likelihood,
        pareto_nbd.probability_alive,
        pareto_nbd.expected_purchases,
    ),
}
_BY_TYPE: dict[type, PurchaseModel] = {
    bgnbd.BgNbdParams: PURCHASE_MODELS["bgnbd"],
    mbgnbd.MbgNbdParams: PURCHASE_MODELS["mbgnbd"],
    pareto_nbd.ParetoNbdParams: PURCHASE_MODELS["pareto_nbd"],
}


def purchase_model(params: PurchaseParams) -> PurchaseModel:
    """The model whose parameters these are."""
    try:
        return _BY_TYPE[type(params)]
    except KeyError:
        raise InvalidInput(f"not purchase-model parameters: {type(params).__name__}") from None


def probability_alive(params: PurchaseParams, summary: RfmSummary) -> FloatArray:
    """P(alive | x, t_x, T) under whichever purchase model ``params`` belong to."""
    return purchase_model(params).probability_alive(params, summary)


def expected_purchases(params: PurchaseParams, summary: RfmSummary, horizon: float) -> FloatArray:
    """Expected purchases in the next ``horizon`` periods, under the model of ``params``."""
    return purchase_model(params).expected_purchases(params, summary, horizon)


def customer_lifetime_value(
    params: PurchaseParams,
    spend: GammaGammaParams,
    summary: RfmSummary,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    period: Period = "D",
) -> FloatArray:
    """Discounted CLV over ``months`` months, per row of ``summary``.

    ``CLV = sum_{m=1..months} margin * E[M] * (E[Y(m)] - E[Y(m-1)]) / (1 + d)^m``, with ``E[Y]``
    the conditional expected purchases of the purchase model, ``E[M]`` the Gamma-Gamma expected
    spend and ``d`` the monthly discount rate (lifetimes ``customer_lifetime_value``; FHL 2005).
    Computed in chunks of rows, so memory stays flat for millions of customers.

    Examples
    --------
    >>> s = RfmSummary(np.array([2.0]), np.array([30.0]), np.array([38.0]), np.array([20.0]))
    >>> p = bgnbd.BgNbdParams(0.243, 4.414, 0.793, 2.426)
    >>> g = GammaGammaParams(6.25, 3.74, 15.44)
    >>> bool(customer_lifetime_value(p, g, s, period="W")[0] > 0)
    True
    """
    if months < 1 or discount_rate < 0 or period not in PERIODS_PER_MONTH:
        raise InvalidInput(
            f"CLV: months={months} (>= 1), discount_rate={discount_rate} (>= 0), "
            f"period={period!r} (D or W)"
        )
    step = PERIODS_PER_MONTH[period]
    model = purchase_model(params)

    def chunk(s: RfmSummary) -> FloatArray:
        value = expected_spend(spend, s) * margin
        total = np.zeros(len(s))
        before = np.zeros(len(s))
        for m in range(1, months + 1):
            upto = model.expected_purchases(params, s, m * step)
            total += value * (upto - before) / (1.0 + discount_rate) ** m
            before = upto
        return total

    return map_chunks(chunk, summary)
