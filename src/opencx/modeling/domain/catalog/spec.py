"""What a catalogued model is: a name, its score kinds, and a fit and a score function.

A model's *fit* reads :class:`~opencx.modeling.domain.catalog.data.ModelData` (the canonical
tables on an Ibis backend plus the ``as_of`` time) and returns a :class:`Fitted` value: JSON
parameters, an optional fitted object (the service stores it signed), metrics, the table its data
fingerprint is taken from, and the scores for ``as_of``. Its *score* applies saved parameters (and
the saved object, once verified) to current data. Nothing here opens a connection or writes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from opencx.modeling.domain.catalog.data import ModelData

__all__ = ["Fit", "Fitted", "ModelSpec", "Progress", "Score", "ScoreValue", "fingerprint"]


@dataclass(frozen=True)
class ScoreValue:
    """One customer's score of one kind, with the details shown beside it."""

    customer_id: str
    kind: str
    value: float | None
    details: dict[str, Any]


@dataclass(frozen=True)
class Fitted:
    """The result of a fit: saved parameters, metrics, fingerprinted table and scores.

    ``artifact`` is a fitted Python object the parameters cannot hold as JSON (the churn
    pipeline); the service saves it pickled and signed, and hands it back to ``score``.
    """

    params: dict[str, Any]
    metrics: dict[str, Any]
    table: pd.DataFrame
    scores: list[ScoreValue] = field(default_factory=list)
    artifact: object | None = None


Progress = Callable[[str], None]
Fit = Callable[[ModelData, dict[str, Any], dict[str, Any] | None, Progress], Fitted]
"""``fit(data, config, previous_params, progress)``."""
Score = Callable[[ModelData, dict[str, Any], dict[str, Any], object | None], list[ScoreValue]]
"""``score(data, params, config, artifact)``."""


@dataclass(frozen=True)
class ModelSpec:
    """A catalogued model: name, version, score kinds, and its fit and score functions."""

    name: str
    version: str
    kinds: tuple[str, ...]
    description: str
    fit: Fit
    score: Score


def fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of a table's CSV text (columns in order, rows as given): the data fingerprint.

    The text is ``table.to_csv(index=False, float_format="%.10g")``'s. Tables of floats,
    integers and text (what the models fingerprint) are written by the ``csv`` module from
    column lists, as pandas writes them but without its per-cell formatting machinery; any
    other table goes through ``to_csv`` itself.
    """
    names = list(table.columns)
    plain = bool(names) and table.columns.is_unique and all(type(n) is str for n in names)
    columns = [_csv_cells(table[name]) for name in names] if plain else []
    if plain and all(c is not None for c in columns):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(zip(*columns, strict=True))
        text = out.getvalue()
    else:
        text = table.to_csv(index=False, float_format="%.10g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TEXT_TYPES = (pd.CategoricalDtype, pd.StringDtype, pd.ArrowDtype)


def _csv_cells(column: pd.Series) -> list[str] | None:
    """The column's cells as ``to_csv`` writes them, or None for a type not handled here."""
    dtype = column.dtype
    if dtype == np.float64:
        return ["%.10g" % v if v == v else "" for v in column.tolist()]  # noqa: UP031
    if dtype == np.int64:
        return [str(v) for v in column.tolist()]
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, _TEXT_TYPES):
        values = column.astype(object).tolist()
        if all(type(v) is str or v is None or v is pd.NA or v != v for v in values):
            return [v if type(v) is str else "" for v in values]
    return None
