"""REST: ``GET /api/journeys/paths`` and ``GET /api/journeys/friction``; experiments under
``/api/journeys/experiments`` (docs/journeys.md). Scopes: ``journeys:read`` to read,
``journeys:write`` to define, start and stop an experiment, ``journeys:assign`` for the app or
site that asks which variant to show a customer (recording the exposure)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from opencx.journeys.deps import JourneysServiceDep
from opencx.journeys.domain import Experiment, JourneyQuery
from opencx.journeys.domain.outcomes import MAX_STEPS
from opencx.journeys.service import (
    Ask,
    FrictionReport,
    PathReport,
    friction_records,
    path_records,
    until_of,
)
from opencx.journeys.service.experiments import (
    Assignment,
    ExperimentReport,
    experiment_record,
    result_records,
)
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/journeys", tags=["journeys"])
Reader = Annotated[Principal, Depends(require_scope("journeys:read"))]
Writer = Annotated[Principal, Depends(require_scope("journeys:write"))]
Assigner = Annotated[Principal, Depends(require_scope("journeys:assign"))]


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


# --- experiments -------------------------------------------------------------------------------


class VariantIn(BaseModel):
    key: str = Field(max_length=60)
    name: str | None = Field(default=None, max_length=200)
    weight: float = 1.0


class ExperimentIn(BaseModel):
    """A definition: ``variants[0]`` is the control; ``goal`` one of conversion, revenue (with
    ``currency``), low_score, case; ``window_days`` 7, 14, 30, 60 or 90."""

    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    hypothesis: str = Field(max_length=2000)
    variants: list[VariantIn] = Field(min_length=2, max_length=4)
    goal: str = Field(max_length=20)
    window_days: int
    start: date
    stop: date
    currency: str | None = Field(default=None, max_length=3)


class ExperimentOut(BaseModel):
    key: str
    name: str
    hypothesis: str
    variants: list[dict[str, Any]]
    goal: str
    window_days: int
    start: date
    stop: date
    currency: str | None
    status: str
    created_at: datetime
    started_at: datetime | None
    stopped_at: datetime | None

    @classmethod
    def from_domain(cls, e: Experiment) -> ExperimentOut:
        return cls.model_validate(experiment_record(e))


class AssignIn(BaseModel):
    customer_id: str = Field(min_length=1, max_length=26)


class AssignmentOut(BaseModel):
    experiment: str
    customer_id: str
    person: str
    variant: str
    new: bool

    @classmethod
    def from_domain(cls, a: Assignment) -> AssignmentOut:
        return cls(
            experiment=a.experiment,
            customer_id=a.customer_id,
            person=a.person,
            variant=a.variant,
            new=a.new,
        )


class ResultOut(BaseModel):
    variant: str
    name: str
    share: float
    exposed: int
    total: float
    value: float | None
    lower: float | None
    upper: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    adjusted_lower: float | None
    adjusted_upper: float | None
    relative: float | None
    p_value: float | None
    adjusted_p: float | None
    significant: bool


class AnalysisOut(BaseModel):
    experiment: ExperimentOut
    goal_kind: str
    lower_is_better: bool
    exposed: int
    comparisons: int
    adjustment: str
    adjusted_confidence: float
    srm_chi2: float | None
    srm_p: float | None
    srm_mismatch: bool
    open_windows: int
    rows: list[ResultOut]

    @classmethod
    def from_domain(cls, r: ExperimentReport) -> AnalysisOut:
        a, srm = r.analysis, r.analysis.srm
        return cls(
            experiment=ExperimentOut.from_domain(r.experiment),
            goal_kind=a.kind,
            lower_is_better=a.bad,
            exposed=a.exposed,
            comparisons=a.comparisons,
            adjustment=a.adjustment,
            adjusted_confidence=a.confidence,
            srm_chi2=srm.chi2 if srm else None,
            srm_p=srm.p_value if srm else None,
            srm_mismatch=bool(srm and srm.mismatch),
            open_windows=r.open_windows,
            rows=[ResultOut.model_validate(x) for x in result_records(r)],
        )


Key = Annotated[str, Path(max_length=60)]


@router.get("/experiments")
def list_experiments(service: JourneysServiceDep, principal: Reader) -> list[ExperimentOut]:
    """Every experiment, newest first."""
    return [ExperimentOut.from_domain(e) for e in service.experiments.list()]


@router.post("/experiments", status_code=201)
def create_experiment(
    body: ExperimentIn, service: JourneysServiceDep, principal: Writer
) -> ExperimentOut:
    """Define an experiment (a draft)."""
    return ExperimentOut.from_domain(service.experiments.create(body.model_dump()))


@router.get("/experiments/{key}")
def get_experiment(key: Key, service: JourneysServiceDep, principal: Reader) -> ExperimentOut:
    return ExperimentOut.from_domain(service.experiments.get(key))


@router.post("/experiments/{key}/start")
def start_experiment(key: Key, service: JourneysServiceDep, principal: Writer) -> ExperimentOut:
    """A draft starts running: customers are assigned and exposures recorded from now."""
    return ExperimentOut.from_domain(service.experiments.start(key))


@router.post("/experiments/{key}/stop")
def stop_experiment(key: Key, service: JourneysServiceDep, principal: Writer) -> ExperimentOut:
    """A running experiment stops: no exposure is recorded after."""
    return ExperimentOut.from_domain(service.experiments.stop(key))


@router.post("/experiments/{key}/assignments")
def assign_customer(
    key: Key, body: AssignIn, service: JourneysServiceDep, principal: Assigner
) -> AssignmentOut:
    """The variant to show the customer (the same every time, by a hash of the experiment's key
    and the customer's id); the first call records the exposure (``new``)."""
    return AssignmentOut.from_domain(service.experiments.assign(key, body.customer_id))


@router.get("/experiments/{key}/analysis")
def analyse_experiment(key: Key, service: JourneysServiceDep, principal: Reader) -> AnalysisOut:
    """Each variant's goal with its 95% interval, the difference against the control with its
    plain and adjusted intervals and p-values (Holm past one treatment), and the sample-ratio
    check (``srm_mismatch``: p < 0.001, the results are not to be trusted)."""
    return AnalysisOut.from_domain(service.experiments.analyse(key))
