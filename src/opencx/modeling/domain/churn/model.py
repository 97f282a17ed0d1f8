"""Churn risk: calibrated gradient boosting on customer features, with drivers.

Two ways to build labelled data, both leak-free:

* **time-based** (any business with orders): features are computed *as of* a cutoff (they only
  see events before it) and the label is 1 when the customer makes no purchase in the window that
  follows. The model trains on an early cutoff, is calibrated on a later one and evaluated on the
  latest (three disjoint label windows, each after its features' cutoff).
* **snapshot** (a subscription export such as the IBM telco file): one observation per customer;
  a stratified random train / calibration / test split (60 / 20 / 20) is the accepted practice.

The classifier is scikit-learn's ``HistGradientBoostingClassifier`` (native missing values and
categorical attributes); probabilities are calibrated by isotonic regression on the calibration
fold (``CalibratedClassifierCV`` over the frozen booster). Reported: ROC AUC, PR AUC (average
precision) and the Brier score.

Drivers: per model, permutation importance on the test fold (drop in ROC AUC, Breiman 2001);
per customer, the *median-substitution delta*: for each feature, the customer's risk minus the risk
with that one feature set to its training median (mode for categories). A positive delta means
the customer's value of that feature raises the risk compared with a typical value. It is
model-agnostic, exact for the fitted model and needs no SHAP library; it ignores interactions
between features changed together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from opencx.core import InvalidInput
from opencx.modeling.domain.churn.ensemble import Ensemble
from opencx.modeling.domain.features.customer import FEATURE_COLUMNS

__all__ = [
    "SNAPSHOT_EXCLUDED",
    "ChurnFit",
    "ChurnModel",
    "Driver",
    "customer_drivers",
    "design_matrix",
    "evaluate",
    "fit_and_evaluate",
    "fit_churn",
    "fit_snapshot",
    "model_importance",
    "predict_risk",
    "used_columns",
]

FloatArray = npt.NDArray[np.float64]

#: Columns that restate the label in a snapshot (an ended subscription is the churn itself).
SNAPSHOT_EXCLUDED = ("subscription_active", "subscription_mrr")
CATEGORICAL_BASE = ("language", "country")
MAX_LEVELS = 250
#: Rows of the test fold permutation importance uses (a random subset, baseline and shuffles
#: alike): a quarter of the 16,000-row test fold of the 20,000-customer demo.
IMPORTANCE_ROWS = 4_000
#: Shuffles of each column permutation importance averages over.
IMPORTANCE_REPEATS = 5


@dataclass(frozen=True)
class ChurnModel:
    """A calibrated classifier with the columns, category levels and reference row it needs."""

    estimator: Any
    columns: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]
    reference: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Driver:
    feature: str
    value: Any
    typical: Any
    delta: float


@dataclass(frozen=True)
class ChurnFit:
    model: ChurnModel
    metrics: dict[str, float]
    importance: list[tuple[str, float]] = field(default_factory=list)


def design_matrix(
    frame: pd.DataFrame,
    *,
    exclude: Sequence[str] = (),
    levels: dict[str, tuple[str, ...]] | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Model inputs from a feature frame: numeric features, attributes and language/country.

    Text columns become pandas categoricals with fixed ``levels`` (taken from the frame when not
    given), so training and scoring frames encode categories identically.
    """
    numeric = [c for c in frame.columns if c in FEATURE_COLUMNS or c.startswith("cases_cat_")]
    attrs = [c for c in frame.columns if c.startswith("attr_")]
    cats = [c for c in CATEGORICAL_BASE if c in frame.columns]
    cols = [c for c in (*numeric, *attrs, *cats) if c not in exclude]
    out = pd.DataFrame(index=frame.index)
    found: dict[str, tuple[str, ...]] = {}
    for col in cols:
        series = frame[col]
        is_text = isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object
        if col in CATEGORICAL_BASE or is_text:
            text = series.astype("string").astype(object).where(series.notna(), None)
            known = (levels or {}).get(col)
            if known is None:
                known = tuple(sorted(str(v) for v in text.dropna().unique()))[:MAX_LEVELS]
            found[col] = known
            text = text.where(text.isin(known), None)  # a level not seen in training: missing
            out[col] = pd.Categorical(text, categories=list(known))
        else:
            out[col] = pd.to_numeric(series, errors="coerce").astype(np.float64)
    if levels is not None:
        for col in levels:
            if col not in out.columns:
                out[col] = pd.Categorical([None] * len(out), categories=list(levels[col]))
    return out, found


