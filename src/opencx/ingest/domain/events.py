"""What an import announces: one event per kind of row written, with the ids and ``live``.

Each event is published once per chunk, inside the import's transaction, so a subscriber's writes
commit or roll back with the rows. ``live`` says whether the rows are the present or history:

- ``live=False`` (a file import, the default): history. Subscribers that react to the present
  (points for a purchase, a survey invitation after a case) ignore it; bookkeeping that must
  hold for every row (identity resolution on :class:`CustomersUpserted`) still runs.
- ``live=True`` (``opencx import --live``, and every event of the event API): the rows drive the
  live subscribers wired in ``opencx.app.wire_events``.
"""

from __future__ import annotations

from dataclasses import dataclass

from opencx.core.events import DomainEvent


@dataclass(frozen=True, slots=True)
class CustomersUpserted(DomainEvent):
    """Customer rows were created or updated (by an import or the event API)."""

    customer_ids: tuple[str, ...]
    live: bool


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
class ReturnsLinked(DomainEvent):
    """Return lines were linked to the lines they reverse after their own orders were announced
    (:class:`OrdersImported`): an import written chunk by chunk links its returns once the
    whole file is in. ``order_ids`` are the orders whose lines the returns reverse; a
    subscriber that reads an order's returns (loyalty's reversal of points) reads them again.
    Published once per import, in its transaction, after every link is set."""

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
