"""Calibration/holdout validation of the purchase models.

Split the transactions at a calibration end: fit on the calibration period, predict the purchases
in the holdout period, and compare with what customers actually did, grouped by their number of
repeat purchases in calibration (the "conditional expectations" table and plot of Fader, Hardie &
Lee 2005, figure 4; lifetimes ``calibration_and_holdout_data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd.clv import PurchaseParams, expected_purchases
from opencx.modeling.domain.btyd.engine import summary_of
from opencx.modeling.domain.btyd.summary import (
    FloatArray,
    Period,
    RfmSummary,
    as_datetime64,
    period_index,
    summary_from_transactions,
)


@dataclass(frozen=True, slots=True)
class HoldoutData:
    """Calibration-period statistics and the purchases each customer made in the holdout."""

    calibration: RfmSummary
    x_holdout: FloatArray
    duration: float


@dataclass(frozen=True, slots=True)
class FrequencyRow:
    """One line of the actual-versus-predicted table (``frequency`` = max pools the rest)."""

    frequency: int
    customers: float
    actual: float
    predicted: float


def holdout_from_transactions(
    customer_ids: npt.ArrayLike,
    times: npt.ArrayLike,
    values: npt.ArrayLike | None = None,
    *,
    calibration_end: datetime | np.datetime64,
    observation_end: datetime | np.datetime64,
    period: Period = "D",
) -> HoldoutData:
    """Split transactions at ``calibration_end`` into calibration statistics and holdout counts.

    Holdout purchases are counted as distinct purchase periods in (calibration_end,
    observation_end], for the customers who bought in the calibration period.
    """
    ids, stamps = np.asarray(customer_ids), np.asarray(times)
    cal = summary_from_transactions(
        ids, stamps, values, observation_end=calibration_end, period=period
    )
    end64 = _datetime64(observation_end)
    cal64 = _datetime64(calibration_end)
    as64 = _datetime64_array(stamps)
    later = (as64 > cal64) & (as64 <= end64)
    held = summary_from_transactions(
        ids[later], as64[later], observation_end=observation_end, period=period
    )
    assert cal.customer_ids is not None and held.customer_ids is not None
    x_holdout = np.zeros(len(cal))
    if len(held):
        pos = np.clip(np.searchsorted(held.customer_ids, cal.customer_ids), 0, len(held) - 1)
        found = held.customer_ids[pos] == cal.customer_ids
        x_holdout[found] = held.x[pos[found]] + 1  # distinct purchase periods in the holdout
    duration = float(_period(end64, period) - _period(cal64, period))
    return HoldoutData(cal, x_holdout, duration)


def _datetime64(when: datetime | np.datetime64) -> np.datetime64:
    return as_datetime64([when])[0]


def _datetime64_array(times: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    return as_datetime64(times)


def _period(when: np.datetime64, period: Period) -> int:
    return int(period_index(np.array([when], dtype="datetime64[s]"), period)[0])


def fetch_holdout(table: ir.Table) -> HoldoutData:
    """Execute ``btyd_summary(..., calibration_end=...)`` into :class:`HoldoutData`."""
    data = table.to_pyarrow()
    if "x_holdout" not in data.column_names:
        raise InvalidInput("holdout table needs x_holdout; build it with calibration_end set")
    durations = np.unique(data.column("duration_holdout").to_numpy(zero_copy_only=False))
    return HoldoutData(
        summary_of(data),
        np.asarray(data.column("x_holdout").to_numpy(zero_copy_only=False), dtype=np.float64),
        float(durations[0]) if durations.size else 0.0,
    )


def holdout_comparison(
    params: PurchaseParams, data: HoldoutData, *, max_frequency: int = 7
) -> list[FrequencyRow]:
    """Mean actual and predicted holdout purchases by calibration frequency (0..max, max+).

    Examples
    --------
    ``holdout_comparison(fit_bgnbd(data.calibration), data)`` gives the rows of FHL (2005)
    figure 4 for the CDNOW sample.
    """
    predicted = expected_purchases(params, data.calibration, data.duration)
    group = np.minimum(data.calibration.x, max_frequency).astype(int)
    w = data.calibration.w
    rows = []
    for f in range(max_frequency + 1):
        mask = group == f
        n = float(w[mask].sum())
        if n == 0:
            continue
        rows.append(
            FrequencyRow(
                f,
                n,
                float(w[mask] @ data.x_holdout[mask] / n),
                float(w[mask] @ predicted[mask] / n),
            )
        )
    return rows
