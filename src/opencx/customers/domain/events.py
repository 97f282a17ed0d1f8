"""Events the customers slice publishes, in the transaction of the change."""

from __future__ import annotations

from dataclasses import dataclass

from opencx.core import DomainEvent


@dataclass(frozen=True, slots=True)
class CustomersMerged(DomainEvent):
    """Each ``(survivor_id, merged_id)`` pair is now one person; rows moved to the survivor."""

    pairs: tuple[tuple[str, str], ...]
    merge_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeUndone(DomainEvent):
    merge_id: str
    survivor_id: str
    merged_id: str


@dataclass(frozen=True, slots=True)
class CustomerErased(DomainEvent):
    """Personal data of these customers (one person) was erased; drop any copies you keep."""

    customer_ids: tuple[str, ...]
