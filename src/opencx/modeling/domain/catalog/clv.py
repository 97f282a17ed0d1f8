"""The ``clv`` model: BG/NBD (or MBG/NBD, Pareto/NBD) purchases with Gamma-Gamma spend.

Fits on the customers' BTYD summary (x, t_x, T) by week and scores P(alive) and 12-month CLV.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from opencx.core import InvalidInput
from opencx.modeling.domain.btyd import bgnbd, clv, holdout, mbgnbd, pareto_nbd
from opencx.modeling.domain.btyd.clv import PERIODS_PER_MONTH
from opencx.modeling.domain.btyd.engine import fetch_summary
from opencx.modeling.domain.btyd.gamma_gamma import (
    GammaGammaParams,
    expected_spend,
    fit_gamma_gamma,
)
from opencx.modeling.domain.btyd.summary import RfmSummary, compress
from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.domain.catalog.spec import Fitted, ModelSpec, Progress, ScoreValue

__all__ = ["SPEC", "fit_clv", "score_clv"]


def _customers(data: ModelData) -> RfmSummary:
    """One (x, t_x, T, monetary) row per customer, built in the engine, ordered by id."""
    found = fetch_summary(data.btyd(period="W"))
    if len(found) == 0:
        raise InvalidInput(f"clv: no purchases before {data.as_of.isoformat()}")
    ids = np.asarray(found.customer_ids).astype(str)
    order = np.argsort(ids, kind="stable")
    m = found.monetary
    return RfmSummary(
        found.x[order],
        found.t_x[order],
        found.T[order],
        None if m is None else m[order],
        customer_ids=ids[order],
    )


def _compressed(summary: RfmSummary) -> RfmSummary:
    """The distinct (x, t_x, T) rows of the customers' summary with their counts: all a
    purchase model's likelihood needs. The rows are in Python already (every customer is
    scored), so they are folded here rather than grouped again in the engine; the rows come
    out in (x, t_x, T) order, as SQLite's grouping gave them."""
    return compress(RfmSummary(summary.x, summary.t_x, summary.T))


def _spend_model(summary: RfmSummary) -> GammaGammaParams | None:
    """Gamma-Gamma parameters when the model fits with ``q > 1``, else None (mean spend)."""
    try:
        params = fit_gamma_gamma(summary)
    except (InvalidInput, ValueError, FloatingPointError):
        return None
    return params if params.q > 1 else None


PARAM_TYPES: dict[str, Any] = {
    "bgnbd": bgnbd.BgNbdParams,
    "mbgnbd": mbgnbd.MbgNbdParams,
    "pareto_nbd": pareto_nbd.ParetoNbdParams,
}


def _purchase_params(params: dict[str, Any]) -> Any:
    kind = params.get("purchase_model", "bgnbd")
    cls = PARAM_TYPES[kind]
    return cls(*(float(params[name]) for name in cls.NAMES))


def _clv_rows(
    summary: RfmSummary, params: dict[str, Any], config: dict[str, Any]
) -> list[ScoreValue]:
    p = _purchase_params(params)
    months = int(config.get("months", 12))
    horizon = months * PERIODS_PER_MONTH["W"]
    margin = float(config.get("margin", 1.0))
    alive = clv.probability_alive(p, summary)
    purchases = clv.expected_purchases(p, summary, horizon)
    mean_spend = float(params.get("mean_spend", 0.0))
    gg = params.get("gamma_gamma")
    if gg:
        spend_params = GammaGammaParams(gg["p"], gg["q"], gg["gamma"])
        spend = expected_spend(spend_params, summary)
        value = clv.customer_lifetime_value(
            p,
            spend_params,
            summary,
            months=months,
            margin=margin,
            period="W",
            discount_rate=float(config.get("discount_rate", 0.01)),
        )
    else:
        m = summary.monetary if summary.monetary is not None else np.zeros(len(summary))
        spend = np.where(summary.x > 0, m, mean_spend)
        value = purchases * spend * margin
    ids = summary.customer_ids if summary.customer_ids is not None else np.arange(len(summary))
    model = params.get("purchase_model", "bgnbd")
    spend_model = "gamma_gamma" if gg else "mean"
    # Python floats per column at once (the same values float() gives element by element)
    xs, t_xs, Ts = summary.x.tolist(), summary.t_x.tolist(), summary.T.tolist()
    alives, values = np.asarray(alive, float).tolist(), np.asarray(value, float).tolist()
    bought, spent = np.asarray(purchases, float).tolist(), np.asarray(spend, float).tolist()
    rows: list[ScoreValue] = []
    for i, cid in enumerate(ids.tolist()):
        base = {"x": xs[i], "t_x": t_xs[i], "T": Ts[i]}
        rows.append(ScoreValue(str(cid), "p_alive", alives[i], {**base, "model": model}))
        rows.append(
            ScoreValue(
                str(cid),
                "clv_12m",
                values[i],
                {
                    "expected_purchases": round(bought[i], 4),
                    "expected_spend": round(spent[i], 2),
                    "p_alive": round(alives[i], 4),
                    "months": months,
                    "margin": margin,
                    "purchase_model": model,
                    "spend_model": spend_model,
                    "discounted": bool(gg),
                },
            )
        )
    return rows


