"""Domain events: published by services, handled in the same transaction by subscribers.

The composition root (``opencx.app``) subscribes handlers; a slice never imports another slice.
A handler receives the event and the unit of work (a connection) of the change that raised it,
so the reaction commits or rolls back together with the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
