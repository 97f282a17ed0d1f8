"""access slice: users with roles, API keys with scopes, and the rules that match them."""

from opencx.access.domain import (
    ROLE_GRANTS,
    ROLES,
    ApiKey,
    IssuedKey,
    User,
    grants_scope,
    role_grants,
    scope_matches,
)
from opencx.access.service import AccessService

__all__ = [
    "ROLES",
    "ROLE_GRANTS",
    "AccessService",
    "ApiKey",
    "IssuedKey",
    "User",
    "grants_scope",
    "role_grants",
    "scope_matches",
]
