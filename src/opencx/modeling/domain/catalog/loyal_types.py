"""The ``loyalty-types`` model: loyal-customer types by explicit rules (no fitting)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.domain.catalog.spec import Fitted, ModelSpec, Progress, ScoreValue
from opencx.modeling.domain.segments.loyal_types import LOYAL_TYPES, RULES, classify_frame

__all__ = ["SPEC", "fit_loyal_types", "score_loyal_types"]


def _loyal_rows(frame: pd.DataFrame) -> list[ScoreValue]:
    types = classify_frame(frame)
    return [
        ScoreValue(
            str(cid),
            "loyal_type",
            float(t.code),
            {"name": t.type, "reason": t.reason, "values": t.values},
        )
        for cid, t in zip(frame["customer_id"], types, strict=True)
    ]


def fit_loyal_types(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    progress("features")
    frame = data.features()
    progress("rules")
    rows = _loyal_rows(frame)
    counts = {name: 0 for name in LOYAL_TYPES}
    for r in rows:
        counts[r.details["name"]] += 1
    rules = [
        {
            "type": r.type,
            "meaning": r.meaning,
            "conditions": [c.explain(None).replace("n/a ", "") for c in r.conditions],
        }
        for r in RULES
    ]
    table = frame[["customer_id", "tenure_days", "frequency", "nps_latest", "discount_share"]]
    return Fitted({"counts": counts, "rules": rules}, {"customers": len(frame)}, table, rows)


def score_loyal_types(
    data: ModelData, params: dict[str, Any], config: dict[str, Any], artifact: object | None
) -> list[ScoreValue]:
    return _loyal_rows(data.features())


SPEC = ModelSpec(
    "loyalty-types",
    "1",
    ("loyal_type",),
    "loyal-customer types by rule",
    fit_loyal_types,
    score_loyal_types,
)
