"""The ``rfm`` model: RFM quintiles, the eleven segments, and how customers moved between them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from opencx.modeling.domain.catalog.data import ModelData, buyers_of
from opencx.modeling.domain.catalog.spec import Fitted, ModelSpec, Progress, ScoreValue
from opencx.modeling.domain.segments.rfm import (
    SEGMENT_RULES,
    SEGMENTS,
    RfmScores,
    rfm_scores,
    transition_matrix,
)

__all__ = ["SPEC", "fit_rfm", "score_rfm"]

RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary"]


def _rfm_segments(frame: pd.DataFrame) -> tuple[pd.DataFrame, RfmScores]:
    buyers = buyers_of(frame)
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


def score_rfm(
    data: ModelData, params: dict[str, Any], config: dict[str, Any], artifact: object | None
) -> list[ScoreValue]:
    return _rfm_rows(data)


SPEC = ModelSpec(
    "rfm", "1", ("rfm_segment",), "RFM quintiles and the eleven segments", fit_rfm, score_rfm
)
