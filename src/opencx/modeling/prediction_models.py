"""Registry entries for the predictive models: CLV (BTYD), churn risk and next best offer."""

from __future__ import annotations

import base64
import pickle
import zlib
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from opencx.core import InvalidInput
from opencx.modeling import bgnbd, clv, mbgnbd, pareto_nbd
from opencx.modeling.btyd_summary import RfmSummary, summary_from_transactions
from opencx.modeling.churn import (
    ChurnModel,
    customer_drivers,
    design_matrix,
    fit_and_evaluate,
    fit_snapshot,
    predict_risk,
)
from opencx.modeling.clv import PERIODS_PER_MONTH
from opencx.modeling.gamma_gamma import GammaGammaParams, expected_spend, fit_gamma_gamma
from opencx.modeling.recommend import (
    fit_associations,
    hit_rate,
    popular_for,
    recommend,
    top_rules,
)
from opencx.modeling.registry import Fitted, ModelData, ModelSpec, Progress, ScoreValue

__all__ = ["SPECS"]

WEEK = 7.0


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


# --- CLV ----------------------------------------------------------------------------------
def _summary(data: ModelData) -> RfmSummary:
    tx = data.transactions()
    if tx.empty:
        raise InvalidInput(f"clv: no purchases before {data.as_of.isoformat()}")
    stamps = _utc(tx["placed_at"]).dt.tz_localize(None).to_numpy()
    return summary_from_transactions(
        tx["customer_id"].astype(str).to_numpy(),
        stamps,
        tx["value"].astype(float).to_numpy(),
        observation_end=np.datetime64(data.as_of.replace(tzinfo=None)),
        period="W",
    )


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
    rows: list[ScoreValue] = []
    for i, cid in enumerate(ids):
        base = {"x": float(summary.x[i]), "t_x": float(summary.t_x[i]), "T": float(summary.T[i])}
        rows.append(ScoreValue(str(cid), "p_alive", float(alive[i]), {**base, "model": model}))
        rows.append(
            ScoreValue(
                str(cid),
                "clv_12m",
                float(value[i]),
                {
                    "expected_purchases": round(float(purchases[i]), 4),
                    "expected_spend": round(float(spend[i]), 2),
                    "p_alive": round(float(alive[i]), 4),
                    "months": months,
                    "margin": margin,
                    "purchase_model": model,
                    "spend_model": "gamma_gamma" if gg else "mean",
                    "discounted": bool(gg),
                },
            )
        )
    return rows


def fit_clv(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    progress("summary")
    summary = _summary(data)
    kind = str(config.get("purchase_model", "bgnbd"))
    if kind not in clv.PURCHASE_MODELS:
        raise InvalidInput(
            f"clv: purchase_model {kind!r}; use one of {sorted(clv.PURCHASE_MODELS)}"
        )
    progress(f"fit {kind}")
    p = clv.PURCHASE_MODELS[kind].fit(summary)
    params: dict[str, Any] = {name: float(getattr(p, name)) for name in p.NAMES}
    params.update({"purchase_model": kind, "period": "W"})
    tx_mean = summary.monetary[summary.x > 0].mean() if summary.monetary is not None else 0.0
    params["mean_spend"] = float(tx_mean) if np.isfinite(tx_mean) else 0.0
    progress("fit Gamma-Gamma")
    gg = _spend_model(summary)
    params["gamma_gamma"] = {"p": gg.p, "q": gg.q, "gamma": gg.gamma} if gg else None
    fit = p.fit
    metrics: dict[str, Any] = {"customers": len(summary)}
    if fit is not None:
        metrics["log_likelihood"] = getattr(fit, "log_likelihood", None)
        metrics["std_errors"] = list(getattr(fit, "std_errors", ()) or ())
    table = pd.DataFrame(
        {"customer_id": summary.customer_ids, "x": summary.x, "t_x": summary.t_x, "T": summary.T}
    )
    progress("score")
    rows = _clv_rows(summary, params, config)
    return Fitted(params, metrics, table, rows)


def score_clv(data: ModelData, params: dict[str, Any], config: dict[str, Any]) -> list[ScoreValue]:
    return _clv_rows(_summary(data), params, config)


# --- churn --------------------------------------------------------------------------------
ARTIFACT = "artifact"
"""The run parameter holding the fitted churn pipeline, pickled (the service signs it)."""


def _pack(model: ChurnModel) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(model))).decode("ascii")


def _unpack(text: str) -> ChurnModel:
    # The artifact comes from our own model_runs table (trusted store), never from a request.
    model: ChurnModel = pickle.loads(zlib.decompress(base64.b64decode(text)))
    return model


def _labelled(data: ModelData, cutoff: datetime, window: timedelta) -> tuple[pd.DataFrame, Any]:
    frame = data.features(cutoff)
    frame = frame[frame["frequency"] > 0].reset_index(drop=True)
    tx = data.transactions(cutoff + window)
    later = tx[_utc(tx["placed_at"]) >= pd.Timestamp(cutoff)]
    y = (~frame["customer_id"].isin(set(later["customer_id"]))).astype(int).to_numpy()
    return frame, y


