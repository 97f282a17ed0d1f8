"""The customers slice's published read of contact data: :class:`ContactsOf`.

A customer's name, email and phone are personal data the customers slice may store sealed
(crypto-shredding, docs/security.md): another slice that needs them (a survey invitation, the
churn list, a canned response, an incident notice) never reads the ``customers`` columns; it
calls the :class:`ContactsOf` the composition root gives it, which returns them opened, and
nothing for an erased person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach one customer (opened); all None, and ``erased``, once they were erased."""

    id: str
    name: str | None
    email: str | None
    phone: str | None
    erased: bool = False


class ContactsOf(Protocol):
    """The contacts of those of ``ids`` that exist (no merge is followed), read in the caller's
    unit of work ``conn``."""

    def __call__(self, conn: Any, ids: Iterable[str]) -> dict[str, Contact]: ...


def no_contacts(conn: Any, ids: Iterable[str]) -> dict[str, Contact]:
    """A :class:`ContactsOf` for a service built without the customers slice (tests, benches):
    nobody's contact is known."""
    return {}
