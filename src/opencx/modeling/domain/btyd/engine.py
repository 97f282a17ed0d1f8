"""The BTYD summary built where the orders are: (x, t_x, T, monetary) as Ibis expressions.

:func:`btyd_summary` runs on any Ibis backend (DuckDB, SQLite, PostgreSQL, PySpark) with the
same conventions as the NumPy builder in :mod:`~opencx.modeling.domain.btyd.summary`;
:func:`compressed_btyd_summary` groups it by (x, t_x, T) in the backend, so only the compressed
rows cross into Python (:func:`fetch_summary`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import numpy as np

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd.summary import (
    PERIOD_SECONDS,
    FloatArray,
    Period,
    RfmSummary,
    as_datetime64,
    period_index,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["btyd_summary", "compressed_btyd_summary", "fetch_summary", "summary_of"]


def _period_of(at: ir.TimestampValue, period: Period) -> ir.IntegerValue:
    """Whole periods since 1970-01-01 (UTC): days, or weeks running Monday..Sunday."""
    if period not in PERIOD_SECONDS:
        raise InvalidInput(f"period {period!r}: expected 'D' or 'W'")
    days = (at.epoch_seconds() / 86_400).floor().cast("int64")
    return days if period == "D" else ((days + 3) / 7).floor().cast("int64")


def _epoch(when: datetime) -> int:
    return int(as_datetime64([when])[0].astype(np.int64))


def _period_number(when: datetime, period: Period) -> int:
    return int(period_index(as_datetime64([when]), period)[0])


def btyd_summary(
    orders: ir.Table,
    *,
    observation_end: datetime,
    period: Period = "D",
    calibration_end: datetime | None = None,
    customer: str = "customer_id",
    at: str = "placed_at",
    value: str | None = None,
) -> ir.Table:
    """Per-customer (x, t_x, T, monetary) as an Ibis expression: runs on any Ibis backend.

    Parameters
    ----------
    orders : a table with a customer column, a timestamp column and optionally a value column.
    observation_end : the end of observation (inclusive); later orders are ignored.
    period : "D" or "W": times are floored to days or Monday-based weeks (UTC), and orders by
        one customer in one period count as one purchase with their values summed.
    calibration_end : when given, (x, t_x, T, monetary) describe the orders up to this moment and
        ``x_holdout`` (purchase periods in (calibration_end, observation_end]),
        ``monetary_holdout`` and ``duration_holdout`` describe the rest.

    Returns
    -------
    ibis.Table with columns customer_id, x, t_x, T, monetary (+ the holdout columns).

    References
    ----------
    lifetimes ``summary_data_from_transaction_data`` and ``calibration_and_holdout_data``.
    """
    end = calibration_end or observation_end
    # compare epoch seconds: timestamp literals compare as text on SQLite
    secs = orders[at].epoch_seconds()
    rows = orders.filter(orders[customer].notnull(), secs <= _epoch(end))
    cal = _per_customer(_per_period(rows, customer, at, value, period), _period_number(end, period))
    if calibration_end is None:
        return cal
    later = orders.filter(
        orders[customer].notnull(), secs > _epoch(calibration_end), secs <= _epoch(observation_end)
    )
    held = _per_period(later, customer, at, value, period)
    held = held.group_by("customer_id").aggregate(
        x_holdout=held.count(), monetary_holdout=held.v.mean()
    )
    joined = cal.left_join(held, cal.customer_id == held.customer_id).select(
        *[cal[c] for c in cal.columns],
        x_holdout=held.x_holdout.fill_null(0),
        monetary_holdout=held.monetary_holdout.fill_null(0.0),
    )
    duration = _period_number(observation_end, period) - _period_number(calibration_end, period)
    return joined.mutate(duration_holdout=ibis.literal(duration, type="int64"))


def _per_period(
    rows: ir.Table, customer: str, at: str, value: str | None, period: Period
) -> ir.Table:
    rows = rows.mutate(_v=rows[value].cast("float64") if value else ibis.literal(0.0))
    v = rows["_v"]
    return rows.group_by(
        [rows[customer].name("customer_id"), _period_of(rows[at], period).name("p")]
    ).aggregate(v=v.sum())


def _per_customer(per: ir.Table, end: int) -> ir.Table:
    per = per.mutate(first=per.p.min().over(ibis.window(group_by=per.customer_id)))
    repeat_value = ibis.ifelse(per.p == per.first, 0.0, per.v)
    out = per.group_by("customer_id").aggregate(
        n=per.count(), first_p=per.p.min(), last_p=per.p.max(), repeat=repeat_value.sum()
    )
    x = out.n - 1
    return out.select(
        "customer_id",
        x=x.cast("int64"),
        t_x=(out.last_p - out.first_p).cast("float64"),
        T=(ibis.literal(end, type="int64") - out.first_p).cast("float64"),
        monetary=ibis.ifelse(x > 0, out.repeat / x.cast("float64"), 0.0),
    )


def compressed_btyd_summary(summary: ir.Table) -> ir.Table:
    """Group a :func:`btyd_summary` by (x, t_x, T) with a ``weights`` count, in the backend.

    A scan of any number of orders returns at most (distinct x) x (distinct periods)^2 rows.
    """
    return summary.group_by(["x", "t_x", "T"]).aggregate(weights=summary.count().cast("float64"))


def fetch_summary(table: ir.Table) -> RfmSummary:
    """Execute a (compressed or per-customer) summary expression into an :class:`RfmSummary`."""
    return summary_of(table.to_pyarrow())


def summary_of(data: pa.Table) -> RfmSummary:
    """The :class:`RfmSummary` of an executed summary (Arrow table with x, t_x, T and maybe
    monetary, weights, customer_id)."""
    names = set(data.column_names)

    def col(name: str) -> FloatArray | None:
        if name not in names:
            return None
        return np.asarray(data.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)

    x, t_x, T = col("x"), col("t_x"), col("T")
    if x is None or t_x is None or T is None:
        raise InvalidInput(f"summary table needs columns x, t_x, T; it has {sorted(names)}")
    ids = (
        data.column("customer_id").to_numpy(zero_copy_only=False)
        if "customer_id" in names
        else None
    )
    return RfmSummary(x, t_x, T, col("monetary"), col("weights"), ids)