def _reference(x: pd.DataFrame) -> dict[str, Any]:
    ref: dict[str, Any] = {}
    for col in x.columns:
        s = x[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            mode = s.dropna().mode()
            ref[col] = None if mode.empty else str(mode.iloc[0])
        else:
            med = s.median()
            ref[col] = None if pd.isna(med) else float(med)
    return ref


def fit_churn(
    x_train: pd.DataFrame,
    y_train: npt.ArrayLike,
    x_cal: pd.DataFrame,
    y_cal: npt.ArrayLike,
    *,
    levels: dict[str, tuple[str, ...]],
    seed: int = 0,
    method: str = "isotonic",
) -> ChurnModel:
    """Fit the booster on the training fold and calibrate it on the (later) calibration fold.

    References
    ----------
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine.
    *Annals of Statistics* 29(5). Zadrozny, B. & Elkan, C. (2002). Transforming classifier
    scores into accurate multiclass probability estimates. *KDD* (isotonic calibration).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator

    booster = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        categorical_features="from_dtype",
        random_state=seed,
    )
    for name, labels in (("training", y_train), ("calibration", y_cal)):
        classes = set(np.asarray(labels).tolist())
        if len(classes) < 2:
            raise InvalidInput(
                f"churn: the {name} fold has only label(s) {sorted(classes)}; need churners "
                "and stayers (widen the window or add history)"
            )
    usable = [c for c in x_train.columns if x_train[c].notna().any()]  # all-missing: no signal
    x_train = x_train[usable]
    booster.fit(x_train, np.asarray(y_train))
    calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method=method)
    calibrated.fit(x_cal[usable], np.asarray(y_cal))
    return ChurnModel(calibrated, tuple(usable), levels, _reference(x_train))


def predict_risk(model: ChurnModel, x: pd.DataFrame) -> FloatArray:
    """Calibrated probability of churn for each row of ``x``."""
    proba = model.estimator.predict_proba(x[list(model.columns)])
    return np.asarray(proba[:, 1], dtype=np.float64)


def evaluate(model: ChurnModel, x: pd.DataFrame, y: npt.ArrayLike) -> dict[str, float]:
    """ROC AUC, PR AUC (average precision), Brier score, size and base rate on ``(x, y)``."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    truth = np.asarray(y, dtype=np.int64)
    p = predict_risk(model, x)
    both = len(set(truth.tolist())) == 2
    return {
        "auc": float(roc_auc_score(truth, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(truth, p)) if both else float("nan"),
        "brier": float(brier_score_loss(truth, p)),
        "n": float(len(truth)),
        "base_rate": float(truth.mean()) if len(truth) else float("nan"),
    }


def used_columns(model: ChurnModel) -> tuple[str, ...]:
    """The columns the booster splits on, in model order; all of them when it cannot tell.

    A column no tree splits on cannot move a prediction: its permutation importance and its
    customer deltas are exactly 0, so they need no predictions.
    """
    try:
        frozen = model.estimator.calibrated_classifiers_[0].estimator
        booster = getattr(frozen, "estimator", frozen)
        trees = [tree for per_iteration in booster._predictors for tree in per_iteration]
        categorical = booster.is_categorical_
    except (AttributeError, IndexError):
        return model.columns
    n = len(model.columns)
    # with categorical columns the booster's input puts them first, then the others in order
    order = (
        np.arange(n)
        if categorical is None
        else np.concatenate([np.flatnonzero(categorical), np.flatnonzero(~categorical)])
    )
    split_on: set[int] = set()
    for tree in trees:
        nodes = tree.nodes
        split_on.update(int(order[i]) for i in nodes["feature_idx"][nodes["is_leaf"] == 0])
    return tuple(c for j, c in enumerate(model.columns) if j in split_on)


@dataclass(frozen=True)
class _Through:
    """The calibrated model fed some of its columns (any rows of ``rest``, by index label); the
    others keep ``rest``'s values, which move no prediction when no tree uses them."""

    model: ChurnModel
    rest: pd.DataFrame

    def fit(self, *_: Any) -> _Through:
        return self

    def predict_proba(self, x: pd.DataFrame) -> Any:
        others = self.rest.drop(columns=list(x.columns)).loc[x.index]
        full = pd.concat([others, x], axis=1)
        return self.model.estimator.predict_proba(full[list(self.model.columns)])


def _auc(estimator: _Through, x: pd.DataFrame, y: npt.ArrayLike) -> float:
    """ROC AUC of the positive class, as sklearn's ``"roc_auc"`` scorer computes it."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, estimator.predict_proba(x)[:, 1]))


def model_importance(
    model: ChurnModel, x: pd.DataFrame, y: npt.ArrayLike, *, seed: int = 0, top: int = 10
) -> list[tuple[str, float]]:
    """Permutation importance (mean drop in ROC AUC over 5 shuffles of at most
    :data:`IMPORTANCE_ROWS` rows of ``x``), largest first."""
    from sklearn.inspection import permutation_importance

    truth = np.asarray(y)
    if len(set(truth.tolist())) < 2:
        return []
    if len(x) > IMPORTANCE_ROWS:  # the baseline and the shuffles on the same rows
        rows = np.sort(np.random.default_rng(seed).choice(len(x), IMPORTANCE_ROWS, replace=False))
        x, truth = x.iloc[rows], truth[rows]
    used = list(used_columns(model))
    if not used:  # a booster without a split: nothing moves its predictions
        return [(c, 0.0) for c in model.columns][:top]
    # each column is shuffled by its own generator seeded alike, so leaving out the unused
    # columns (importance exactly 0) changes no other column's figure
    ensemble = Ensemble.of(model.estimator, model.columns)
    if ensemble is not None:  # the same figures, predicting only the trees a column changes
        found = ensemble.permutation_drops(x, truth, used, seed=seed, repeats=IMPORTANCE_REPEATS)
        pairs = [(c, float(found.get(c, 0.0))) for c in model.columns]
        return sorted(pairs, key=lambda kv: -kv[1])[:top]
    result = permutation_importance(
        _Through(model, x[list(model.columns)]),
        x[used],
        truth,
        scoring=_auc,
        n_repeats=IMPORTANCE_REPEATS,
        random_state=seed,
    )
    found = dict(zip(used, result.importances_mean, strict=True))
    pairs = [(c, float(found.get(c, 0.0))) for c in model.columns]
    return sorted(pairs, key=lambda kv: -kv[1])[:top]


def customer_drivers(model: ChurnModel, x: pd.DataFrame, *, top: int = 3) -> list[list[Driver]]:
    """Per customer, the features that raise the risk most (median-substitution delta)."""
    x = x[list(model.columns)]
    ensemble = Ensemble.of(model.estimator, model.columns)
    if ensemble is not None:
        deltas = ensemble.substitution_deltas(x, model.reference)
    else:
        deltas = _substitution_deltas(model, x)
    return _top_drivers(model, x, deltas, top)


def _substitution_deltas(model: ChurnModel, x: pd.DataFrame) -> FloatArray:
    """The deltas by predicting whole frames (when the booster cannot be taken apart)."""
    base = predict_risk(model, x)
    deltas = np.zeros((len(x), len(model.columns)))
    used = set(used_columns(model))
    for j, col in enumerate(model.columns):
        if col not in used:  # no tree splits on it: its delta is exactly 0
            continue
        ref = model.reference.get(col)
        changed = x.copy()
        if isinstance(x[col].dtype, pd.CategoricalDtype):
            changed[col] = pd.Categorical([ref] * len(x), categories=x[col].cat.categories)
        else:
            changed[col] = np.nan if ref is None else ref
        deltas[:, j] = base - predict_risk(model, changed)
    return deltas


def _top_drivers(
    model: ChurnModel, x: pd.DataFrame, deltas: FloatArray, top: int
) -> list[list[Driver]]:
    # each row's columns by falling delta: the same per-row sort, run over all rows at once
    order = np.argsort(-deltas, axis=1)[:, :top]
    picked = np.take_along_axis(deltas, order, axis=1).tolist()
    order_rows = order.tolist()
    shown = np.unique(order[np.take_along_axis(deltas, order, axis=1) > 0]).tolist()
    # Python values, as to_dict gives them, of the columns some row shows
    values = {j: x[model.columns[j]].tolist() for j in shown}
    typical = [model.reference.get(c) for c in model.columns]
    out: list[list[Driver]] = []
    for i, (cols, deltas_i) in enumerate(zip(order_rows, picked, strict=True)):
        out.append(
            [
                Driver(model.columns[j], _plain(values[j][i]), typical[j], round(d, 4))
                for j, d in zip(cols, deltas_i, strict=True)
                if d > 0
            ]
        )
    return out


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value if isinstance(value, int | float) else str(value)


def fit_and_evaluate(
    train: tuple[pd.DataFrame, npt.ArrayLike],
    calib: tuple[pd.DataFrame, npt.ArrayLike],
    test: tuple[pd.DataFrame, npt.ArrayLike],
    *,
    levels: dict[str, tuple[str, ...]],
    seed: int = 0,
) -> ChurnFit:
    """Fit on ``train``, calibrate on ``calib``, report metrics and importance on ``test``."""
    model = fit_churn(*train, *calib, levels=levels, seed=seed)
    metrics = evaluate(model, *test)
    return ChurnFit(model, metrics, model_importance(model, *test, seed=seed))


def fit_snapshot(
    frame: pd.DataFrame,
    y: npt.ArrayLike,
    *,
    seed: int = 0,
    exclude: Sequence[str] = SNAPSHOT_EXCLUDED,
) -> ChurnFit:
    """Snapshot data: stratified 60/20/20 train / calibration / test split, then fit."""
    from sklearn.model_selection import train_test_split

    x, levels = design_matrix(frame, exclude=exclude)
    truth = np.asarray(y, dtype=np.int64)
    idx = np.arange(len(x))
    train_i, rest = train_test_split(idx, test_size=0.4, stratify=truth, random_state=seed)
    cal_i, test_i = train_test_split(rest, test_size=0.5, stratify=truth[rest], random_state=seed)
    return fit_and_evaluate(
        (x.iloc[train_i], truth[train_i]),
        (x.iloc[cal_i], truth[cal_i]),
        (x.iloc[test_i], truth[test_i]),
        levels=levels,
        seed=seed,
    )
