"""Sufficient statistics of the buy-till-you-die models: (x, t_x, T) per customer, and compression.

Every non-contractual model here (BG/NBD, MBG/NBD, Pareto/NBD) depends on a customer's history
only through ``x`` (number of repeat purchases), ``t_x`` (time of the last purchase, measured from
the first) and ``T`` (time from the first purchase to the end of observation); Gamma-Gamma adds the
mean spend of the repeat purchases.  Identical (x, t_x, T) rows contribute identically to a
likelihood, so :func:`compress` folds them into one row with a weight, and fits run on the small
compressed table however many customers there are.

The builders follow the conventions of lifetimes' ``summary_data_from_transaction_data``
(Davidson-Pilon 2019): times are floored to a period (day or week), purchases in the same period by
the same customer count as one, and the first purchase is not a repeat purchase.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from opencx.core.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
Period = Literal["D", "W"]

DEFAULT_CHUNK = 1_000_000
PERIOD_SECONDS = {"D": 86_400, "W": 7 * 86_400}


@dataclass(frozen=True, slots=True)
class RfmSummary:
    """Per-row BTYD statistics: one row per customer, or per distinct (x, t_x, T) with a weight.

    Attributes
    ----------
    x : repeat purchases (purchase periods after the first).
    t_x : time of the last purchase after the first, in periods (0 when ``x == 0``).
    T : time from the first purchase to the end of observation, in periods.
    monetary : mean value of the repeat purchases (0 when ``x == 0``), or None if unknown.
    weights : how many customers each row stands for (1.0 for raw customer rows).
    customer_ids : the customer of each row, when rows are customers.
    """

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    monetary: FloatArray | None = None
    weights: FloatArray | None = None
    customer_ids: npt.NDArray[Any] | None = None

    def __post_init__(self) -> None:
        for name in ("x", "t_x", "T", "monetary", "weights"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, np.ascontiguousarray(value, dtype=np.float64))
        _validate(self)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def w(self) -> FloatArray:
        """Row weights, ones when the rows are single customers."""
        return np.ones_like(self.x) if self.weights is None else self.weights

    @property
    def n_customers(self) -> float:
        """Number of customers the rows stand for (the sum of the weights)."""
        return float(self.w.sum())

    def rows(self, start: int, stop: int) -> RfmSummary:
        """Rows ``start:stop`` as a summary (views, no copy)."""

        def cut(a: npt.NDArray[Any] | None) -> npt.NDArray[Any] | None:
            return None if a is None else a[start:stop]

        return RfmSummary(
            self.x[start:stop],
            self.t_x[start:stop],
            self.T[start:stop],
            cut(self.monetary),
            cut(self.weights),
            cut(self.customer_ids),
        )

    def chunks(self, size: int = DEFAULT_CHUNK) -> Iterator[RfmSummary]:
        """Consecutive blocks of at most ``size`` rows, so predictions on 10M rows stay small."""
        for start in range(0, len(self), size):
            yield self.rows(start, start + size)


def _validate(s: RfmSummary) -> None:
    n = s.x.shape[0]
    for name in ("t_x", "T", "monetary", "weights"):
        value = getattr(s, name)
        if value is not None and value.shape != (n,):
            raise InvalidInput(f"RfmSummary.{name}: shape {value.shape}, expected ({n},) like x")
    checks: list[tuple[str, npt.NDArray[np.bool_]]] = [
        ("x must be a finite count >= 0", ~np.isfinite(s.x) | (s.x < 0) | (s.x != np.round(s.x))),
        ("t_x must be finite and >= 0", ~np.isfinite(s.t_x) | (s.t_x < 0)),
        ("T must be finite and >= t_x", ~np.isfinite(s.T) | (s.t_x > s.T)),
        ("t_x must be 0 when x is 0", (s.x == 0) & (s.t_x != 0)),
    ]
    if s.weights is not None:
        checks.append(
            ("weights must be finite and >= 0", ~np.isfinite(s.weights) | (s.weights < 0))
        )
    for rule, bad in checks:
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidInput(
                f"RfmSummary row {i}: x={s.x[i]}, t_x={s.t_x[i]}, T={s.T[i]}: {rule}"
            )


@dataclass(frozen=True, slots=True)
class Levels:
    """The distinct values of a column and each row's position among them.

    Gamma-family functions of ``x`` are the costly part of a likelihood pass; ``x`` has a few
    hundred distinct values among any number of rows, so they are evaluated once per value.
    """

    values: FloatArray
    index: npt.NDArray[np.intp]

    @classmethod
    def of(cls, column: FloatArray) -> Levels:
        values, index = np.unique(column, return_inverse=True)
        return cls(values, index)

    def map(self, fn: Callable[[FloatArray], Any]) -> FloatArray:
        """``fn(column)``, computed on the distinct values only."""
        return np.asarray(fn(self.values), dtype=np.float64)[self.index]


def compress(summary: RfmSummary) -> RfmSummary:
    """Fold identical (x, t_x, T) rows into one row whose weight is the sum of their weights.

    The likelihoods of BG/NBD, MBG/NBD and Pareto/NBD depend on a row only through (x, t_x, T),
    so a weighted fit on the compressed rows equals the fit on the original rows.  Monetary values
    and customer ids are dropped (they are not constant within a group).

    Examples
    --------
    >>> s = compress(RfmSummary(np.array([0, 0, 2]), np.array([0, 0, 5]), np.array([9, 9, 9])))
    >>> s.weights.tolist()
    [2.0, 1.0]
    """
    n = len(summary)
    if n == 0:
        return RfmSummary(summary.x, summary.t_x, summary.T, weights=summary.w)
    packed = _integer_key(summary)
    if packed is not None:  # whole periods: one counting pass, no sort of the rows
        key, (nt, nT) = packed
        counts: FloatArray = np.asarray(np.bincount(key, weights=summary.w), dtype=np.float64)
        used = np.flatnonzero(counts)
        x, rest = np.divmod(used, nt * nT)
        t_x, T = np.divmod(rest, nT)
        return RfmSummary(x.astype(float), t_x.astype(float), T.astype(float), weights=counts[used])
    order = np.lexsort((summary.T, summary.t_x, summary.x))
    x, t_x, T = summary.x[order], summary.t_x[order], summary.T[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (np.diff(x) != 0) | (np.diff(t_x) != 0) | (np.diff(T) != 0)
    starts = np.flatnonzero(new)
    summed: FloatArray = np.add.reduceat(summary.w[order], starts)
    return RfmSummary(x[starts], t_x[starts], T[starts], weights=summed)


def _integer_key(s: RfmSummary) -> tuple[npt.NDArray[np.int64], tuple[int, int]] | None:
    """One int64 per row for whole-number (x, t_x, T) with a small range, else None."""
    if not (np.array_equal(s.t_x, np.floor(s.t_x)) and np.array_equal(s.T, np.floor(s.T))):
        return None
    nt, nT = int(s.t_x.max()) + 1, int(s.T.max()) + 1
    if (int(s.x.max()) + 1) * nt * nT > 50_000_000:
        return None
    key = (s.x.astype(np.int64) * nt + s.t_x.astype(np.int64)) * nT + s.T.astype(np.int64)
    return key, (nt, nT)


def summary_from_transactions(
    customer_ids: npt.ArrayLike,
    times: npt.ArrayLike,
    values: npt.ArrayLike | None = None,
    *,
    observation_end: datetime | np.datetime64,
    period: Period = "D",
) -> RfmSummary:
    """Build per-customer (x, t_x, T, monetary) from raw transactions, in memory with NumPy.

    Parameters
    ----------
    customer_ids : one id per transaction (any hashable NumPy dtype).
    times : transaction times (``datetime64`` or tz-aware datetimes, taken as UTC).
    values : transaction values; purchases in the same period are summed.
    observation_end : last moment observed; later transactions are ignored.
    period : "D" (days) or "W" (weeks starting Monday, as pandas' ``W-SUN`` periods).

    Returns
    -------
    RfmSummary
        One row per customer, ordered by customer id, with ``customer_ids`` set.

    References
    ----------
    lifetimes ``utils.summary_data_from_transaction_data`` (same-period purchases collapsed, the
    first purchase excluded from ``monetary``).
    """
    ids = np.asarray(customer_ids)
    stamps = as_datetime64(times)
    keep = stamps <= as_datetime64([observation_end])[0]
    ids, stamps = ids[keep], stamps[keep]
    amount = np.zeros(ids.shape[0]) if values is None else np.asarray(values, float)[keep]
    cust, code = np.unique(ids, return_inverse=True)
    when = period_index(stamps, period)
    end = period_index(as_datetime64([observation_end]), period)[0]
    # one row per (customer, period), value summed
    order = np.lexsort((when, code))
    code, when, amount = code[order], when[order], amount[order]
    new = np.ones(code.shape[0], dtype=bool)
    new[1:] = (np.diff(code) != 0) | (np.diff(when) != 0)
    starts = np.flatnonzero(new)
    code, when, amount = code[starts], when[starts], np.add.reduceat(amount, starts)
    first_row = np.ones(code.shape[0], dtype=bool)
    first_row[1:] = np.diff(code) != 0
    periods = np.bincount(code, minlength=cust.shape[0]).astype(float)
    first = when[first_row]
    last = np.maximum.reduceat(when, np.flatnonzero(first_row))
    repeat_total = np.bincount(code, weights=np.where(first_row, 0.0, amount), minlength=len(cust))
    x = periods - 1
    monetary = np.divide(repeat_total, x, out=np.zeros_like(x), where=x > 0)
    return RfmSummary(
        x,
        (last - first).astype(float),
        (end - first).astype(float),
        monetary if values is not None else None,
        customer_ids=cust,
    )


def as_datetime64(times: Any) -> npt.NDArray[np.datetime64]:
    arr = np.asarray(times)
    if arr.dtype == object:
        arr = np.array([_naive_utc(t) for t in arr.ravel()], dtype="datetime64[us]")
    return arr.astype("datetime64[s]")


def _naive_utc(t: Any) -> Any:
    if isinstance(t, datetime) and t.tzinfo is not None:
        offset = t.utcoffset()
        return (t - offset if offset is not None else t).replace(tzinfo=None)
    return t


def period_index(stamps: npt.NDArray[np.datetime64], period: Period) -> npt.NDArray[np.int64]:
    if period not in PERIOD_SECONDS:
        raise InvalidInput(f"period {period!r}: expected 'D' or 'W'")
    seconds = stamps.astype("datetime64[s]").astype(np.int64)
    days = np.floor_divide(seconds, 86_400)
    # 1970-01-01 was a Thursday: shifting by 3 days makes weeks run Monday..Sunday (pandas W-SUN)
    return days if period == "D" else np.floor_divide(days + 3, 7)


def map_chunks(
    fn: Callable[[RfmSummary], FloatArray], summary: RfmSummary, chunk: int = DEFAULT_CHUNK
) -> FloatArray:
    """Apply a row-wise prediction to ``summary`` block by block and join the results."""
    if len(summary) <= chunk:
        return fn(summary)
    return np.concatenate([fn(part) for part in summary.chunks(chunk)])


def map_distinct(
    fn: Callable[[RfmSummary], FloatArray], summary: RfmSummary, chunk: int = DEFAULT_CHUNK
) -> FloatArray:
    """Apply a prediction that depends only on (x, t_x, T) once per distinct row and expand.

    With whole-period data a million customers have some ten thousand distinct rows, so
    scoring costs next to nothing; other data falls back to :func:`map_chunks`.
    """
    packed = _integer_key(summary) if len(summary) > 0 else None
    if packed is None:
        return map_chunks(fn, summary, chunk)
    key, (nt, nT) = packed
    used, inverse = np.unique(key, return_inverse=True)
    x, rest = np.divmod(used, nt * nT)
    t_x, T = np.divmod(rest, nT)
    rows = RfmSummary(x.astype(float), t_x.astype(float), T.astype(float))
    return map_chunks(fn, rows, chunk)[inverse.ravel()]


def with_weights(summary: RfmSummary, weights: npt.ArrayLike) -> RfmSummary:
    """The same rows with new weights."""
    return replace(summary, weights=np.asarray(weights, dtype=np.float64))
