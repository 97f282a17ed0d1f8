"""What a caller asks of a metric, as one typed value from the CLI, the API and the pages down to
the computation: :class:`MetricRequest`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from opencx.core.clock import ensure_utc
from opencx.core.errors import InvalidInput

FilterValues = str | Sequence[str]
"""One value a filter keeps, or several (kept when equal to any)."""


@dataclass(frozen=True, slots=True)
class MetricRequest:
    """Metric ``metric`` broken down ``by`` columns (a period name there sets ``period``), per
    ``period`` (day, week, month, quarter, year), over the UTC range [``start``, ``end``), on the
    rows that match ``filters`` (column → values), with metric ``params`` (``window_days`` for
    churn, ``margin`` for CLV) and a minimum sample size ``min_n`` (``None``: the metric's own).

    Sequences are kept as tuples and each filter's values as a tuple of strings, so two equal
    requests compare equal whatever the caller passed.

    >>> MetricRequest("nps", by=["country"], filters={"channel": "web"}).filters
    {'channel': ('web',)}
    """

    metric: str
    by: Sequence[str] = ()
    period: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    filters: Mapping[str, FilterValues] = field(default_factory=dict)
    params: Mapping[str, float] = field(default_factory=dict)
    min_n: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.by, str):
            raise InvalidInput(f"breakdown {self.by!r}: give a list of column names")
        object.__setattr__(self, "by", tuple(self.by))
        object.__setattr__(self, "filters", filter_values(self.filters))
        object.__setattr__(self, "params", dict(self.params))

    @classmethod
    def from_text(
        cls,
        metric: str,
        *,
        by: Sequence[str] = (),
        period: str | None = None,
        start: str | None = None,
        end: str | None = None,
        filters: Sequence[str] = (),
        min_n: int | None = None,
    ) -> MetricRequest:
        """A request from what a person types: ``by`` items may hold commas (``country,month``),
        ``start``/``end`` are ISO dates or times (UTC without a zone), filters ``column=value``."""
        return cls(
            metric,
            by=tuple(b.strip() for part in by for b in part.split(",") if b.strip()),
            period=period or None,
            start=parse_time(start, "start"),
            end=parse_time(end, "end"),
            filters=parse_filters(filters),
            min_n=min_n,
        )


def filter_values(filters: Mapping[str, FilterValues]) -> dict[str, tuple[str, ...]]:
    """Each filter's values as a tuple of strings."""
    return {name: _values(v) for name, v in filters.items()}


def _values(wanted: FilterValues) -> tuple[str, ...]:
    if isinstance(wanted, str):
        return (wanted,)
    return tuple(str(v) for v in wanted)


def parse_filters(items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["country=NL", "country=DK", "channel=web"]`` → {"country": ("NL", "DK"), ...}."""
    out: dict[str, tuple[str, ...]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"filter {item!r}: write column=value")
        out[name.strip()] = (*out.get(name.strip(), ()), value.strip())
    return out


def parse_time(value: str | None, label: str = "time") -> datetime | None:
    """ISO date or datetime; without a zone it is read as UTC."""
    if not value:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(f"{label} {value!r} is not an ISO date (YYYY-MM-DD)") from None