def fit_churn_model(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    window = timedelta(days=int(config.get("window_days", 90)))
    mode = config.get("mode", "auto")
    if mode == "auto":
        mode = "time" if not data.transactions().empty else "snapshot"
    if mode == "snapshot":
        progress("features")
        frame = data.features()
        labels = data.subscription_churn()
        frame = frame[frame["customer_id"].isin(labels)].reset_index(drop=True)
        y = frame["customer_id"].map(labels).astype(int).to_numpy()
        progress("fit (stratified split)")
        fit = fit_snapshot(frame, y)
        metrics = {**fit.metrics, "mode": "snapshot", "split": "stratified 60/20/20"}
    else:
        cutoffs = [data.as_of - window * k for k in (3, 2, 1)]
        folds = []
        for name, cut in zip(("train", "calibration", "test"), cutoffs, strict=True):
            progress(f"features as of {cut.date()} ({name})")
            folds.append(_labelled(data, cut, window))
        x_train, levels = design_matrix(folds[0][0])
        parts = [(x_train, folds[0][1])]
        for frame, y in folds[1:]:
            parts.append((design_matrix(frame, levels=levels)[0], y))
        progress("fit and calibrate")
        fit = fit_and_evaluate(parts[0], parts[1], parts[2], levels=levels)
        metrics = {
            **fit.metrics,
            "mode": "time",
            "cutoffs": [c.isoformat() for c in cutoffs],
            "window_days": window.days,
        }
    params = {ARTIFACT: _pack(fit.model), "importance": fit.importance, "mode": mode}
    progress("score")
    frame = data.features()
    rows = _churn_rows(fit.model, frame if mode == "snapshot" else frame[frame["frequency"] > 0])
    table = data.features()[["customer_id", *fit.model.columns]]
    return Fitted(params, metrics, table, rows)


def _churn_rows(model: ChurnModel, frame: pd.DataFrame) -> list[ScoreValue]:
    if frame.empty:
        return []
    x, _ = design_matrix(frame.reset_index(drop=True), levels=model.levels)
    risk = predict_risk(model, x)
    drivers = customer_drivers(model, x)
    return [
        ScoreValue(
            str(cid),
            "churn_risk",
            float(risk[i]),
            {
                "method": "gradient boosting (calibrated)",
                "reasons": [_driver(d) for d in drivers[i]],
            },
        )
        for i, cid in enumerate(frame["customer_id"])
    ]


def _driver(d: Any) -> dict[str, Any]:
    return {"feature": d.feature, "value": d.value, "typical": d.typical, "delta": d.delta}


def score_churn(
    data: ModelData, params: dict[str, Any], config: dict[str, Any]
) -> list[ScoreValue]:
    model = _unpack(params[ARTIFACT])
    frame = data.features()
    if params.get("mode") != "snapshot":
        frame = frame[frame["frequency"] > 0]
    return _churn_rows(model, frame)


# --- next best offer ----------------------------------------------------------------------
def _history(baskets: pd.DataFrame) -> dict[str, list[str]]:
    return {str(c): list(g["product_id"]) for c, g in baskets.groupby("customer_id", sort=True)}


def _order_baskets(baskets: pd.DataFrame) -> list[list[str]]:
    return [list(g["product_id"]) for _, g in baskets.groupby("order_id", sort=True)]


def fit_nbo(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    k = int(config.get("k", 10))
    holdout = timedelta(days=int(config.get("holdout_days", 90)))
    cutoff = data.as_of - holdout
    progress("baskets")
    train = data.baskets(cutoff)
    later = data.baskets(data.as_of, start=cutoff)
    history = _history(train)
    future: dict[str, set[str]] = {
        str(c): {str(p) for p in g["product_id"]} - set(history.get(str(c), ()))
        for c, g in later.groupby("customer_id")
        if str(c) in history
    }
    progress("evaluate on holdout")
    model = fit_associations(_order_baskets(train)) if not train.empty else None
    metrics: dict[str, Any] = {"holdout_days": holdout.days, "k": k}
    if model is not None and future:
        ours = {c: [p for p, _ in items] for c, items in recommend(model, history, k).items()}
        base = {c: popular_for(model, set(h), k) for c, h in history.items()}
        metrics["hit_rate"] = round(hit_rate(ours, future), 4)
        metrics["hit_rate_popularity"] = round(hit_rate(base, future), 4)
        metrics["customers_evaluated"] = sum(1 for v in future.values() if v)
    progress("fit on all baskets")
    everything = data.baskets()
    final = fit_associations(_order_baskets(everything))
    names = dict(zip(everything["product_id"], everything["product_name"], strict=True))
    rules = (
        [
            {
                **asdict(r),
                "antecedent_name": names.get(r.antecedent),
                "consequent_name": names.get(r.consequent),
            }
            for r in top_rules(final, limit=int(config.get("rules", 30)))
        ]
        if final.products
        else []
    )
    rows = _nbo_rows(data, k)
    table = everything[["order_id", "customer_id", "product_id"]]
    return Fitted({"rules": rules, "products": len(final.products)}, metrics, table, rows)


def _nbo_rows(data: ModelData, k: int) -> list[ScoreValue]:
    baskets = data.baskets()
    if baskets.empty:
        return []
    model = fit_associations(_order_baskets(baskets))
    names = dict(zip(baskets["product_id"], baskets["product_name"], strict=True))
    recs = recommend(model, _history(baskets), k)
    return [
        ScoreValue(
            cid,
            "nbo",
            items[0][1] if items else None,
            {"products": [{"product_id": p, "name": names.get(p), "score": s} for p, s in items]},
        )
        for cid, items in recs.items()
    ]


def score_nbo(data: ModelData, params: dict[str, Any], config: dict[str, Any]) -> list[ScoreValue]:
    return _nbo_rows(data, int(config.get("k", 10)))


SPECS = (
    ModelSpec(
        "clv",
        "1",
        ("clv_12m", "p_alive"),
        "BG/NBD + Gamma-Gamma customer lifetime value",
        fit_clv,
        score_clv,
    ),
    ModelSpec(
        "churn",
        "1",
        ("churn_risk",),
        "calibrated gradient-boosting churn risk",
        fit_churn_model,
        score_churn,
    ),
    ModelSpec(
        "nbo", "1", ("nbo",), "next best offer from co-purchase association", fit_nbo, score_nbo
    ),
)
