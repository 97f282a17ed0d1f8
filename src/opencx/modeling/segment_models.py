"""Registry entries for the segmentation models: RFM, personas and loyal-customer types."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from opencx.modeling.loyalty_types import LOYAL_TYPES, RULES, classify_frame
from opencx.modeling.personas import PersonaModel, assign_personas, fit_personas
from opencx.modeling.registry import Fitted, ModelData, ModelSpec, Progress, ScoreValue
from opencx.modeling.rfm import SEGMENT_RULES, SEGMENTS, rfm_scores, transition_matrix

__all__ = ["SPECS"]

RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary"]


def _buyers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["frequency"] > 0].reset_index(drop=True)


def _rfm_segments(frame: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    buyers = _buyers(frame)
    scores = rfm_scores(
        buyers["recency_days"].to_numpy(np.float64),
        buyers["frequency"].to_numpy(np.float64),
        buyers["monetary"].to_numpy(np.float64),
    )
    return buyers, scores


def _rfm_rows(data: ModelData) -> list[ScoreValue]:
    buyers, s = _rfm_segments(data.features())
    rows = []
    for i, cid in enumerate(buyers["customer_id"]):
        code = int(s.segment[i])
        rule = SEGMENT_RULES[code - 1]
        rows.append(
            ScoreValue(
                str(cid),
                "rfm_segment",
                float(code),
                {
                    "name": rule.segment,
                    "r": int(s.r[i]),
                    "f": int(s.f[i]),
                    "m": int(s.m[i]),
                    "fm": int(s.fm[i]),
                    "action": rule.action,
                    "recency_days": round(float(buyers["recency_days"].iloc[i]), 1),
                    "frequency": int(buyers["frequency"].iloc[i]),
                    "monetary": round(float(buyers["monetary"].iloc[i]), 2),
                },
            )
        )
    return rows


def fit_rfm(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    period = int(config.get("period_days", 90))
    progress("features")
    now, scores = _rfm_segments(data.features())
    then, before_scores = _rfm_segments(data.features(data.as_of - timedelta(days=period)))
    progress("segments")
    after = dict(zip(now["customer_id"], scores.names(), strict=True))
    before = dict(zip(then["customer_id"], before_scores.names(), strict=True))
    moves = transition_matrix(before, after)
    counts = {name: int((scores.segment == i + 1).sum()) for i, name in enumerate(SEGMENTS)}
    params = {
        "segments": counts,
        "transition": {"labels": list(moves.labels), "counts": moves.counts.tolist()},
        "period_days": period,
    }
    metrics = {"customers": len(now), "share_staying": round(moves.share_staying(), 4)}
    return Fitted(params, metrics, now[RFM_COLUMNS], _rfm_rows(data))


def score_rfm(data: ModelData, params: dict[str, Any], config: dict[str, Any]) -> list[ScoreValue]:
    return _rfm_rows(data)


def fit_persona_model(
    data: ModelData, config: dict[str, Any], previous: dict[str, Any] | None, progress: Progress
) -> Fitted:
    progress("features")
    buyers = _buyers(data.features())
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
    data: ModelData, params: dict[str, Any], config: dict[str, Any]
) -> list[ScoreValue]:
    return _persona_rows(PersonaModel.from_params(params), _buyers(data.features()))


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
    data: ModelData, params: dict[str, Any], config: dict[str, Any]
) -> list[ScoreValue]:
    return _loyal_rows(data.features())


SPECS = (
    ModelSpec(
        "rfm", "1", ("rfm_segment",), "RFM quintiles and the eleven segments", fit_rfm, score_rfm
    ),
    ModelSpec(
        "personas",
        "1",
        ("persona",),
        "k-means personas on behaviour and feedback",
        fit_persona_model,
        score_personas,
    ),
    ModelSpec(
        "loyalty-types",
        "1",
        ("loyal_type",),
        "loyal-customer types by rule",
        fit_loyal_types,
        score_loyal_types,
    ),
)
