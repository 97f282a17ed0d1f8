"""HTTP API of the loyalty slice: members, the ledger, the catalog, the program, reports.

Scopes: ``loyalty:read`` to look at members and reports, ``loyalty:write`` to earn, redeem,
spend, transfer, donate and record events, ``loyalty:admin`` for the program, the catalog,
partners and adjustments. Every write needs an ``Idempotency-Key`` header: the same key from
the same caller returns the first result (``duplicate: true``) and writes nothing; the same
key with a different request is 409.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, BaseModel, Field

from opencx.core.money import MONEY_INTEGER_DIGITS, MONEY_SCALE, round_money
from opencx.loyalty.deps import LoyaltyServiceDep as Service
from opencx.loyalty.domain import Cause, Partner, Reward, program_document, program_faults
from opencx.loyalty.service import MemberView, Overview, Posted
from opencx.web import Principal, require_scope
from opencx.web.exact_json import ExactJsonRoute
from opencx.web.idempotency import KeyHeader, scoped_key

router = APIRouter(prefix="/api/loyalty", tags=["loyalty"], route_class=ExactJsonRoute)

Reader = Annotated[Principal, Depends(require_scope("loyalty:read"))]
Writer = Annotated[Principal, Depends(require_scope("loyalty:write"))]
Admin = Annotated[Principal, Depends(require_scope("loyalty:admin"))]


Rate = Annotated[
    Decimal,
    Field(gt=0, max_digits=MONEY_INTEGER_DIGITS + MONEY_SCALE, decimal_places=MONEY_SCALE),
]
"""Money per point: above zero, at most 14 digits before the point and 4 after it (what both
stores keep of an amount); anything else is a 422 naming the field, never a store's error."""
Amount = Annotated[Decimal, AfterValidator(round_money)]
"""An amount of either sign (an event's value) read as ``POST /api/events`` reads one, by the
house rule (``opencx.core.money.round_money``, what ``MONEY`` stores): more than 4 decimals are
rounded half away from zero, and 10^14 or more, also once rounded, is a 422 naming the field."""


def idempotency_key(principal: Principal, key: str | None) -> str:
    """The ledger key of a request: the shared header's rules (``opencx.web.idempotency``),
    scoped to the caller, so two callers never collide."""
    return scoped_key(principal, key)


class PostedOut(BaseModel):
    entry_id: str
    member_id: str
    kind: str
    points: int
    at: datetime
    duplicate: bool
    balance: int

    @classmethod
    def from_domain(cls, p: Posted) -> PostedOut:
        return cls(
            entry_id=p.entry_id,
            member_id=p.member_id,
            kind=p.kind,
            points=p.points,
            at=p.at,
            duplicate=p.duplicate,
            balance=p.balance,
        )


class EntryOut(BaseModel):
    id: str
    kind: str
    points: int
    at: datetime
    reason: str
    ref: str | None


class MemberOut(BaseModel):
    member_id: str
    customer_id: str
    enrolled_at: datetime
    status: str
    balance: int
    spendable: int
    pending: int
    debt: int
    tier: str | None
    plan: str | None
    plan_ends_at: datetime | None
    badges: list[str]
    entries: list[EntryOut]

    @classmethod
    def from_domain(cls, v: MemberView) -> MemberOut:
        return cls(
            member_id=v.member_id,
            customer_id=v.customer_id,
            enrolled_at=v.enrolled_at,
            status=v.status,
            balance=v.balance,
            spendable=v.spendable,
            pending=v.pending,
            debt=v.debt,
            tier=v.tier,
            plan=v.plan,
            plan_ends_at=v.plan_ends_at,
            badges=list(v.badges),
            entries=[
                EntryOut(
                    id=e.id, kind=e.kind, points=e.points, at=e.at, reason=e.reason or "", ref=e.ref
                )
                for e in v.entries
            ],
        )


class RefusedOrderOut(BaseModel):
    """An order the ledger took no points for (past the points bound), and the sentence."""

    order_id: str
    member_id: str
    reason: str
    at: datetime


