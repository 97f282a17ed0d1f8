"""Churn risk: calibrated boosting, metrics, drivers."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import permutation_importance

from opencx.modeling.domain.churn.ensemble import Ensemble
from opencx.modeling.domain.churn.model import (
    _substitution_deltas,
    customer_drivers,
    design_matrix,
    fit_and_evaluate,
    fit_snapshot,
    model_importance,
    predict_risk,
    used_columns,
)

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _planted(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "cases_open": rng.poisson(0.5, n).astype(float),
            "nps_latest": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 11, n)),
            "frequency": rng.integers(1, 10, n).astype(float),
            "attr_plan": rng.choice(["basic", "pro"], n),
            "country": rng.choice(["NL", "DE"], n),
        }
    )
    logit = -2.0 + 2.0 * frame.cases_open - 0.4 * (frame.nps_latest.fillna(7) - 7)
    logit += np.where(frame.attr_plan == "basic", 0.8, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y


def test_snapshot_fit_finds_the_planted_signal_with_calibrated_probabilities() -> None:
    frame, y = _planted()
    fit = fit_snapshot(frame, y, seed=0)
    assert fit.metrics["auc"] > 0.7
    assert 0 < fit.metrics["brier"] < 0.25
    assert fit.metrics["pr_auc"] > y.mean()
    top = [name for name, _ in fit.importance[:3]]
    assert "cases_open" in top
    x, _ = design_matrix(frame, levels=fit.model.levels)
    p = predict_risk(fit.model, x)
    assert ((p >= 0) & (p <= 1)).all()
    # calibration: mean predicted risk close to the observed rate
    assert abs(p.mean() - y.mean()) < 0.03


def test_customer_drivers_name_what_raises_that_customers_risk() -> None:
    frame, y = _planted()
    fit = fit_snapshot(frame, y, seed=0)
    probe = frame.head(2).copy()
    probe.loc[:, "cases_open"] = [6.0, 0.0]
    probe.loc[:, "nps_latest"] = [1.0, 10.0]
    x, _ = design_matrix(probe, levels=fit.model.levels)
    risky, calm = customer_drivers(fit.model, x)
    assert {d.feature for d in risky} & {"cases_open", "nps_latest"}
    assert all(d.delta > 0 for d in risky)
    assert risky[0].delta >= risky[-1].delta
    assert "cases_open" not in {d.feature for d in calm}


def test_importance_skips_columns_no_tree_uses_and_matches_sklearn_on_the_rest() -> None:
    frame, y = _planted(n=1500)
    frame["cases_cat_billing"] = 1.0  # constant: no tree can split on it
    x, levels = design_matrix(frame)
    fit = fit_and_evaluate((x, y), (x, y), (x, y), levels=levels, seed=0)
    used = used_columns(fit.model)
    assert "cases_cat_billing" in fit.model.columns and "cases_cat_billing" not in used
    assert {"cases_open", "nps_latest"} <= set(used)
    full = permutation_importance(
        fit.model.estimator,
        x[list(fit.model.columns)],
        y,
        scoring="roc_auc",
        n_repeats=5,
        random_state=0,
    )
    expected = dict(zip(fit.model.columns, full.importances_mean, strict=True))
    assert expected["cases_cat_billing"] == 0.0
    ours = dict(model_importance(fit.model, x, y, seed=0, top=len(fit.model.columns)))
    assert ours == pytest.approx(expected, abs=1e-12)


def test_the_booster_taken_apart_predicts_what_sklearn_predicts_bit_for_bit() -> None:
    frame, y = _planted(n=1500)
    x, levels = design_matrix(frame)
    fit = fit_and_evaluate((x, y), (x, y), (x, y), levels=levels, seed=0)
    ensemble = Ensemble.of(fit.model.estimator, fit.model.columns)
    assert ensemble is not None
    xp = ensemble.prepared(x)
    outputs = ensemble.outputs(xp)
    assert np.array_equal(ensemble.risk(outputs), predict_risk(fit.model, x))
    shuffled = x.copy()
    shuffled["cases_open"] = x["cases_open"].to_numpy()[::-1]
    got = ensemble.with_column(xp, outputs, "cases_open", xp[::-1, ensemble.position["cases_open"]])
    assert np.array_equal(got, predict_risk(fit.model, shuffled))
    assert np.array_equal(ensemble.prepared(x), xp, equal_nan=True)  # the column is put back


def test_drivers_through_the_trees_equal_drivers_from_whole_frames() -> None:
    frame, y = _planted()
    fit = fit_snapshot(frame, y, seed=0)
    x, _ = design_matrix(frame.head(300), levels=fit.model.levels)
    x = x[list(fit.model.columns)]
    ensemble = Ensemble.of(fit.model.estimator, fit.model.columns)
    assert ensemble is not None
    fast = ensemble.substitution_deltas(x, fit.model.reference)
    assert np.array_equal(fast, _substitution_deltas(fit.model, x))
