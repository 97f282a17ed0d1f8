"""The ``churn`` model: calibrated gradient boosting on customer features, with drivers.

Time-based labels (no purchase in the window after a cutoff) where there are orders, else the
subscription snapshot. The fitted pipeline travels as :attr:`Fitted.artifact`; the service saves
it signed (see :mod:`opencx.modeling.store.artifacts`) and hands it back to :func:`score_churn`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pandas as pd

from opencx.core import InvalidInput
from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.domain.catalog.spec import Fitted, ModelSpec, Progress, ScoreValue
from opencx.modeling.domain.churn.model import (
    ChurnFit,
    ChurnModel,
    customer_drivers,
    design_matrix,
    evaluate,
    fit_churn,
    fit_snapshot,
    model_importance,
    predict_risk,
)

__all__ = ["SPEC", "fit_churn_model", "score_churn"]


def _labelled(frame: pd.DataFrame, later: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """The buyers of ``frame`` (features as of a cutoff) labelled 1 when they made no purchase
    before the cutoff of ``later``, one window on: their purchase count did not grow. The
    same label as asking the store who bought in the window (both count the purchases placed
    before each cutoff), without another query."""
    frame = frame[frame["frequency"] > 0].reset_index(drop=True)
    after = later.set_index("customer_id")["frequency"]
    bought = frame["customer_id"].map(after).fillna(0.0).to_numpy() > frame["frequency"].to_numpy()
    return frame, (~bought).astype(int)


def fit_churn_model(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    window = timedelta(days=int(config.get("window_days", 90)))
    mode = config.get("mode", "auto")
    if mode == "auto":
        mode = "time" if data.has_purchases() else "snapshot"
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
        # each cutoff's label window ends at the next cutoff (the last at as_of)
        cutoffs = [data.as_of - window * k for k in (3, 2, 1)]
        progress("features at the three cutoffs and now (one query)")
        data.prefetch_features([*cutoffs, data.as_of])
        frames = [data.features(cut) for cut in [*cutoffs, data.as_of]]
        progress("labels (a purchase in the window after each cutoff)")
        folds = [_labelled(frame, later) for frame, later in pairwise(frames)]
        x_train, levels = design_matrix(folds[0][0])
        parts = [(x_train, folds[0][1])]
        for frame, y in folds[1:]:
            parts.append((design_matrix(frame, levels=levels)[0], y))
        # fit_and_evaluate's three steps, each reported
        progress("fit and calibrate")
        model = fit_churn(*parts[0], *parts[1], levels=levels)
        progress("evaluate and permutation importance (test fold)")
        fit = ChurnFit(model, evaluate(model, *parts[2]), model_importance(model, *parts[2]))
        metrics = {
            **fit.metrics,
            "mode": "time",
            "cutoffs": [c.isoformat() for c in cutoffs],
            "window_days": window.days,
        }
    params = {"importance": fit.importance, "mode": mode}
    progress("score")
    frame = data.features()
    scored = frame if mode == "snapshot" else frame[frame["frequency"] > 0]
    rows = _churn_rows(fit.model, scored, lambda: progress("each customer's drivers"))
    table = data.features()[["customer_id", *fit.model.columns]]
    return Fitted(params, metrics, table, rows, artifact=fit.model)


def _churn_rows(
    model: ChurnModel, frame: pd.DataFrame, drivers_next: Callable[[], None] | None = None
) -> list[ScoreValue]:
    if frame.empty:
        return []
    x, _ = design_matrix(frame.reset_index(drop=True), levels=model.levels)
    risk = predict_risk(model, x)
    if drivers_next is not None:
        drivers_next()
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
    data: ModelData, params: dict[str, Any], config: dict[str, Any], artifact: object | None
) -> list[ScoreValue]:
    if not isinstance(artifact, ChurnModel):
        raise InvalidInput(
            "churn: the saved run holds no fitted model; refit: opencx models fit churn"
        )
    frame = data.features()
    if params.get("mode") != "snapshot":
        frame = frame[frame["frequency"] > 0]
    return _churn_rows(artifact, frame)


SPEC = ModelSpec(
    "churn",
    "1",
    ("churn_risk",),
    "calibrated gradient-boosting churn risk",
    fit_churn_model,
    score_churn,
)
