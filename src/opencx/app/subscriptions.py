"""Cross-slice reactions, all in one place: which service or store handles each event another
slice publishes (:func:`wire_events`), and the customer lifecycle every slice holding a
customer's rows follows (:func:`wire_customer_lifecycle`). A slice never imports another: a new
reaction is subscribed here (docs/decisions/0005-events-in-transaction-and-outbox.md)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from opencx.core import CustomerErased, CustomersMerged, EventBus, MergeUndone
from opencx.core.events import Handler

if TYPE_CHECKING:
    from opencx.app.services import Services


def wire_events(services: Services) -> None:
    """Cross-slice reactions, all in one place. Each handler runs in the publisher's transaction
    and reaches its service (built then, :class:`Services`) or module when an event comes."""
    from opencx.ingest.domain import CustomersUpserted

    bus = services.bus
    # identity resolution for every customer write, bulk history included: it is not a reaction
    bus.subscribe(CustomersUpserted, _index_identities(services))
    bus.subscribe(CustomerErased, lambda e, conn: services.helpdesk.on_customer_erased(e, conn))
    bus.subscribe(CustomerErased, _uploads_erased(services))
    wire_customer_lifecycle(bus)
    _wire_audit(services)
    _wire_loyalty(services)
    _wire_feedback(services)
    _wire_helpdesk(services)
    _wire_demo(services)


def _index_identities(services: Services) -> Handler:
    """The customers an import wrote get their identities indexed, and merged where they meet
    another's; those it created are handed over as written (ingest's ``CreatedCustomer``, a
    customers ``Customer`` with nothing but its keys, country and time), so the customers
    slice does not read back what the event's transaction just wrote."""
    from opencx.customers.domain import Customer
    from opencx.ingest.domain import CustomersUpserted

    def index(event: CustomersUpserted, conn: Connection) -> None:
        created = [
            Customer(
                id=c.id,
                source=c.source,
                external_id=c.external_id,
                name=None,
                email=None,
                phone=None,
                language=None,
                country=c.country,
                created_at=c.created_at,
            )
            for c in event.created
        ]
        services.customers.index(conn, event.customer_ids, created=created)

    return index


def _uploads_erased(services: Services) -> Handler:
    """Uploaded import files (and their rejects) that mention an erased person go at once."""

    def erased(event: CustomerErased, conn: Connection) -> None:
        from opencx.ingest.service.uploads import forget_uploads_of, uploads_root

        forget_uploads_of(uploads_root(services.ingest.imports_dir), event.personal)

    return erased


def _wire_audit(services: Services) -> None:
    """Every privileged act any slice publishes is recorded in its transaction; an erasure is
    recorded, then the person's pseudonym salt is forgotten (docs/security.md, audit log)."""
    from opencx.core.audit import PrivilegedActDone

    bus = services.bus
    bus.subscribe(PrivilegedActDone, lambda e, conn: services.audit.on_act(e, conn))
    bus.subscribe(CustomerErased, lambda e, conn: services.audit.on_customer_erased(e, conn))


def _wire_loyalty(services: Services) -> None:
    """Live orders earn points (history imports do not), so does an incident's compensation;
    members follow merges, their undo and erasure."""
    from opencx.helpdesk.domain.incidents import CompensationGranted
    from opencx.ingest.domain import OrdersImported, ReturnsMoved

    bus = services.bus
    # history imports (live=False) reach no service: a history import builds none
    bus.subscribe(
        OrdersImported, _live(lambda e, conn: services.loyalty.on_orders_imported(e, conn))
    )
    bus.subscribe(ReturnsMoved, _live(lambda e, conn: services.loyalty.on_returns_moved(e, conn)))
    bus.subscribe(CustomersMerged, lambda e, conn: services.loyalty.on_customers_merged(e, conn))
    bus.subscribe(MergeUndone, lambda e, conn: services.loyalty.on_merge_undone(e, conn))
    bus.subscribe(CustomerErased, lambda e, conn: services.loyalty.on_customer_erased(e, conn))
    bus.subscribe(
        CompensationGranted, lambda e, conn: services.loyalty.on_compensation_granted(e, conn)
    )


