"""Helpdesk use cases: open cases from every channel, work them, keep their SLA clocks.

Functions take a connection (the caller's unit of work) and plain values; the
:class:`HelpdeskService` wraps them in transactions for the edges and publishes events
(:class:`~opencx.helpdesk.domain.events.CaseResolved` …) in the same transaction. Customer
identity comes from the customers slice through the ``identify`` function the composition root
passes in; messages leave through the outbox.
"""

from opencx.helpdesk.service.deps import DEFAULT_QUEUE, Deps, Identify, OpenCase, ValueOf
from opencx.helpdesk.service.facade import CaseView, HelpdeskService
from opencx.helpdesk.service.sla import Alert

__all__ = [
    "DEFAULT_QUEUE",
    "Alert",
    "CaseView",
    "Deps",
    "HelpdeskService",
    "Identify",
    "OpenCase",
    "ValueOf",
]
