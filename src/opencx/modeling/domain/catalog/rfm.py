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
    recency = buyers["recency_days"].to_numpy(np.float64).tolist()
    frequency = buyers["frequency"].to_numpy(np.float64).astype(np.int64).tolist()
    monetary = buyers["monetary"].to_numpy(np.float64).tolist()
    codes, r, f, m, fm = (
        np.asarray(v).astype(np.int64).tolist() for v in (s.segment, s.r, s.f, s.m, s.fm)
    )
    rows = []
    for i, cid in enumerate(buyers["customer_id"].astype(str).tolist()):
        rule = SEGMENT_RULES[codes[i] - 1]
        details = {
            "name": rule.segment,
            "r": r[i],
            "f": f[i],
            "m": m[i],
            "fm": fm[i],
            "action": rule.action,
            "recency_days": round(recency[i], 1),
            "frequency": frequency[i],
            "monetary": round(monetary[i], 2),
        }
        rows.append(ScoreValue(cid, "rfm_segment", float(codes[i]), details))
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