HOLDOUT_WEEKS = 26


def _holdout_check(data: ModelData, kind: str, summary: RfmSummary) -> dict[str, Any] | None:
    """Refit on the data before a cut-off and compare predicted with actual purchases after it,
    by the number of repeat purchases before (FHL 2005 §4, figure 4). The holdout is 26 weeks,
    or a third of the history when that is shorter; None when the history is too short."""
    history = float(np.max(summary.T)) if len(summary) else 0.0
    weeks = int(min(HOLDOUT_WEEKS, history // 3))
    if weeks < 4:
        return None
    cut = data.as_of - timedelta(weeks=weeks)
    try:
        held = holdout.fetch_holdout(data.btyd_holdout(cut, period="W"))
        if len(held.calibration) < 20:
            return None
        params = clv.PURCHASE_MODELS[kind].fit(held.calibration)
        rows = holdout.holdout_comparison(params, held, max_frequency=7)
    except (InvalidInput, ValueError, FloatingPointError):
        return None
    return {
        "weeks": weeks,
        "calibration_end": cut.isoformat(),
        "customers": float(sum(r.customers for r in rows)),
        "actual_total": float(sum(r.actual * r.customers for r in rows)),
        "predicted_total": float(sum(r.predicted * r.customers for r in rows)),
        "rows": [
            {
                "frequency": r.frequency,
                "customers": r.customers,
                "actual": round(r.actual, 4),
                "predicted": round(r.predicted, 4),
            }
            for r in rows
        ],
    }


def fit_clv(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    kind = str(config.get("purchase_model", "bgnbd"))
    if kind not in clv.PURCHASE_MODELS:
        raise InvalidInput(
            f"clv: purchase_model {kind!r}; use one of {sorted(clv.PURCHASE_MODELS)}"
        )
    progress("summary (in the engine)")
    summary = _customers(data)
    compressed = _compressed(summary)
    progress(f"fit {kind}")
    p = clv.PURCHASE_MODELS[kind].fit(compressed)
    params: dict[str, Any] = {name: float(getattr(p, name)) for name in p.NAMES}
    params.update({"purchase_model": kind, "period": "W"})
    tx_mean = summary.monetary[summary.x > 0].mean() if summary.monetary is not None else 0.0
    params["mean_spend"] = float(tx_mean) if np.isfinite(tx_mean) else 0.0
    progress("fit Gamma-Gamma")
    gg = _spend_model(summary)
    params["gamma_gamma"] = {"p": gg.p, "q": gg.q, "gamma": gg.gamma} if gg else None
    fit = p.fit
    metrics: dict[str, Any] = {"customers": len(summary), "summary_rows": len(compressed)}
    if fit is not None:
        metrics["log_likelihood"] = getattr(fit, "log_likelihood", None)
        metrics["std_errors"] = [
            float(se) if np.isfinite(se) else None for se in getattr(fit, "std_errors", ()) or ()
        ]
        metrics["converged"] = bool(getattr(fit, "converged", True))
    alive = clv.probability_alive(p, summary)
    metrics["p_alive_share_95"] = round(float(np.mean(alive >= 0.95)), 4) if len(alive) else None
    progress("holdout check")
    params["holdout"] = _holdout_check(data, kind, summary)
    table = pd.DataFrame(
        {"customer_id": summary.customer_ids, "x": summary.x, "t_x": summary.t_x, "T": summary.T}
    )
    progress("score")
    rows = _clv_rows(summary, params, config)
    return Fitted(params, metrics, table, rows)


def score_clv(
    data: ModelData, params: dict[str, Any], config: dict[str, Any], artifact: object | None
) -> list[ScoreValue]:
    return _clv_rows(_customers(data), params, config)


SPEC = ModelSpec(
    "clv",
    "1",
    ("clv_12m", "p_alive"),
    "BG/NBD + Gamma-Gamma customer lifetime value",
    fit_clv,
    score_clv,
)
