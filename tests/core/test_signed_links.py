"""Signed links: the subject is bound to the signature, a purpose never opens another, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.core.signed_links import BadSignedLink, Refusal, issue, verify
from opencx.feedback.domain.tokens import issue as survey_token
from opencx.loyalty.domain.links import BadLink, verify_link

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LATER = NOW + timedelta(days=30)
subjects = st.text(st.characters(whitelist_categories=["L", "N"]), min_size=1, max_size=30)


@given(subjects, st.text(min_size=1, max_size=20))
def test_a_token_opens_only_its_own_subject_and_purpose(subject: str, purpose: str) -> None:
    token = issue("secret", purpose, subject, LATER)
    assert verify("secret", purpose, token, NOW).subject == subject
    with pytest.raises(BadSignedLink) as other:
        verify("secret", purpose + "x", token, NOW)
    assert other.value.reason is Refusal.FORGED
    body, _, signature = token.rpartition(".")
    changed = f"{subject}x.{body.split('.')[1]}.{signature}"
    with pytest.raises(BadSignedLink):
        verify("secret", purpose, changed, NOW)


def test_expired_and_malformed_tokens_are_refused_with_their_reason() -> None:
    token = issue("secret", "p", "s1", LATER)
    with pytest.raises(BadSignedLink) as late:
        verify("secret", "p", token, LATER)
    assert late.value.reason is Refusal.EXPIRED
    for bad in ("", "a.b", "a.b.c", "s1.notanumber.sig"):
        with pytest.raises(BadSignedLink) as malformed:
            verify("secret", "p", bad, NOW)
        assert malformed.value.reason is Refusal.MALFORMED


def test_a_survey_token_never_opens_a_member_page() -> None:
    token = survey_token("secret", "m1", LATER)
    with pytest.raises(BadLink, match="not genuine"):
        verify_link("secret", token, NOW)


def test_a_subject_with_a_dot_is_refused_at_issue() -> None:
    with pytest.raises(ValueError):
        issue("secret", "p", "a.b", LATER)
