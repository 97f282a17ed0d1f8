"""Privileged acts and who performs them: the event every slice publishes for the audit log.

A service that does something an auditor must be able to find later (an export of personal data,
an erasure, a merge, a role or key change, an import, a model fit, a download of personal data)
publishes :class:`PrivilegedActDone` on the bus in the transaction of the act; the composition
root subscribes the audit log to it, so the record commits, or rolls back, with the act.

*Who* and *from where* are not parameters of every use case: the edge that serves the caller
sets them once with :func:`acting` (the web middleware: the signed-in user or API key, the
client address and the request id; the CLI: the operating-system user and a command id), and
the audit log reads :func:`current_origin` when it records. Outside any edge the actor is
``system`` (a worker's job).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from opencx.core.events import DomainEvent

Detail = Mapping[str, str | int | float | bool | None]


@dataclass(frozen=True, slots=True)
class Origin:
    """Who acts and from where: ``actor`` is ``user:<id>``, ``api_key:<id>``, ``cli:<login>``
    or ``system``; ``ip`` the client address; ``request_id`` the request's (or command's) id."""

    actor: str = "system"
    ip: str | None = None
    request_id: str | None = None


SYSTEM = Origin()
_origin: ContextVar[Callable[[], Origin] | None] = ContextVar("opencx_origin", default=None)


def current_origin() -> Origin:
    """The origin of the act being done now (:data:`SYSTEM` outside any edge)."""
    provider = _origin.get()
    return provider() if provider is not None else SYSTEM


@contextmanager
def acting(origin: Origin | Callable[[], Origin]) -> Iterator[None]:
    """Run the block on behalf of ``origin`` (or of what the callable says when an act is
    recorded: a web request learns its principal only after the credentials are checked)."""
    provider = origin if callable(origin) else (lambda: origin)
    token = _origin.set(provider)
    try:
        yield
    finally:
        _origin.reset(token)


@dataclass(frozen=True, slots=True)
class PrivilegedActDone(DomainEvent):
    """A privileged act, for the audit log.

    ``action`` is ``<slice>.<verb>`` (``customers.export``, ``access.role_change``);
    ``customers`` the ids of the customers it touched (recorded only as keyed pseudonyms);
    ``target`` a non-personal object id (a user id, an API key id, a model name, a file's
    digest); ``detail`` small non-personal facts (row counts, scopes, a role). Never put a name,
    an email, a phone or free text in ``target`` or ``detail``.
    """

    action: str
    customers: tuple[str, ...] = ()
    target: str | None = None
    detail: Detail = field(default_factory=dict)
