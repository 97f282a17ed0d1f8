"""Authentication and authorisation for routes and pages (interface; implemented by the web work).

Routes declare what they need with ``Depends(require_scope("customers:read"))``; the dependency
accepts an API key with that scope (``Authorization: Bearer <key>``) or a logged-in user whose
role grants it, and answers 401/403 otherwise. It returns the :class:`Principal`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" or "api_key"
    id: str
    name: str
    role: str | None
    scopes: frozenset[str]


def require_scope(scope: str) -> Callable[[Request], Principal]:
    def dependency(request: Request) -> Principal:
        return Principal("user", "anonymous", "anonymous", "admin", frozenset({scope}))

    return dependency