class OverviewOut(BaseModel):
    program: str
    members: int
    active_members: int
    active_share: float
    liability_points: int
    liability_value: Decimal
    currency: str
    debt_points: int
    earned: int
    redeemed: int
    expired: int
    redemption_rate: float
    breakage: float
    tiers: dict[str, int]
    plans: dict[str, int]
    refused_orders: int
    refused: list[RefusedOrderOut]  # the latest 20
    program_out_of_range: list[str]  # a stored program's values past a bound, named

    @classmethod
    def from_domain(cls, o: Overview) -> OverviewOut:
        return cls(
            program=o.program,
            members=o.members,
            active_members=o.active_members,
            active_share=o.active_share,
            liability_points=o.liability_points,
            liability_value=o.liability_value,
            currency=o.currency,
            debt_points=o.debt_points,
            earned=o.earned,
            redeemed=o.redeemed,
            expired=o.expired,
            redemption_rate=o.redemption_rate,
            breakage=o.breakage,
            tiers=o.tiers,
            plans=o.plans,
            refused_orders=o.refused_orders,
            refused=[
                RefusedOrderOut(
                    order_id=r.order_id, member_id=r.member_id, reason=r.reason, at=r.at
                )
                for r in o.refused
            ],
            program_out_of_range=list(o.program_out_of_range),
        )


class EnrollIn(BaseModel):
    customer_id: str


class PointsIn(BaseModel):
    points: int = Field(gt=0)
    reason: str = Field("", max_length=400)


class AdjustIn(BaseModel):
    points: int
    reason: str = Field(min_length=1, max_length=400)


class RedeemIn(BaseModel):
    reward_id: str


class TransferIn(BaseModel):
    to_member_id: str
    points: int = Field(gt=0)


class DonateIn(BaseModel):
    cause_id: str
    points: int = Field(gt=0)


class EventIn(BaseModel):
    kind: str = Field(min_length=1, max_length=40)
    value: Amount = Decimal(1)
    at: datetime | None = None


class PartnerIn(BaseModel):
    member_id: str
    points: int = Field(gt=0)


class PlanIn(BaseModel):
    plan: str


class RewardIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    points: int = Field(gt=0)
    stock: int | None = Field(None, ge=0)
    active: bool = True
    description: str = ""


class RewardOut(RewardIn):
    id: str
    redeemed: int


class CauseIn(BaseModel):
    name: str
    money_per_point: Rate
    currency: str = "EUR"


class PartnerDefIn(BaseModel):
    name: str
    cost_per_point: Rate
    value_per_point: Rate
    currency: str = "EUR"


@router.get("/program")
def get_program(service: Service, _: Reader) -> dict[str, Any]:
    """The program's document; with ``out_of_range`` (each value past a bound, named) when the
    stored program holds one (stored before the bound: read as it is, see
    :func:`~opencx.loyalty.domain.program_faults`). A PUT of it is refused until they are
    brought within the bounds; ``out_of_range`` itself is only shown, and a PUT ignores it."""
    program = service.program()
    faults = program_faults(program)
    return program_document(program) | ({"out_of_range": list(faults)} if faults else {})


@router.put("/program")
def put_program(body: dict[str, Any], service: Service, _: Admin) -> dict[str, Any]:
    return program_document(service.configure(body))


@router.get("/overview")
def get_overview(service: Service, _: Reader) -> OverviewOut:
    return OverviewOut.from_domain(service.overview())


@router.post("/members", status_code=201)
def enroll(body: EnrollIn, service: Service, _: Writer) -> dict[str, str]:
    return {"member_id": service.enroll(body.customer_id)}