def _wire_feedback(services: Services) -> None:
    """Live events invite to surveys (history imports do not: the service ignores live=False)."""
    from opencx.ingest.domain import CasesImported, InteractionsImported, OrdersImported

    bus = services.bus
    bus.subscribe(
        CasesImported, _live(lambda e, conn: services.feedback.on_cases(e.case_ids, e.live, conn))
    )
    bus.subscribe(
        InteractionsImported,
        _live(lambda e, conn: services.feedback.on_interactions(e.interaction_ids, e.live, conn)),
    )
    bus.subscribe(
        OrdersImported,
        _live(lambda e, conn: services.feedback.on_orders(e.order_ids, e.live, conn)),
    )


def _live(handle: Handler) -> Handler:
    """``handle`` for a live event only: the services ignore a history import's (live=False),
    so it is not handed to them, and a history import builds none of them."""

    def handler(event: Any, conn: Connection) -> None:
        if event.live:
            handle(event, conn)

    return handler


def _wire_helpdesk(services: Services) -> None:
    """A resolved case invites to CSAT and closes its feedback loop; a follow-up opens a case."""
    from opencx.feedback.domain.events import FollowUpRequested
    from opencx.helpdesk.domain.events import CaseResolved

    def case_resolved(event: CaseResolved, conn: Connection) -> None:
        # closes the loop of a follow-up case; any other case invites (its first resolution)
        services.feedback.on_case_resolved(event.case_id, event.reopened, conn)

    def follow_up(event: FollowUpRequested, conn: Connection) -> None:
        case_id = services.helpdesk.on_follow_up_requested(event, conn)
        services.feedback.link_case(event.followup_id, case_id, conn)

    services.bus.subscribe(CaseResolved, case_resolved)
    services.bus.subscribe(FollowUpRequested, follow_up)


def _wire_demo(services: Services) -> None:
    """The demo is recorded like an import (kind ``demo``), in the transaction that wrote it."""
    from opencx.demo.domain.events import DemoGenerated

    def demo_generated(event: DemoGenerated, conn: Connection) -> None:
        services.ingest.record_load(
            conn,
            kind="demo",
            name=event.command,
            rows=event.total_rows,
            started_at=event.started_at,
            finished_at=event.finished_at,
        )

    services.bus.subscribe(DemoGenerated, demo_generated)

    # the demo writes customers directly: they get their search keys in the same transaction
    def demo_search_keys(_event: DemoGenerated, conn: Connection) -> None:
        services.customers.add_search_keys(conn)

    services.bus.subscribe(DemoGenerated, demo_search_keys)
    # the demo company runs a loyalty program of every type, through the loyalty use cases
    services.bus.subscribe(
        DemoGenerated, lambda e, conn: services.loyalty.on_demo_generated(e, conn)
    )


#: the modules of the slices that keep rows of a customer, each with the lifecycle handlers
#: ``on_customers_merged``, ``on_merge_undone`` and (all but modeling) ``on_customer_erased``
CUSTOMER_ROWS = (
    "opencx.ingest.store.customer_rows",
    "opencx.feedback.store.customer_rows",
    "opencx.helpdesk.store.customer_rows",
    "opencx.journeys.store.customer_rows",
    "opencx.modeling.store.customer_rows",
)


def wire_customer_lifecycle(bus: EventBus) -> None:
    """Every slice that keeps rows of a customer moves them on a merge, moves them back on an
    undo and erases its copies of the person on an erasure: each writes only its own tables
    (docs/decisions/0012-table-ownership.md). A new slice with such rows subscribes here.
    The stores are imported at the first event (the ingest store loads Arrow)."""
    for rows in CUSTOMER_ROWS:
        bus.subscribe(CustomersMerged, _imported(rows, "on_customers_merged"))
        bus.subscribe(MergeUndone, _imported(rows, "on_merge_undone"))
    for rows in CUSTOMER_ROWS[:-1]:
        bus.subscribe(CustomerErased, _imported(rows, "on_customer_erased"))
    bus.subscribe(CustomerErased, _imported("opencx.outbox.service", "on_customer_erased"))
    bus.subscribe(CustomerErased, _replay_erased)  # API answers kept for Idempotency-Key replay


def _imported(module: str, name: str) -> Handler:
    """The handler ``module.name``, imported when its first event comes."""

    def handle(event: Any, conn: Connection) -> None:
        handler: Handler = getattr(importlib.import_module(module), name)
        handler(event, conn)

    return handle


def _replay_erased(event: CustomerErased, conn: Connection) -> None:
    """The API answers kept for replay forget an erased person. The web package (FastAPI) is
    imported at the first erasure, not by every CLI command's build (tests/contracts)."""
    from opencx.web.idempotency import on_customer_erased

    on_customer_erased(event, conn)
