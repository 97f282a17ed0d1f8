"""Domain events: published by services, handled in the same transaction by subscribers.

The composition root (``opencx.app``) subscribes handlers; a slice never imports another slice.
A handler receives the event and the unit of work (a connection) of the change that raised it,
so the reaction commits or rolls back together with the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

E = TypeVar("E", bound="DomainEvent")


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Base class: concrete events are frozen dataclasses named in the past tense."""


Handler = Callable[[Any, Any], None]


class EventBus:
    """Synchronous, in-process publish/subscribe keyed by event class."""

    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E, Any], None]) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, event: DomainEvent, uow: Any) -> None:
        """Run every handler of ``type(event)`` (and its bases) inside ``uow``."""
        for cls in type(event).__mro__:
            for handler in self._handlers.get(cls, ()):
                handler(event, uow)

    def handlers(self, event_type: type[DomainEvent]) -> list[Handler]:
        return list(self._handlers.get(event_type, ()))


# --- the customer lifecycle: every slice that keeps rows of a customer handles these ----------


@dataclass(frozen=True, slots=True)
class CustomerMerge:
    """One merge: ``merged_id`` is now ``survivor_id``.

    ``rows`` names, per table, exactly the rows that move to the survivor (on an undo: back to
    the merged customer, where the survivor still holds them): their ids, or for a table keyed
    by customer (``customer_scores``) the rest of their primary key as a tuple. The customers
    slice plans it (a merged customer's row moves unless the survivor already has one with the
    same key) and records it for an exact undo; each table's owner moves its own rows.
    """

    merge_id: str
    survivor_id: str
    merged_id: str
    rows: Mapping[str, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class CustomersMerged(DomainEvent):
    """Customers became one person: each owner moves the rows ``rows`` lists for its tables."""

    merges: tuple[CustomerMerge, ...]

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((m.survivor_id, m.merged_id) for m in self.merges)

    @property
    def merge_ids(self) -> tuple[str, ...]:
        return tuple(m.merge_id for m in self.merges)


@dataclass(frozen=True, slots=True)
class MergeUndone(DomainEvent):
    """A merge was undone: each owner moves back the rows of ``merge.rows`` the survivor holds."""

    merge: CustomerMerge

    @property
    def merge_id(self) -> str:
        return self.merge.merge_id

    @property
    def survivor_id(self) -> str:
        return self.merge.survivor_id

    @property
    def merged_id(self) -> str:
        return self.merge.merged_id


@dataclass(frozen=True, slots=True)
class CustomerErased(DomainEvent):
    """A person was erased (GDPR art. 17): every slice erases its copies of their data.

    ``customer_ids`` are the person's records (a survivor and the customers merged into it);
    ``personal`` the values that identified them (name, email, phone, identity values) as they
    were before the erasure, so free text that mentions them can be redacted. The event lives
    only in memory, inside the erasing transaction.
    """

    customer_ids: tuple[str, ...]
    personal: tuple[str, ...] = ()
