"""The helpdesk for edges, jobs and event handlers (one transaction per call), and case views."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus, NotFound
from opencx.core.contacts import ContactsOf, no_contacts
from opencx.helpdesk.domain.cases import (
    Case,
    CaseEvent,
)
from opencx.helpdesk.domain.catalog import CatalogItem
from opencx.helpdesk.domain.chat import (
    Chat,
    ChatMessage,
    ChatPost,
    ChatSignal,
    chat_of_token,
    chat_token,
)
from opencx.helpdesk.domain.incidents import Incident
from opencx.helpdesk.domain.limits import (
    CHAT_PER_CLIENT,
    CONTACT_PER_CLIENT,
    Bucket,
    CatalogLimits,
    client_network,
)
from opencx.helpdesk.domain.quality import Calibration, Scorecard
from opencx.helpdesk.domain.reporting import ServiceReport
from opencx.helpdesk.service import (
    catalog,
    chat,
    following,
    incidents,
    intake,
    limits,
    policies,
    quality,
    working,
)
from opencx.helpdesk.service import desk as desk_config
from opencx.helpdesk.service.deps import (
    Deps,
    Identify,
    OpenCase,
    ValueOf,
    get_case,
)
from opencx.helpdesk.service.reports import service_report
from opencx.helpdesk.service.sla import Alert, check_slas, sla_report
from opencx.helpdesk.store import cases as store
from opencx.helpdesk.store import catalog as catalog_store
from opencx.helpdesk.store import chat as chat_store
from opencx.helpdesk.store import chat_feed, config
from opencx.helpdesk.store import incidents as incident_store
from opencx.helpdesk.store import quality as quality_store

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class QualityOverview:
    reviews: list[Any]  # the latest, newest first
    agents: list[tuple[str, float | None, list[tuple[str, float, int]]]]  # average, needs
    calibrations: list[tuple[str, Calibration]]  # cases reviewed more than once


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    events: tuple[CaseEvent, ...]
    contact_email: str | None
    sla: Any  # SlaReport | None
    attachments: tuple[Any, ...]
    merged_into: str | None
    first_response_s: tuple[float | None, float | None]  # wall, business
    resolution_s: tuple[float | None, float | None]


def case_view(conn: Connection, case_id: str, now: datetime, deps: Deps) -> CaseView:
    case = get_case(conn, case_id, lock=False)
    state = store.state_of(conn, case.id)
    found = sla_report(conn, case, now, deps)
    return CaseView(
        case=case,
        events=tuple(store.events_of(conn, case.id)),
        contact_email=state.contact_email if state else None,
        sla=found[0] if found else None,
        attachments=tuple(store.attachments_of(conn, case.id)),
        merged_into=state.merged_into if state else None,
        first_response_s=(
            (state.first_response_wall_s, state.first_response_business_s)
            if state
            else (None, None)
        ),
        resolution_s=(state.resolution_wall_s, state.resolution_business_s)
        if state
        else (None, None),
    )


def on_customer_erased(conn: Connection, customer_ids: Sequence[str]) -> int:
    """Erasure: forget the contact address kept per case and the files customers sent."""
    return store.erase_contacts(conn, customer_ids)


@dataclass
class HelpdeskService:
    """The helpdesk for edges, jobs and event handlers: one transaction per call."""

    engine: Engine
    clock: Clock
    bus: EventBus | None = None
    identify: Identify | None = None
    value_of: ValueOf | None = None
    sender: str = "support@opencx.local"
    secret_key: str = "change-me"  # signs customers' chat tokens and confirmation links
    base_url: str = "http://127.0.0.1:8000"  # where confirmation links point
    catalog_limits: CatalogLimits = field(default_factory=CatalogLimits)
    contact_limit: Bucket = CONTACT_PER_CLIENT  # cases visitors open per client address
    chat_limit: Bucket = CHAT_PER_CLIENT  # chats visitors start per client address
    contacts: ContactsOf = no_contacts  # the customers slice's read of names and emails
    deps: Deps = field(init=False)

    def __post_init__(self) -> None:
        self.deps = Deps(
            self.clock, self.bus, self.identify, self.value_of, self.sender, self.contacts
        )

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def open_case(self, cmd: OpenCase, *, client: str | None = None) -> Case:
        """Open a case. ``client``: an anonymous visitor's network address; such cases are
        limited per address (:class:`TooManyRequests`, nothing stored); staff pass None."""
        with self._tx() as conn:
            self._limit_visitor(conn, client)
            return intake.open_case(conn, cmd, self.deps)

    def _limit_visitor(self, conn: Connection, client: str | None, *, chat: bool = False) -> None:
        """Charge ``client``'s network (None: staff or a vouching key, not limited) to the
        bucket of cases visitors open, or with ``chat`` to the bucket of chats they start."""
        if client is not None:
            limits.charge(
                conn,
                self.chat_limit if chat else self.contact_limit,
                secret=self.secret_key,
                kind="chat" if chat else "contact",
                value=client_network(client),
                what="from your network address",
                now=self.clock.now(),
            )

    def receive_email(self, raw: bytes) -> Case:
        with self._tx() as conn:
            return intake.receive_email(conn, raw, self.deps)

    def customer_message(self, case_id: str, body: str, actor: str | None = None) -> Case:
        with self._tx() as conn:
            return intake.customer_message(conn, case_id, body, self.deps, actor=actor)

    def reply(self, case_id: str, agent: str, **kw: Any) -> CaseEvent:
        with self._tx() as conn:
            return working.reply(conn, case_id, agent, self.deps, **kw)

    def add_note(self, case_id: str, agent: str, body: str) -> CaseEvent:
        with self._tx() as conn:
            return working.add_note(conn, case_id, agent, body, self.deps)

    def set_status(self, case_id: str, status: str, actor: str) -> Case:
        with self._tx() as conn:
            return working.set_status(conn, case_id, status, actor, self.deps)

    def assign(self, case_id: str, agent: str | None, actor: str) -> Case:
        with self._tx() as conn:
            return working.assign_to(conn, case_id, agent, actor, self.deps)

    def update(self, case_id: str, actor: str, **fields: str | None) -> Case:
        with self._tx() as conn:
            return working.update_fields(conn, case_id, actor, self.deps, **fields)

    def merge(self, target_id: str, merged_id: str, actor: str) -> Case:
        with self._tx() as conn:
            return working.merge_cases(conn, target_id, merged_id, actor, self.deps)

    def split(self, case_id: str, event_ids: Sequence[str], actor: str) -> Case:
        with self._tx() as conn:
            return working.split_case(conn, case_id, event_ids, actor, self.deps)

    def check_slas(self) -> list[Alert]:
        with self._tx() as conn:
            return check_slas(conn, self.deps)

    def case(self, case_id: str) -> CaseView:
        with self.engine.connect() as conn:
            return case_view(conn, case_id, self.clock.now(), self.deps)

    def cases(self, **filters: Any) -> list[Case]:
        with self.engine.connect() as conn:
            return store.list_cases(conn, **filters)

    def agent_emails(self) -> list[str]:
        """The addresses of the active agents (the staff a pulse survey goes to)."""
        with self.engine.connect() as conn:
            return [a.email for a in self.deps.desk(conn).agents if a.active]

    def report(self, since: datetime, until: datetime) -> ServiceReport:
        with self.engine.connect() as conn:
            return service_report(conn, since, until, self.deps)

    def queues(self) -> list[Any]:
        with self.engine.connect() as conn:
            return config.load_queues(conn)

    def canned_responses(self) -> list[Any]:
        with self.engine.connect() as conn:
            return config.load_canned(conn)

    def attachment(self, attachment_id: str) -> Any:
        with self.engine.connect() as conn:
            row = store.attachment(conn, attachment_id)
        if row is None:
            raise NotFound(f"attachment {attachment_id} does not exist")
        return row

    def on_customer_erased(self, event: Any, conn: Connection) -> None:
        on_customer_erased(conn, event.customer_ids)
        chat_store.erase_chats(conn, list(event.customer_ids))
        catalog_store.erase_runs(conn, list(event.customer_ids))
        catalog.forget_held_of(conn, self.secret_key, event.personal)

    # --- self-service catalog -------------------------------------------------------------
    def save_catalog_item(self, definition: Mapping[str, Any]) -> CatalogItem:
        with self._tx() as conn:
            return catalog.save_item(conn, definition)

    def catalog_items(self) -> list[CatalogItem]:
        with self.engine.connect() as conn:
            return catalog_store.items(conn)

    def catalog_item(self, key: str) -> CatalogItem:
        with self.engine.connect() as conn:
            found = catalog_store.get_item(conn, key)
        if found is None:
            raise NotFound(f"catalog item {key!r} does not exist")
        return found

    def catalog_requests(self, status: str | None = None, limit: int = 100) -> list[Any]:
        """The latest self-service requests (runs), newest first."""
        with self.engine.connect() as conn:
            return catalog_store.runs(conn, status, limit)

    def submit_request(self, key: str, email: str | None, values: Mapping[str, Any]) -> catalog.Run:
        with self._tx() as conn:
            return catalog.submit(conn, key, email, values, self.deps)

    def hold_request(
        self, key: str, email: str | None, values: Mapping[str, Any], client: str
    ) -> catalog.Held:
        """An unauthenticated visitor's request: held, and only a confirmation mail sent
        (``client``: the visitor's network address, for the limits)."""
        links = catalog.Links(self.secret_key, self.base_url, self.catalog_limits)
        with self._tx() as conn:
            return catalog.hold(conn, key, email, values, client, links, self.deps)

    def held_request(self, token: str) -> tuple[CatalogItem, Any]:
        """What a confirmation link would confirm (the held request, or the run it became)."""
        with self.engine.connect() as conn:
            return catalog.held_request(conn, token, self.secret_key, self.deps)

    def confirm_request(self, token: str) -> catalog.Run:
        with self._tx() as conn:
            return catalog.confirm(conn, token, self.secret_key, self.deps)

    def forget_unconfirmed(self) -> tuple[int, int]:
        """Delete held requests whose link expired, and rate buckets drained a day ago."""
        with self._tx() as conn:
            return catalog.forget_expired(conn, self.deps)

    def decide_request(self, run_id: str, approver: str, *, yes: bool) -> catalog.Run:
        with self._tx() as conn:
            return catalog.approve(conn, run_id, approver, yes, self.deps)

    def catalog_request(self, run_id: str) -> Any:
        with self.engine.connect() as conn:
            found = catalog_store.get_run(conn, run_id)
        if found is None:
            raise NotFound(f"request {run_id} does not exist")
        return found

    def request_trail(self, run_id: str) -> list[Any]:
        with self.engine.connect() as conn:
            return catalog.trail(conn, run_id)

    # --- proactive incidents --------------------------------------------------------------
    def declare_incident(self, **fields: Any) -> Incident:
        with self._tx() as conn:
            return incidents.declare(conn, deps=self.deps, **fields)

    def incident_list(self, limit: int = 100) -> list[Any]:
        """The latest incidents with how many customers each has reached."""
        with self.engine.connect() as conn:
            return incident_store.incident_list(conn, limit)

    def notify_incident(self, incident_id: str, by: str) -> incidents.Notified:
        with self._tx() as conn:
            return incidents.notify(conn, incident_id, by, self.secret_key, self.deps)

    # --- agent quality ---------------------------------------------------------------------
    def save_scorecard(self, definition: Mapping[str, Any]) -> Scorecard:
        with self._tx() as conn:
            return quality.save_scorecard(conn, definition, self.deps)

    def review(
        self,
        case_id: str,
        card: str,
        reviewer: str,
        answers: Mapping[str, int | None],
        comment: str | None = None,
    ) -> quality.Review:
        with self._tx() as conn:
            return quality.review_case(conn, case_id, card, reviewer, answers, self.deps, comment)

    def scorecards(self) -> list[Scorecard]:
        with self.engine.connect() as conn:
            return quality_store.scorecards(conn)

    def quality_overview(self, card: str) -> QualityOverview:
        """A scorecard's latest reviews, each reviewed agent's average and coaching needs, and
        the calibration of every case reviewed more than once."""
        with self.engine.connect() as conn:
            latest = quality_store.latest_reviews(conn, card)
            agents = [
                (agent, *quality.coaching(conn, agent, card))
                for agent in quality_store.reviewed_agents(conn, card)
            ]
            twice = sorted(
                {r.case_id for r in latest if sum(x.case_id == r.case_id for x in latest) > 1}
            )
            calibrations = [
                (case_id, quality.calibration(conn, case_id, card)) for case_id in twice
            ]
        return QualityOverview(latest, agents, calibrations)

    def calibration(self, case_id: str, card: str) -> Calibration:
        with self.engine.connect() as conn:
            return quality.calibration(conn, case_id, card)

    def coaching(self, agent: str, card: str) -> tuple[float | None, list[tuple[str, float, int]]]:
        with self.engine.connect() as conn:
            return quality.coaching(conn, agent, card)

    # --- live chat -------------------------------------------------------------------------
    def start_chat(
        self,
        name: str | None,
        email: str | None,
        language: str | None,
        *,
        client: str | None = None,
    ) -> tuple[Chat, str]:
        """A new chat and the customer's token for it. A chat that gives an address finds or
        creates its customer, so ``client`` (an anonymous visitor's network address) is limited
        as for :meth:`open_case`; every chat also counts against the looser chat limit."""
        with self._tx() as conn:
            self._limit_visitor(conn, client, chat=True)
            self._limit_visitor(conn, client if email else None)
            found = chat.start_chat(conn, name, email, language, self.deps)
        return found, chat_token(found.id, self.secret_key)

    def chat_of_token(self, token: str) -> str:
        return chat_of_token(token, self.secret_key)

    def chat_post(self, chat_id: str, sender: str, author: str | None, body: str) -> ChatMessage:
        with self._tx() as conn:
            return chat.post(conn, chat_id, sender, author, body, self.deps)

    def chat_post_many(self, items: Sequence[ChatPost]) -> list[chat.Posted]:
        """Many chat messages in one transaction; each item's message or error."""
        with self._tx() as conn:
            return chat.post_many(conn, items, self.deps)

    def follow_chats(
        self,
        listening: Callable[[], None],
        after: int | None = None,
        poll_seconds: float = 0.05,
        floor: int = 0,
    ) -> AsyncGenerator[ChatMessage | ChatSignal, None]:
        """Every chat message stored from now on by any process, and every signal raised
        (:func:`~opencx.helpdesk.service.following.follow`)."""
        return following.follow(self.engine, listening, after, poll_seconds, floor)

    def last_chat_seq(self) -> int:
        """The number of the last chat message stored (0: none yet)."""
        return self._read(chat_store.last_seq)

    def chat_signal(self, origin: str, payload: dict[str, Any]) -> None:
        """Tell the other server processes' sockets (typing, read, a chat started or ended)."""
        with self._tx() as conn:
            chat_feed.signal(conn, origin, payload, self.clock.now())

    def set_chat_presence(self, origin: str, agents: int) -> None:
        """Process ``origin`` has ``agents`` agents connected (refreshed within
        :data:`~opencx.helpdesk.service.following.PRESENCE_FRESH`, or it counts as gone)."""
        with self._tx() as conn:
            chat_feed.set_presence(conn, origin, agents, self.clock.now())

    def agents_online(self) -> int:
        """Agents connected to any server process (as each last said, within
        :data:`~opencx.helpdesk.service.following.PRESENCE_FRESH`)."""
        since = self.clock.now() - following.PRESENCE_FRESH
        with self.engine.connect() as conn:
            return chat_feed.agents_online(conn, since)

    def _read(self, query: Callable[..., T], *args: Any) -> T:
        with self.engine.connect() as conn:
            return query(conn, *args)

    def chat(self, chat_id: str) -> tuple[Chat, list[ChatMessage]]:
        with self.engine.connect() as conn:
            return chat.get_chat(conn, chat_id), chat_store.messages(conn, chat_id)

    def open_chats(self) -> list[Chat]:
        with self.engine.connect() as conn:
            return chat_store.open_chats(conn)

    def close_chat(self, chat_id: str, agent: str, *, resolve: bool) -> Case:
        with self._tx() as conn:
            return chat.close_into_case(conn, chat_id, agent, resolve, self.deps)

    def leave_message(
        self, name: str | None, email: str, body: str, *, client: str | None = None
    ) -> Case:
        """The chat's offline form; ``client`` as for :meth:`open_case`."""
        with self._tx() as conn:
            self._limit_visitor(conn, client)
            return chat.leave_message(conn, name, email, body, self.deps)

    def on_follow_up_requested(self, event: Any, conn: Connection) -> str:
        """Open the closed-loop case for feedback's ``FollowUpRequested``; returns its id."""
        return intake.on_follow_up(conn, event, self.deps).id

    # --- desk configuration (the admin pages) ----------------------------------------------
    def desk(self) -> desk_config.Desk:
        """Queues, routing rules, agents (with their open cases) and calendars."""
        with self.engine.connect() as conn:
            return desk_config.desk(conn)

    def save_queue(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_queue(conn, self.deps, **fields)

    def save_rule(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_rule(conn, self.deps, **fields)

    def delete_rule(self, name: str) -> None:
        with self._configuring() as conn:
            desk_config.delete_rule(conn, self.deps, name)

    def save_agent(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_agent(conn, self.deps, **fields)

    def save_calendar(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_calendar(conn, self.deps, **fields)

    def save_policy(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return policies.save_policy(conn, self.deps, **fields)

    def delete_policy(self, name: str) -> None:
        with self._configuring() as conn:
            policies.delete_policy(conn, self.deps, name)

    def save_canned(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return policies.save_canned(conn, self.deps, **fields)

    def delete_canned(self, key: str) -> None:
        with self._configuring() as conn:
            policies.delete_canned(conn, self.deps, key)

    @contextmanager
    def _configuring(self) -> Iterator[Connection]:
        """A configuration change's transaction; the cached desk is forgotten after it."""
        try:
            with self._tx() as conn:
                yield conn
        finally:
            self.deps.desk_cache.forget()

    def configure(self, apply: Callable[[Connection], None]) -> None:
        """Run a configuration change (``store.config`` writers) in one transaction."""
        with self._tx() as conn:
            apply(conn)
        self.deps.desk_cache.forget()
