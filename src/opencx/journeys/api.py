"""REST: ``GET /api/journeys/paths`` and ``GET /api/journeys/friction`` (docs/journeys.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from opencx.journeys.deps import JourneysServiceDep
from opencx.journeys.domain import JourneyQuery
from opencx.journeys.domain.outcomes import MAX_STEPS
from opencx.journeys.service import (
    Ask,
    FrictionReport,
    PathReport,
    friction_records,
    path_records,
    until_of,
)
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/journeys", tags=["journeys"])
Reader = Annotated[Principal, Depends(require_scope("journeys:read"))]


class QueryOut(BaseModel):
    outcome: str
    start: datetime
    end: datetime
    level: str
    steps: int
    within_days: int

    @classmethod
    def from_domain(cls, q: JourneyQuery) -> QueryOut:
        return cls(
            outcome=q.outcome,
            start=q.start,
            end=q.end,
            level=q.level,
            steps=q.steps,
            within_days=q.within_days,
        )


class PathOut(BaseModel):
    path: str
    steps: int
    customers: int
    share: float
    outcomes: int
    outcome_share: float
    outcome_rate: float
    rate_lower: float
    rate_upper: float


class PathsOut(BaseModel):
    query: QueryOut
    customers: int
    outcomes: int
    distinct_paths: int
    latest: datetime | None
    censored: bool
    rows: list[PathOut]

    @classmethod
    def from_domain(cls, r: PathReport) -> PathsOut:
        return cls(
            query=QueryOut.from_domain(r.query),
            customers=r.table.customers,
            outcomes=r.table.outcomes,
            distinct_paths=r.table.distinct,
            latest=r.latest,
            censored=r.censored,
            rows=[PathOut.model_validate(x) for x in path_records(r)],
        )


class FrictionOut(BaseModel):
    touchpoint: str
    exposed: int
    outcomes: int
    rate: float
    rest: int
    rest_outcomes: int
    rest_rate: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    adjusted_lower: float | None
    adjusted_upper: float | None
    lift: float | None
    real: bool


class FrictionsOut(BaseModel):
    query: QueryOut
    customers: int
    outcomes: int
    baseline: float | None
    adjustment: str
    comparisons: int
    adjusted_confidence: float
    latest: datetime | None
    censored: bool
    rows: list[FrictionOut]

    @classmethod
    def from_domain(cls, r: FrictionReport) -> FrictionsOut:
        return cls(
            query=QueryOut.from_domain(r.query),
            customers=r.table.customers,
            outcomes=r.table.hits,
            baseline=r.table.baseline,
            adjustment=r.table.adjustment,
            comparisons=r.table.comparisons,
            adjusted_confidence=r.table.confidence,
            latest=r.latest,
            censored=r.censored,
            rows=[FrictionOut.model_validate(x) for x in friction_records(r)],
        )


Days = Annotated[int, Query(description="period length: 30, 90, 180 or 365 days")]
Until = Annotated[date | None, Query(description="end of the period (exclusive), a date")]
Level = Annotated[str, Query(description="touchpoint, channel or channel_touchpoint")]
Within = Annotated[int, Query(ge=1, le=366, description="window in days")]


@router.get("/paths")
def get_paths(
    service: JourneysServiceDep,
    principal: Reader,
    outcome: str = "purchase",
    days: Days = 90,
    until: Until = None,
    level: Level = "touchpoint",
    steps: Annotated[int, Query(ge=1, le=MAX_STEPS)] = 4,
    within: Within = 30,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> PathsOut:
    """The most common paths to ``outcome`` (purchase, low_score, case, no_return)."""
    ask = Ask(outcome, days, until_of(until), level, steps, within)
    return PathsOut.from_domain(service.paths(ask, limit=limit))


@router.get("/friction")
def get_friction(
    service: JourneysServiceDep,
    principal: Reader,
    outcome: str = "case",
    days: Days = 90,
    until: Until = None,
    level: Level = "channel_touchpoint",
    within: Within = 30,
    min_exposed: Annotated[int, Query(ge=1)] = 30,
) -> FrictionsOut:
    """Touchpoints against the rest for a bad ``outcome`` (low_score, case, no_purchase,
    no_return), ranked by the lower end of Newcombe's interval on the difference. ``real``: the
    Bonferroni-adjusted interval (confidence ``adjusted_confidence`` = 1 − 0.05/``comparisons``)
    is above 0; ``difference_lower``/``difference_upper`` are the plain 95% interval."""
    ask = Ask(outcome, days, until_of(until), level, 4, within)
    return FrictionsOut.from_domain(service.friction(ask, min_exposed=min_exposed))
