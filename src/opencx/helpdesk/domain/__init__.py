"""The helpdesk's pure rules: business calendars and SLA clocks, case states, routing, and more.

One module per concern; nothing here reads a clock, opens a connection or speaks HTTP.
"""

from opencx.helpdesk.domain.calendar import DAYS, BusinessCalendar, parse_window
from opencx.helpdesk.domain.sla import (
    CaseFacts,
    ClockEvent,
    Condition,
    SlaPolicy,
    SlaReport,
    Target,
    Timer,
    TimerState,
    choose_policy,
    measure,
)

__all__ = [
    "DAYS",
    "BusinessCalendar",
    "CaseFacts",
    "ClockEvent",
    "Condition",
    "SlaPolicy",
    "SlaReport",
    "Target",
    "Timer",
    "TimerState",
    "choose_policy",
    "measure",
    "parse_window",
]
