"""The churn booster's prediction taken apart tree by tree, to re-predict one changed column.

Permutation importance (Breiman 2001) and the median-substitution deltas change one column at a
time. A tree that does not split on that column puts every row in the same leaf as before, so
only the trees that split on it are predicted again; the others' outputs are reused. The trees'
outputs are added in the booster's own order, starting from its baseline, and calibrated as
scikit-learn's ``CalibratedClassifierCV`` does: every probability here equals
``model.estimator.predict_proba(x)[:, 1]`` bit for bit (``tests/modeling/domain/churn``).

This reads scikit-learn's fitted attributes (``_predictors``, ``_preprocess_X``, the binner's
category bitsets): :meth:`Ensemble.of` returns None when they are not there, and the callers
then predict whole frames as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Ensemble"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Ensemble:
    """A calibrated binary booster as its trees, with the input positions each tree splits on.

    ``columns`` are the model's columns in its order; ``position[c]`` is column ``c``'s place in
    the booster's preprocessed input (categorical columns first).
    """

    booster: Any
    calibrators: tuple[Any, ...]
    columns: tuple[str, ...]
    position: dict[str, int]
    trees: tuple[Any, ...]
    splits: tuple[frozenset[int], ...]
    bitsets: tuple[Any, Any]

    @classmethod
    def of(cls, estimator: Any, columns: tuple[str, ...]) -> Ensemble | None:
        """The ensemble of a ``CalibratedClassifierCV`` over one frozen binary booster, or None
        when its fitted attributes are not the expected ones."""
        try:
            classifiers = estimator.calibrated_classifiers_
            boosters = [getattr(c.estimator, "estimator", c.estimator) for c in classifiers]
            booster = boosters[0]
            trees = tuple(tree for per_iteration in booster._predictors for tree in per_iteration)
            categorical = booster.is_categorical_
            bitsets = booster._bin_mapper.make_known_categories_bitsets()
            calibrators = tuple(c.calibrators[0] for c in classifiers)
            usable = (
                all(b is booster for b in boosters)
                and booster.n_trees_per_iteration_ == 1
                and len(estimator.classes_) == 2
                and all(c.method in ("sigmoid", "isotonic") for c in classifiers)
            )
        except (AttributeError, IndexError, TypeError):
            return None
        if not usable:
            return None
        n = len(columns)
        order = (
            np.arange(n)
            if categorical is None
            else np.concatenate([np.flatnonzero(categorical), np.flatnonzero(~categorical)])
        )
        position = {columns[int(j)]: k for k, j in enumerate(order)}
        splits = tuple(
            frozenset(int(i) for i in t.nodes["feature_idx"][t.nodes["is_leaf"] == 0])
            for t in trees
        )
        return cls(booster, calibrators, columns, position, trees, splits, bitsets)

    # --- the pieces of one prediction -----------------------------------------------------
    def prepared(self, x: pd.DataFrame) -> FloatArray:
        """``x`` as the booster's trees read it (categories as codes, categorical first)."""
        out = self.booster._preprocess_X(x[list(self.columns)], reset=False)
        return np.ascontiguousarray(out, dtype=np.float64)

    def outputs(self, xp: FloatArray, trees: list[int] | None = None) -> FloatArray:
        """Each tree's output for each row of ``xp`` (all trees, or those listed)."""
        known, f_idx = self.bitsets
        chosen = range(len(self.trees)) if trees is None else trees
        out = np.empty((len(chosen), xp.shape[0]))
        for i, t in enumerate(chosen):
            out[i] = self.trees[t].predict(
                xp, known_cat_bitsets=known, f_idx_map=f_idx, n_threads=1
            )
        return out

    def risk(
        self, outputs: FloatArray, replaced: dict[int, FloatArray] | None = None
    ) -> FloatArray:
        """Calibrated churn probability from the trees' outputs, some of them ``replaced``:
        summed in tree order from the baseline, as the booster sums them."""
        raw = np.zeros(outputs.shape[1])
        raw += self.booster._baseline_prediction.ravel()[0]
        swap = replaced or {}
        for t in range(outputs.shape[0]):
            raw += swap.get(t, outputs[t])
        total = np.zeros(raw.shape[0])
        for calibrator in self.calibrators:
            total += calibrator.predict(raw)
        total /= len(self.calibrators)
        return total

    def with_column(
        self, xp: FloatArray, outputs: FloatArray, column: str, values: FloatArray
    ) -> FloatArray:
        """The risk with ``column`` set to ``values`` (codes for a category), other columns
        unchanged; only the trees that split on it are predicted again."""
        k = self.position[column]
        trees = [t for t, used in enumerate(self.splits) if k in used]
        if not trees:
            return self.risk(outputs)
        kept = xp[:, k].copy()
        xp[:, k] = values
        try:
            fresh = self.outputs(xp, trees)
        finally:
            xp[:, k] = kept
        return self.risk(outputs, dict(zip(trees, fresh, strict=True)))

    # --- what the churn model reports -----------------------------------------------------
    def substitution_deltas(self, x: pd.DataFrame, reference: dict[str, Any]) -> FloatArray:
        """Per row and column: the risk minus the risk with that column set to ``reference``
        (0 for a column no tree splits on)."""
        xp = self.prepared(x)
        outputs = self.outputs(xp)
        base = self.risk(outputs)
        typical = self.prepared(_reference_row(x, reference))[0]
        used = set().union(*self.splits) if self.splits else set()
        deltas = np.zeros((len(x), len(self.columns)))
        for j, col in enumerate(self.columns):
            k = self.position[col]
            if k in used:
                values = np.full(xp.shape[0], typical[k])
                deltas[:, j] = base - self.with_column(xp, outputs, col, values)
        return deltas

    def permutation_drops(
        self, x: pd.DataFrame, y: npt.ArrayLike, columns: list[str], *, seed: int, repeats: int
    ) -> dict[str, float]:
        """Mean drop in ROC AUC when each of ``columns`` is shuffled, ``repeats`` times: the
        shuffles of ``sklearn.inspection.permutation_importance`` (same seeds, same order)."""
        from sklearn.metrics import roc_auc_score

        truth = np.asarray(y)
        xp = self.prepared(x)
        outputs = self.outputs(xp)
        baseline = float(roc_auc_score(truth, self.risk(outputs)))
        column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
        found: dict[str, float] = {}
        for col in columns:
            rng = np.random.RandomState(column_seed)
            shuffled = xp[:, self.position[col]].copy()
            index = np.arange(xp.shape[0])
            scores = []
            for _ in range(repeats):
                rng.shuffle(index)
                shuffled = shuffled[index]
                risk = self.with_column(xp, outputs, col, shuffled)
                scores.append(float(roc_auc_score(truth, risk)))
            found[col] = float(np.mean(baseline - np.array(scores)))
        return found


def _reference_row(x: pd.DataFrame, reference: dict[str, Any]) -> pd.DataFrame:
    """One row holding each column's reference value (as ``customer_drivers`` substitutes it)."""
    row = x.iloc[:1].copy()
    for col in x.columns:
        ref = reference.get(col)
        if isinstance(x[col].dtype, pd.CategoricalDtype):
            row[col] = pd.Categorical([ref], categories=x[col].cat.categories)
        else:
            row[col] = np.nan if ref is None else ref
    return row
