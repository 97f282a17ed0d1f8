"""HTTP API of the customers slice: search, the 360 profile, the timeline, merges and privacy.

Scopes: ``customers:read`` to look people up, ``customers:write`` to merge and unmerge,
``customers:erase`` to export or erase a person's data (privacy requests). Every id resolves
merged customers to their survivor; the answer then carries a ``note``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from opencx.core import Money
from opencx.customers.deps import CustomerServiceDep
from opencx.customers.domain import KIND_RANK, Customer, Merge, TimelineEntry, TimelinePage
from opencx.customers.service import Found, SearchPage
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/customers", tags=["customers"])

Reader = Annotated[Principal, Depends(require_scope("customers:read"))]
Writer = Annotated[Principal, Depends(require_scope("customers:write"))]
Eraser = Annotated[Principal, Depends(require_scope("customers:erase"))]


class MoneyOut(BaseModel):
    amount: Decimal
    currency: str

    @classmethod
    def from_domain(cls, money: Money) -> MoneyOut:
        return cls(amount=money.amount, currency=money.currency)


class CustomerSummaryOut(BaseModel):
    id: str
    name: str | None
    email: str | None
    phone: str | None
    country: str | None
    language: str | None
    created_at: datetime
    erased: bool

    @classmethod
    def from_domain(cls, c: Customer) -> CustomerSummaryOut:
        return cls(
            id=c.id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            country=c.country,
            language=c.language,
            created_at=c.created_at,
            erased=c.erased_at is not None,
        )


class SearchOut(BaseModel):
    customers: list[CustomerSummaryOut]
    total: int = Field(description="every customer matching the query")
    first: int = Field(description="the position of this page's first customer, from 1")
    next_after: str | None = Field(description="pass as `after` for the next page")
    prev_before: str | None = Field(description="pass as `before` for the previous page")
    hint: str | None = Field(
        default=None, description="why nothing was found, when the query cannot find a name"
    )

    @classmethod
    def from_domain(cls, page: SearchPage) -> SearchOut:
        found = [CustomerSummaryOut.from_domain(c) for c in page.customers]
        return cls(
            customers=found,
            total=page.total,
            first=page.first,
            next_after=page.next_after,
            prev_before=page.prev_before,
            hint=page.hint,
        )


class IdentityOut(BaseModel):
    kind: str
    value: str
    source: str


class LatestScoreOut(BaseModel):
    score: int
    submitted_at: datetime
    response_id: str


class ModelScoreOut(BaseModel):
    kind: str
    value: float | None
    model: str
    model_run_id: str
    fitted_at: datetime


class ConsentOut(BaseModel):
    email: bool
    sms: bool
    surveys: bool


class CustomerOut(BaseModel):
    id: str
    requested_id: str
    note: str | None
    source: str
    external_id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str | None
    country: str | None
    created_at: datetime
    erased_at: datetime | None
    consent: ConsentOut
    attributes: dict[str, Any]
    identities: list[IdentityOut]
    merged_ids: list[str]
    orders: int
    first_purchase: datetime | None
    last_purchase: datetime | None
    revenue: list[MoneyOut]
    average_order_value: list[MoneyOut]
    channels: list[str]
    last_contact: datetime | None
    latest: dict[str, LatestScoreOut]
    open_cases: int
    scores: list[ModelScoreOut]

    @classmethod
    def from_domain(cls, found: Found) -> CustomerOut:
        p, c = found.profile, found.profile.customer
        note = f"customer {found.requested_id} was merged into {c.id}" if found.merged else None
        return cls(
            id=c.id,
            requested_id=found.requested_id,
            note=note,
            source=c.source,
            external_id=c.external_id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            language=c.language,
            country=c.country,
            created_at=c.created_at,
            erased_at=c.erased_at,
            consent=ConsentOut(email=c.consent_email, sms=c.consent_sms, surveys=c.consent_surveys),
            attributes=dict(c.attributes),
            identities=[
                IdentityOut(kind=i.kind, value=i.value, source=i.source) for i in p.identities
            ],
            merged_ids=list(p.merged_ids),
            orders=p.orders,
            first_purchase=p.first_purchase,
            last_purchase=p.last_purchase,
            revenue=[MoneyOut.from_domain(m) for m in p.revenue],
            average_order_value=[MoneyOut.from_domain(m) for m in p.average_order_value],
            channels=list(p.channels),
            last_contact=p.last_contact,
            latest={
                a.question_type: LatestScoreOut(
                    score=a.score, submitted_at=a.submitted_at, response_id=a.response_id
                )
                for a in p.latest
            },
            open_cases=p.open_cases,
            scores=[
                ModelScoreOut(
                    kind=s.kind,
                    value=s.value,
                    model=s.model,
                    model_run_id=s.model_run_id,
                    fitted_at=s.fitted_at,
                )
                for s in p.scores
            ],
        )


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str
    ref_id: str
    channel: str | None
    title: str
    detail: str | None
    amount: MoneyOut | None
    scores: dict[str, int]

    @classmethod
    def from_domain(cls, e: TimelineEntry) -> TimelineEntryOut:
        amount = MoneyOut.from_domain(e.amount) if e.amount else None
        return cls(
            at=e.at,
            kind=e.kind,
            ref_id=e.ref_id,
            channel=e.channel,
            title=e.title,
            detail=e.detail,
            amount=amount,
            scores=dict(e.scores),
        )


class TimelineOut(BaseModel):
    customer_id: str
    entries: list[TimelineEntryOut]
    next_cursor: str | None

    @classmethod
    def from_domain(cls, customer_id: str, page: TimelinePage) -> TimelineOut:
        entries = [TimelineEntryOut.from_domain(e) for e in page.entries]
        return cls(customer_id=customer_id, entries=entries, next_cursor=page.next_cursor)


class MergeIn(BaseModel):
    """Two customers to merge; the survivor is the one created first (oldest created_at)."""

    a: str
    b: str


class MergeOut(BaseModel):
    merge_id: str | None
    survivor_id: str
    merged_id: str
    rule: str | None = None
    at: datetime | None = None
    undone_at: datetime | None = None
    moved: dict[str, Any] | None = None

    @classmethod
    def from_domain(cls, m: Merge) -> MergeOut:
        return cls(
            merge_id=m.id,
            survivor_id=m.survivor_id,
            merged_id=m.merged_id,
            rule=m.rule,
            at=m.at,
            undone_at=m.undone_at,
            moved=dict(m.moved),
        )


class ErasedOut(BaseModel):
    customer_id: str
    erased_ids: list[str]
    already_erased: bool


@router.get("", summary="Search customers")
def search_customers(
    service: CustomerServiceDep,
    _: Reader,
    q: str = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 25,
    after: str | None = None,
    before: str | None = None,
) -> SearchOut:
    """Name or email substring (any case, with or without accents), phone digits as written,
    id, external id, email, phone or ``source:external_id``; ``after``/``before`` page on."""
    return SearchOut.from_domain(service.search(q, limit=limit, after=after, before=before))


@router.post("/merges", summary="Merge two customers", status_code=201)
def merge_customers(body: MergeIn, service: CustomerServiceDep, _: Writer) -> MergeOut:
    merge_id, survivor, merged = service.merge(body.a, body.b)
    if merge_id is None:
        return MergeOut(merge_id=None, survivor_id=survivor, merged_id=merged)
    return MergeOut.from_domain(service.merge_record(merge_id))


@router.post("/merges/{merge_id}/undo", summary="Undo a merge")
def undo_merge(merge_id: str, service: CustomerServiceDep, _: Writer) -> MergeOut:
    return MergeOut.from_domain(service.unmerge(merge_id))


@router.get("/{customer_id}", summary="The 360 profile")
def get_customer(customer_id: str, service: CustomerServiceDep, _: Reader) -> CustomerOut:
    return CustomerOut.from_domain(service.show(customer_id))


@router.get("/{customer_id}/timeline", summary="Every touchpoint, newest first")
def get_timeline(
    customer_id: str,
    service: CustomerServiceDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: str | None = None,
    kind: Annotated[
        list[str] | None,
        Query(description=f"only entries of these kinds (repeat it): {', '.join(KIND_RANK)}"),
    ] = None,
) -> TimelineOut:
    found = service.resolve(customer_id)
    page = service.timeline(found, limit=limit, before=before, kinds=kind)
    return TimelineOut.from_domain(found, page)


@router.get("/{customer_id}/export", summary="Everything held about a person (GDPR)")
def export_customer(customer_id: str, service: CustomerServiceDep, _: Eraser) -> dict[str, Any]:
    return service.export(customer_id)


@router.post("/{customer_id}/erase", summary="Erase a person's personal data (GDPR)")
def erase_customer(customer_id: str, service: CustomerServiceDep, _: Eraser) -> ErasedOut:
    erased = service.erase(customer_id)
    survivor = service.resolve(customer_id)
    return ErasedOut(customer_id=survivor, erased_ids=list(erased), already_erased=not erased)
