"""Pure rules of access: password hashing, scope matching, role grants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.access.domain import (
    ROLE_GRANTS,
    check_email,
    check_scope,
    grants_scope,
    hash_password,
    key_digest,
    looks_like_key,
    new_key_secret,
    role_grants,
    scope_matches,
    verify_password,
)
from opencx.core import InvalidInput


def test_password_hash_verifies_only_the_same_password() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt$")
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert not verify_password("", stored)


def test_each_hash_has_its_own_salt() -> None:
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b
    assert a.split("$")[4] != b.split("$")[4]
    assert verify_password("same password", a) and verify_password("same password", b)


def test_given_salt_is_deterministic() -> None:
    assert hash_password("pw123456", salt=b"0" * 16) == hash_password("pw123456", salt=b"0" * 16)


@pytest.mark.parametrize("garbage", ["", "plain", "bcrypt$1$2$3$x$y", "scrypt$a$b$c$d$e"])
def test_malformed_stored_hash_never_verifies(garbage: str) -> None:
    assert not verify_password("anything", garbage)


@pytest.mark.parametrize(
    ("grant", "required", "expected"),
    [
        ("customers:read", "customers:read", True),
        ("customers:read", "customers:write", False),
        ("customers:*", "customers:erase", True),
        ("customers:*", "orders:read", False),
        ("*:read", "metrics:read", True),
        ("*:read", "customers:erase", False),
        ("*", "users:manage", True),
        ("*", "customers:erase", True),
    ],
)
def test_scope_matching(grant: str, required: str, expected: bool) -> None:
    assert scope_matches(grant, required) is expected


scope_part = st.sampled_from(["customers", "events", "metrics", "users", "helpdesk"])
action = st.sampled_from(["read", "write", "erase", "manage"])


@given(resource=scope_part, act=action)
def test_exact_and_wildcards_cover_a_scope(resource: str, act: str) -> None:
    required = f"{resource}:{act}"
    for grant in (required, f"{resource}:*", f"*:{act}", "*"):
        assert scope_matches(grant, required)


@given(r1=scope_part, a1=action, r2=scope_part, a2=action)
def test_a_specific_grant_covers_only_itself(r1: str, a1: str, r2: str, a2: str) -> None:
    assert scope_matches(f"{r1}:{a1}", f"{r2}:{a2}") == ((r1, a1) == (r2, a2))


def test_admin_can_do_everything() -> None:
    for scope in ("customers:erase", "users:manage", "apikeys:write", "loyalty:write"):
        assert grants_scope(role_grants("admin"), scope)


def test_analyst_reads_everything_and_works_metrics_and_models() -> None:
    grants = role_grants("analyst")
    assert grants_scope(grants, "customers:read")
    assert grants_scope(grants, "feedback:read")
    assert grants_scope(grants, "metrics:write")
    assert grants_scope(grants, "models:write")
    assert not grants_scope(grants, "customers:erase")
    assert not grants_scope(grants, "users:manage")
    assert not grants_scope(grants, "events:write")


def test_agent_serves_customers_but_does_not_erase_or_analyse() -> None:
    grants = role_grants("agent")
    assert grants_scope(grants, "customers:read")
    assert grants_scope(grants, "helpdesk:write")
    assert not grants_scope(grants, "helpdesk:admin")  # incidents, scorecards, catalog, approvals
    assert grants_scope(grants, "feedback:read")
    assert not grants_scope(grants, "customers:erase")
    assert not grants_scope(grants, "customers:write")
    assert not grants_scope(grants, "metrics:read")
    assert not grants_scope(grants, "users:read")


def test_unknown_role_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidInput, match="admin, analyst, agent"):
        role_grants("superuser")
    assert set(ROLE_GRANTS) == {"admin", "analyst", "agent"}


@pytest.mark.parametrize("scope", ["customers:read", "customers:*", "*:read", "*", "a-b:c_d"])
def test_well_formed_scopes(scope: str) -> None:
    assert check_scope(scope) == scope


@pytest.mark.parametrize("scope", ["", "customers", "Customers:read", "a:b:c", "*:", ":read"])
def test_malformed_scopes_are_refused(scope: str) -> None:
    with pytest.raises(InvalidInput, match="resource:action"):
        check_scope(scope)


def test_email_is_normalised_and_checked() -> None:
    assert check_email("  Ana@Example.ORG ") == "ana@example.org"
    with pytest.raises(InvalidInput, match="not a valid address"):
        check_email("ana-at-example.org")


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=10))
def test_new_keys_are_unique_well_formed_and_hashed(_: int) -> None:
    prefix, token = new_key_secret()
    assert token.startswith(f"ocx_{prefix}_") and looks_like_key(token)
    assert len(token) > 40
    assert key_digest(token) != token and len(key_digest(token)) == 64
    assert new_key_secret()[1] != token


@pytest.mark.parametrize("token", ["", "ocx", "ocx__x", "abc_12345678_secret", "ocx_1234_x"])
def test_malformed_tokens_are_not_keys(token: str) -> None:
    assert not looks_like_key(token)
