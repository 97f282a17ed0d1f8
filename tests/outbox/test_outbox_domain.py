"""The retry policy and message rules (pure code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.core.errors import InvalidInput
from opencx.outbox.domain import (
    RetryPolicy,
    Status,
    email_message_id,
    signature,
    validate_message,
)

policies = st.builds(
    RetryPolicy,
    base=st.integers(1, 3600).map(lambda s: timedelta(seconds=s)),
    factor=st.floats(1.0, 10.0),
    cap=st.integers(3600, 7 * 24 * 3600).map(lambda s: timedelta(seconds=s)),
    max_attempts=st.integers(1, 50),
    jitter=st.floats(0.0, 0.99),
)
T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@given(policies, st.integers(1, 10_000))
def test_base_delay_is_monotone_and_capped(policy: RetryPolicy, attempts: int) -> None:
    assert policy.base <= policy.base_delay(attempts) <= policy.cap
    assert policy.base_delay(attempts) <= policy.base_delay(attempts + 1)


@given(policies, st.integers(1, 10_000), st.floats(0.0, 1.0, exclude_max=True))
def test_jittered_delay_stays_within_its_band(
    policy: RetryPolicy, attempts: int, draw: float
) -> None:
    full = policy.base_delay(attempts)
    delay = policy.delay(attempts, draw)
    assert full * (1 - policy.jitter) - timedelta(microseconds=1) <= delay <= full
    assert delay > timedelta(0)


@given(policies, st.floats(0.0, 1.0, exclude_max=True))
def test_attempts_are_bounded(policy: RetryPolicy, draw: float) -> None:
    """Every attempt before the last is retried later; the last one (and beyond) is dead."""
    for attempts in range(1, policy.max_attempts):
        status, due = policy.after_failure(attempts, T0, draw)
        assert status is Status.FAILED
        assert due > T0
    for attempts in (policy.max_attempts, policy.max_attempts + 1):
        assert policy.after_failure(attempts, T0, draw) == (Status.DEAD, T0)


def test_permanent_errors_are_not_retried() -> None:
    assert RetryPolicy().after_failure(1, T0, 0.5, permanent=True) == (Status.DEAD, T0)


def test_default_policy_doubles_from_thirty_seconds() -> None:
    policy = RetryPolicy()
    assert [policy.base_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert policy.base_delay(100) == policy.cap


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"base": timedelta(0)}, "base"),
        ({"cap": timedelta(seconds=1)}, "cap"),
        ({"factor": 0.5}, "factor"),
        ({"jitter": 1.0}, "jitter"),
        ({"max_attempts": 0}, "max_attempts"),
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object], word: str) -> None:
    with pytest.raises(InvalidInput, match=word):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "key", "payload", "rule"),
    [
        ("fax", "k", {}, "kind 'fax' is not one of email, sms, webhook"),
        ("email", "", {"to": "a@b", "subject": "s", "text": "t"}, "dedupe_key"),
        ("email", "k" * 301, {"to": "a@b", "subject": "s", "text": "t"}, "1..300"),
        ("email", "k", {"to": "a@b", "text": "t"}, "'subject'"),
        ("sms", "k", {"to": "+31", "text": 5}, "'text'"),
        ("webhook", "k", {"body": {}}, "'url'"),
    ],
)
def test_invalid_messages_are_named(
    kind: str, key: str, payload: dict[str, object], rule: str
) -> None:
    with pytest.raises(InvalidInput, match=rule.replace("(", r"\(")):
        validate_message(kind, key, payload)


def test_message_id_is_stable_and_uses_the_sender_domain() -> None:
    assert email_message_id("abc", "Shop <news@shop.example>") == "<outbox.abc@shop.example>"
    assert email_message_id("abc", "news@shop.example") == "<outbox.abc@shop.example>"
    assert email_message_id("abc", "no address") == "<outbox.abc@opencx.local>"


def test_signature_is_hmac_sha256_hex() -> None:
    # RFC 4231 test case 2.
    sig = signature(b"Jefe", b"what do ya want for nothing?")
    assert sig == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_public_surface() -> None:
    import opencx.outbox

    assert sorted(opencx.outbox.__all__) == [
        "BatchResult",
        "DeliveryFailed",
        "Kind",
        "OutboxMessage",
        "RetryPolicy",
        "Status",
        "Transport",
        "enqueue",
        "queue",
        "run",
        "run_once",
    ]
    assert all(hasattr(opencx.outbox, name) for name in opencx.outbox.__all__)
