"""Signed session and device cookies and CSRF tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from opencx.web.auth import safe_next
from opencx.web.session import (
    Device,
    Session,
    csrf_token,
    csrf_valid,
    decode_device,
    decode_session,
    encode_device,
    encode_session,
    new_nonce,
)


def test_round_trip() -> None:
    session = Session("token-1", new_nonce())
    assert decode_session(encode_session(session, "k"), "k") == session
    device = Device("acct", new_nonce())
    assert decode_device(encode_device(device, "k"), "k") == device


def test_other_secret_is_refused() -> None:
    value = encode_session(Session("t", "n"), "k")
    assert decode_session(value, "other") is None
    assert decode_device(encode_device(Device("a", "d"), "k"), "other") is None


def test_a_session_cookie_is_not_a_device_cookie_and_back() -> None:
    """Each cookie is signed for its purpose, so one cannot stand in for the other."""
    assert decode_device(encode_session(Session("a", "d"), "k"), "k") is None
    assert decode_session(encode_device(Device("a", "d"), "k"), "k") is None


@given(st.text(max_size=200))
def test_garbage_is_never_a_session(value: str) -> None:
    assert decode_session(value, "k") is None
    assert decode_device(value, "k") is None


@given(st.integers(min_value=0, max_value=200), st.characters(codec="ascii"))
def test_any_altered_byte_breaks_the_signature(position: int, char: str) -> None:
    value = encode_session(Session("token-1", "nonce"), "k")
    position %= len(value)
    altered = value[:position] + char + value[position + 1 :]
    if altered != value:
        assert decode_session(altered, "k") is None


def test_csrf_token_is_tied_to_nonce_and_secret() -> None:
    token = csrf_token("n1", "k")
    assert csrf_valid(token, "n1", "k")
    assert not csrf_valid(token, "n2", "k")
    assert not csrf_valid(token, "n1", "k2")
    assert not csrf_valid(None, "n1", "k") and not csrf_valid(token, None, "k")


def test_safe_next_keeps_only_local_paths() -> None:
    assert safe_next("/customers?q=ana") == "/customers?q=ana"
    for bad in (None, "", "https://evil.example", "//evil.example", "/\\evil", "javascript:x"):
        assert safe_next(bad) == "/"


@given(st.text(max_size=80), st.text(max_size=20))
def test_any_token_or_nonce_text_is_checked_without_error(token: str, nonce: str) -> None:
    assert csrf_valid(token, nonce, "k") == (bool(nonce) and token == csrf_token(nonce, "k"))
