"""Loyalty use cases. Functions take a connection and plain values; :class:`LoyaltyService`
wraps each in one transaction for the edges, the event bus and the jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from opencx.core import Clock, OpenCXError, new_id
from opencx.loyalty.domain import (
    LINK_DAYS,
    Cause,
    Challenge,
    Partner,
    Program,
    Reward,
    check_program_points,
    check_reward,
    issue_link,
    parse_program,
    verify_link,
)
from opencx.loyalty.domain import program_document as document_of
from opencx.loyalty.service import earning, ledger, reports, status
from opencx.loyalty.service.earning import Earned, earn_orders, record_event, reinstate_orders
from opencx.loyalty.service.ledger import Posted
from opencx.loyalty.service.reports import MemberView, Overview
from opencx.loyalty.store import catalog, posting
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store import reports as rstore

T = TypeVar("T")

__all__ = [
    "Earned",
    "LoyaltyService",
    "MemberView",
    "Overview",
    "Posted",
    "earning",
    "ledger",
    "reports",
]


class LoyaltyService:
    """The loyalty slice's use cases, one transaction each."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def _tx(self, fn: Callable[[Connection], T], *, single: bool = False) -> T:
        """Run ``fn`` in a transaction; a lost race on an idempotency key runs it once more
        (the second run finds the key and returns the first result). ``single``: ``fn`` is
        one ledger write and nothing else (:func:`posting.single_write`: two round trips)."""
        once = self._single if single else self._once
        try:
            return once(fn)
        except IntegrityError as exc:
            if "idempotency_key" not in str(exc.orig):
                raise
        return once(fn)

    def _single(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn, posting.single_write(conn):
            return fn(conn)

    def _once(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            try:
                return fn(conn)
            except OpenCXError:  # refused (no points, no such member ...): nothing to keep
                posting.abandon(conn)
                raise

    # --- program and catalog -------------------------------------------------------------

    def program(self) -> Program:
        with self.engine.connect() as conn:
            return ledger.program(conn)

    def configure(self, document: dict[str, Any]) -> Program:
        program = check_program_points(parse_program(document))
        with self.engine.begin() as conn:
            store.save_program(conn, document_of(program), self.clock.now())
        return program

    def put_reward(self, reward: Reward) -> Reward:
        check_reward(reward)
        with self.engine.begin() as conn:
            catalog.put_reward(conn, reward, self.clock.now())
        return reward

    def rewards(self) -> list[tuple[Reward, int]]:
        with self.engine.connect() as conn:
            return catalog.all_rewards(conn)

    def causes(self) -> list[Cause]:
        with self.engine.connect() as conn:
            return catalog.all_causes(conn)

    def put_cause(self, cause: Cause) -> Cause:
        with self.engine.begin() as conn:
            catalog.put_cause(conn, cause)
        return cause

    def put_partner(self, partner: Partner) -> Partner:
        with self.engine.begin() as conn:
            catalog.put_partner(conn, partner)
        return partner

    def add_challenge(self, challenge: Challenge) -> Challenge:
        with self.engine.begin() as conn:
            return status.add_challenge(conn, challenge)

    # --- members and the ledger ----------------------------------------------------------

    def enroll(self, customer_id: str, source: str = "api") -> str:
        return self._tx(lambda c: ledger.enroll(c, customer_id, self.clock.now(), source))

    def can_enroll(self, customer_id: str) -> bool:
        """Whether ``customer_id`` may become a member: it exists, is neither merged into
        another customer nor erased, and is no member yet."""
        with self.engine.connect() as conn:
            return ledger.enrollable(conn, customer_id)

    def recent_members(self, limit: int = 20) -> list[Any]:
        with self.engine.connect() as conn:
            return rstore.recent_members(conn, limit)

    def member_of(self, customer_id: str) -> str | None:
        with self.engine.connect() as conn:
            return reports.member_id_of(conn, customer_id)

    def earn(self, member_id: str, points: int, key: str, reason: str = "") -> Posted:
        fp = ledger.request_hash(op="earn", member=member_id, points=points)
        return self._tx(
            lambda c: ledger.earn(
                c, member_id, points, key, self.clock.now(), reason=reason, fingerprint=fp
            ),
            single=True,
        )

    def spend(self, member_id: str, points: int, key: str, reason: str = "") -> Posted:
        return self._tx(
            lambda c: ledger.spend(c, member_id, points, key, self.clock.now(), reason),
            single=True,
        )

    def redeem(self, member_id: str, reward_id: str, key: str) -> Posted:
        return self._tx(
            lambda c: ledger.redeem(c, member_id, reward_id, key, self.clock.now()), single=True
        )

    def transfer(self, from_id: str, to_id: str, points: int, key: str) -> tuple[Posted, Posted]:
        return self._tx(lambda c: ledger.transfer(c, from_id, to_id, points, key, self.clock.now()))

    def adjust(self, member_id: str, points: int, reason: str, key: str, by: str) -> Posted:
        now = self.clock.now()
        return self._tx(
            lambda c: ledger.adjust(c, member_id, points, reason, key, now, by), single=True
        )

    def donate(self, member_id: str, cause_id: str, points: int, key: str) -> Posted:
        return self._tx(
            lambda c: ledger.donate(c, member_id, cause_id, points, key, self.clock.now())
        )

    def partner_points(
        self, partner_id: str, member_id: str, points: int, key: str, *, award: bool
    ) -> Posted:
        now = self.clock.now()
        return self._tx(
            lambda c: ledger.partner_points(c, partner_id, member_id, points, key, now, award=award)
        )

    def record_event(
        self,
        member_id: str,
        kind: str,
        key: str,
        at: datetime | None = None,
        value: Decimal = Decimal(1),
    ) -> list[Posted]:
        when = at or self.clock.now()
        return self._tx(lambda c: record_event(c, member_id, kind, key, when, value))

    def join_plan(self, member_id: str, plan: str, key: str) -> Any:
        return self._tx(lambda c: status.join_plan(c, member_id, plan, key, self.clock.now()))

    def earn_orders(self, order_ids: list[str]) -> Earned:
        return self._tx(lambda c: earn_orders(c, order_ids, self.clock.now()))

    def backfill(self, since: datetime | None = None) -> Earned:
        """Earn for every past order of current members (the explicit 'living' of history);
        an order the ledger refuses (past the points bound) is refused alone, and named."""
        from opencx.loyalty.store import orders

        with self.engine.begin() as conn:
            customers = [c for _m, c, _e in rstore.active_members(conn)]
            ids = orders.orders_of_customers(conn, customers, since) if customers else []
            return earn_orders(conn, ids, self.clock.now())

    # --- jobs ----------------------------------------------------------------------------

    def run_expiry(self) -> dict[str, int]:
        """The expiry job: one transaction per member, so a long run never holds many locks."""
        now = self.clock.now()
        with self.engine.connect() as conn:
            member_ids = store.expiring_members(conn, now)
        points = 0
        for member_id in member_ids:
            with self.engine.begin() as conn:
                points += ledger.expire_member(conn, member_id, now)
        return {"members": len(member_ids), "points": points}

    def evaluate_tiers(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            return status.evaluate_tiers(conn, self.clock.now())

    def create_draw(
        self, name: str, prize: str, winners: int, points_per_ticket: int
    ) -> tuple[str, str]:
        with self.engine.begin() as conn:
            return status.create_draw(
                conn, name, prize, winners, points_per_ticket, self.clock.now()
            )

    def run_draw(self, draw_id: str, seed: str) -> dict[str, Any]:
        with self.engine.begin() as conn:
            return status.run_draw(conn, draw_id, seed, self.clock.now())

    def verify_draw(self, draw_id: str) -> bool:
        """Whether the stored result of a draw that ran is what its revealed seed gives."""
        with self.engine.connect() as conn:
            return status.verify_stored_draw(conn, draw_id)

    # --- reading -------------------------------------------------------------------------

    def overview(self) -> Overview:
        with self.engine.connect() as conn:
            return reports.overview(conn, self.clock.now())

    def member_view(self, member_id: str, limit: int = 50) -> MemberView:
        with self.engine.connect() as conn:
            return reports.member_view(conn, member_id, self.clock.now(), limit)

    def member_view_of_customer(self, customer_id: str) -> MemberView | None:
        """The 360 profile's loyalty panel (None: not a member)."""
        with self.engine.connect() as conn:
            member_id = reports.member_id_of(conn, customer_id)
            if member_id is None:
                return None
            return reports.member_view(conn, member_id, self.clock.now(), 20)

    def member_link(self, member_id: str, secret: str) -> str:
        """A signed token for the member-facing page (valid :data:`LINK_DAYS` days)."""
        self.member_view(member_id, 1)  # the member must exist
        return issue_link(secret, member_id, self.clock.now() + timedelta(days=LINK_DAYS))

    def view_by_link(self, token: str, secret: str) -> MemberView:
        return self.member_view(verify_link(secret, token, self.clock.now()), 100)

    def audit(self, member_id: str) -> tuple[int, int, bool]:
        with self.engine.connect() as conn:
            return reports.audit(conn, member_id)

    def cause_statements(self) -> list[Any]:
        with self.engine.connect() as conn:
            return reports.cause_statements(conn)

    def partner_statements(self) -> list[Any]:
        with self.engine.connect() as conn:
            return reports.partner_statements(conn)

    def effectiveness(self, days: int = 180, margin: float = 0.3) -> Any:
        with self.engine.connect() as conn:
            return reports.program_effectiveness(conn, self.clock.now(), days=days, margin=margin)

    # --- events (run inside the publisher's transaction) ---------------------------------

    def on_orders_imported(self, event: Any, conn: Connection) -> None:
        """Live orders earn; a history import does not (use ``backfill`` to ask for it). An
        order the ledger refuses is refused alone and kept with its sentence (the overview
        shows it); the import and its other orders go on."""
        if event.live:
            earn_orders(conn, event.order_ids, self.clock.now())

    def on_returns_moved(self, event: Any, conn: Connection) -> None:
        """Orders a re-import's returns left give back what those returns took (live only)."""
        if event.live:
            reinstate_orders(conn, event.order_ids, self.clock.now())

    def on_compensation_granted(self, event: Any, conn: Connection) -> None:
        """An incident's compensation (helpdesk) credits its points to the customer's active
        membership, once per incident and customer (the event's key is the idempotency key);
        a customer who is no member, or whose membership is not active, gets none."""
        if event.points <= 0:
            return
        member = store.member_by_customer(conn, [event.customer_id]).get(event.customer_id)
        if member is None or member.status != "active":
            return
        ledger.earn(
            conn,
            str(member.id),
            event.points,
            event.key,
            self.clock.now(),
            reason=f"compensation for incident {event.incident_id}",
            ref=event.incident_id,
        )

    def on_customers_merged(self, event: Any, conn: Connection) -> None:
        key = ",".join(event.merge_ids) or new_id()
        status.merge_members(conn, event.pairs, key, self.clock.now())

    def on_merge_undone(self, event: Any, conn: Connection) -> None:
        status.unmerge_members(conn, event.merge, self.clock.now())

    def on_demo_generated(self, event: Any, conn: Connection) -> None:
        """The demo company runs a program of every type, through these same use cases."""
        from opencx.loyalty.service.demo import run_demo_program

        words = str(event.command).split()
        seed = int(words[words.index("--seed") + 1]) if "--seed" in words[:-1] else 7
        run_demo_program(conn, self.clock.now(), seed=seed)

    def on_customer_erased(self, event: Any, conn: Connection) -> None:
        status.erase_members(conn, event.customer_ids, self.clock.now())
