"""Shared kernel: ids, money, clock, errors and domain events. Standard library only."""

from opencx.core.clock import Clock, FixedClock, SystemClock, ensure_utc
from opencx.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OpenCXError,
    PermissionDenied,
    Problem,
)
from opencx.core.events import (
    CustomerErased,
    CustomerMerge,
    CustomersMerged,
    DomainEvent,
    EventBus,
    MergeUndone,
)
from opencx.core.ids import new_id
from opencx.core.money import Money, to_amount, to_decimal

__all__ = [
    "Clock",
    "Conflict",
    "CustomerErased",
    "CustomerMerge",
    "CustomersMerged",
    "DomainEvent",
    "EventBus",
    "FixedClock",
    "InvalidInput",
    "MergeUndone",
    "Money",
    "NotFound",
    "OpenCXError",
    "PermissionDenied",
    "Problem",
    "SystemClock",
    "ensure_utc",
    "new_id",
    "to_amount",
    "to_decimal",
]