@router.get("/members/{member_id}")
def member(
    member_id: str, service: Service, _: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> MemberOut:
    return MemberOut.from_domain(service.member_view(member_id, limit))


@router.post("/members/{member_id}/earn", status_code=201)
def earn(
    member_id: str, body: PointsIn, service: Service, p: Admin, key: KeyHeader = None
) -> PostedOut:
    return PostedOut.from_domain(
        service.earn(member_id, body.points, idempotency_key(p, key), body.reason)
    )


@router.post("/members/{member_id}/spend", status_code=201)
def spend(
    member_id: str, body: PointsIn, service: Service, p: Writer, key: KeyHeader = None
) -> PostedOut:
    return PostedOut.from_domain(
        service.spend(member_id, body.points, idempotency_key(p, key), body.reason)
    )


@router.post("/members/{member_id}/redeem", status_code=201)
def redeem(
    member_id: str, body: RedeemIn, service: Service, p: Writer, key: KeyHeader = None
) -> PostedOut:
    return PostedOut.from_domain(service.redeem(member_id, body.reward_id, idempotency_key(p, key)))


@router.post("/members/{member_id}/transfer", status_code=201)
def transfer(
    member_id: str, body: TransferIn, service: Service, p: Writer, key: KeyHeader = None
) -> list[PostedOut]:
    posted = service.transfer(member_id, body.to_member_id, body.points, idempotency_key(p, key))
    return [PostedOut.from_domain(x) for x in posted]


@router.post("/members/{member_id}/adjust", status_code=201)
def adjust(
    member_id: str, body: AdjustIn, service: Service, p: Admin, key: KeyHeader = None
) -> PostedOut:
    return PostedOut.from_domain(
        service.adjust(member_id, body.points, body.reason, idempotency_key(p, key), p.name)
    )


@router.post("/members/{member_id}/donate", status_code=201)
def donate(
    member_id: str, body: DonateIn, service: Service, p: Writer, key: KeyHeader = None
) -> PostedOut:
    return PostedOut.from_domain(
        service.donate(member_id, body.cause_id, body.points, idempotency_key(p, key))
    )


@router.post("/members/{member_id}/events", status_code=201)
def record_event(
    member_id: str, body: EventIn, service: Service, p: Writer, key: KeyHeader = None
) -> list[PostedOut]:
    posted = service.record_event(
        member_id, body.kind, idempotency_key(p, key), body.at, body.value
    )
    return [PostedOut.from_domain(x) for x in posted]


@router.post("/members/{member_id}/plan", status_code=201)
def join_plan(
    member_id: str, body: PlanIn, service: Service, p: Writer, key: KeyHeader = None
) -> dict[str, Any]:
    term = service.join_plan(member_id, body.plan, idempotency_key(p, key))
    return {"plan": term.plan, "starts_at": term.starts_at, "ends_at": term.ends_at}


@router.post("/partners/{partner_id}/award", status_code=201)
def partner_award(
    partner_id: str, body: PartnerIn, service: Service, p: Writer, key: KeyHeader = None
) -> PostedOut:
    k = idempotency_key(p, key)
    return PostedOut.from_domain(
        service.partner_points(partner_id, body.member_id, body.points, k, award=True)
    )


@router.post("/partners/{partner_id}/accept", status_code=201)
def partner_accept(
    partner_id: str, body: PartnerIn, service: Service, p: Writer, key: KeyHeader = None
) -> PostedOut:
    k = idempotency_key(p, key)
    return PostedOut.from_domain(
        service.partner_points(partner_id, body.member_id, body.points, k, award=False)
    )


@router.get("/rewards")
def rewards(service: Service, _: Reader) -> list[RewardOut]:
    return [
        RewardOut(
            id=r.id,
            name=r.name,
            points=r.points,
            stock=r.stock,
            active=r.active,
            description=r.description,
            redeemed=n,
        )
        for r, n in service.rewards()
    ]


@router.put("/rewards/{reward_id}")
def put_reward(reward_id: str, body: RewardIn, service: Service, _: Admin) -> RewardIn:
    service.put_reward(
        Reward(reward_id, body.name, body.points, body.stock, body.active, body.description)
    )
    return body


@router.put("/causes/{cause_id}")
def put_cause(cause_id: str, body: CauseIn, service: Service, _: Admin) -> CauseIn:
    service.put_cause(Cause(cause_id, body.name, body.money_per_point, body.currency))
    return body


@router.put("/partners/{partner_id}")
def put_partner(partner_id: str, body: PartnerDefIn, service: Service, _: Admin) -> PartnerDefIn:
    service.put_partner(
        Partner(partner_id, body.name, body.cost_per_point, body.value_per_point, body.currency)
    )
    return body


@router.get("/effectiveness")
def get_effectiveness(
    service: Service,
    _: Reader,
    days: Annotated[int, Query(ge=30, le=730)] = 180,
    margin: Annotated[float, Query(gt=0, le=1)] = 0.3,
) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(service.effectiveness(days, margin))
