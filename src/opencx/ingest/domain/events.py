"""What an import announces: one event per kind of row written, with the ids and ``live``.

Each event is published inside the import's transaction, so a subscriber's writes commit or roll
back with the rows: once per chunk, except :class:`OrdersImported`, published once the whole file
is in (50,000 ids an event), so a subscriber sees each order whole, with its status and its
returns linked. ``live`` says whether the rows are the present or history:

- ``live=False`` (a file import, the default): history. Subscribers that react to the present
  (points for a purchase, a survey invitation after a case) ignore it; bookkeeping that must
  hold for every row (identity resolution on :class:`CustomersUpserted`) still runs.
- ``live=True`` (``opencx import --live``, and every event of the event API): the rows drive the
  live subscribers wired in ``opencx.app.wire_events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opencx.core.events import DomainEvent


@dataclass(frozen=True, slots=True)
class CreatedCustomer:
    """A customer row an import created for a reference it did not know (an order's or an
    interaction's ``customer``, ``create_missing_customers``), as written: its id, the source
    and external id it is known by, the country and time of its first row; no name, email,
    phone or language, no attributes (``{}``), no consent, merged into no one, not erased."""

    id: str
    source: str
    external_id: str
    country: str | None
    created_at: datetime  # aware, UTC


@dataclass(frozen=True, slots=True)
class CustomersUpserted(DomainEvent):
    """Customer rows were created or updated (by an import or the event API). ``created``: those
    of ``customer_ids`` the import created in this transaction, as written, so a subscriber
    need not read them back (an order event's new customer); the others are read."""

    customer_ids: tuple[str, ...]
    live: bool
    created: tuple[CreatedCustomer, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductsUpserted(DomainEvent):
    """Product rows were created or updated by a products file."""

    product_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class OrdersImported(DomainEvent):
    """Orders (with their lines) were written; ``live=False`` for history imports."""

    order_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class ReturnsMoved(DomainEvent):
    """Stored orders that re-imported return lines no longer reverse (the returns now name
    another order, or none), announced before the import's own orders; the orders themselves
    were not in the file. ``live=False`` for history imports."""

    order_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class SubscriptionsImported(DomainEvent):
    """Subscription rows were written."""

    subscription_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class InteractionsImported(DomainEvent):
    """Interaction (touchpoint) rows were written."""

    interaction_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class CasesImported(DomainEvent):
    """Support case rows were written (events of imported cases publish nothing)."""

    case_ids: tuple[str, ...]
    live: bool


@dataclass(frozen=True, slots=True)
class ResponsesImported(DomainEvent):
    """Survey responses with their answers were written."""

    response_ids: tuple[str, ...]
    live: bool
