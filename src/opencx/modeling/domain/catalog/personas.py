"""The ``personas`` model: k-means personas on behaviour and feedback, stable across refits."""

from __future__ import annotations

from typing import Any

import pandas as pd

from opencx.modeling.domain.catalog.data import ModelData, buyers_of
from opencx.modeling.domain.catalog.spec import Fitted, ModelSpec, Progress, ScoreValue
from opencx.modeling.domain.segments.personas import PersonaModel, assign_personas, fit_personas

__all__ = ["SPEC", "fit_persona_model", "score_personas"]


def fit_persona_model(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    progress("features")
    buyers = buyers_of(data.features())
    prior = PersonaModel.from_params(previous) if previous and "centroids" in previous else None
    progress("clustering")
    model = fit_personas(
        buyers, previous=prior, sample_size=int(config.get("sample_size", 2000)), seed=0
    )
    params = model.to_params()
    metrics = {
        "k": len(model.ids),
        "silhouette": round(max(model.silhouette.values()), 4),
        "customers": len(buyers),
    }
    table = buyers[["customer_id", *model.features]]
    return Fitted(params, metrics, table, _persona_rows(model, buyers))


def _persona_rows(model: PersonaModel, buyers: pd.DataFrame) -> list[ScoreValue]:
    ids = assign_personas(model, buyers)
    text = {p.id: p.description for p in model.personas}
    return [
        ScoreValue(str(cid), "persona", float(pid), {"id": int(pid), "name": text.get(int(pid))})
        for cid, pid in zip(buyers["customer_id"], ids, strict=True)
    ]


def score_personas(
    data: ModelData, params: dict[str, Any], config: dict[str, Any], artifact: object | None
) -> list[ScoreValue]:
    return _persona_rows(PersonaModel.from_params(params), buyers_of(data.features()))


SPEC = ModelSpec(
    "personas",
    "1",
    ("persona",),
    "k-means personas on behaviour and feedback",
    fit_persona_model,
    score_personas,
)
