"""Recontact rules: explicit, explainable, and properties that hold for any history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from opencx.feedback.domain import Contact, Reachability, RecontactPolicy, decide

T = datetime(2026, 3, 1, tzinfo=UTC)
OK = Reachability(consent=True)


def test_reasons_read_like_sentences() -> None:
    p = RecontactPolicy()
    assert decide(p, "nps", T, [], OK).send
    assert str(decide(p, "nps", T, [Contact("csat", T - timedelta(days=12))], OK)) == (
        "not sent: surveyed 12 days ago (quiet period 30 days)"
    )
    assert str(decide(p, "nps", T, [], Reachability(consent=False))) == (
        "not sent: no consent to surveys"
    )
    assert "opted out" in str(decide(p, "nps", T, [], Reachability(True, opted_out=True)))
    assert "no sms address" in str(
        decide(p, "nps", T, [], Reachability(True, has_address=False), "sms")
    )
    capped = decide(
        RecontactPolicy(quiet_days=0, survey_max=1, survey_period_days=90),
        "nps",
        T,
        [Contact("nps", T - timedelta(days=40))],
        OK,
    )
    assert capped.rule == "cap" and "cap 1" in capped.reason
    assert decide(p, "nps", T, [Contact("csat", T - timedelta(days=30))], OK).send


days = st.integers(min_value=0, max_value=400)
surveys = st.sampled_from(["nps", "csat", "ces"])
policies = st.builds(RecontactPolicy, st.integers(0, 60), st.integers(1, 4), st.integers(1, 180))


@given(policies, st.lists(st.tuples(days, surveys), max_size=40))
def test_applying_the_rules_never_breaks_them(policy, attempts) -> None:
    """Invite whenever the rules allow, in time order: the sent history obeys quiet and caps."""
    sent: list[Contact] = []
    for day, survey in sorted(attempts):
        at = T + timedelta(days=day)
        if decide(policy, survey, at, sent, OK).send:
            sent.append(Contact(survey, at))
    for i, c in enumerate(sent):
        for d in sent[i + 1 :]:
            assert d.at - c.at >= timedelta(days=policy.quiet_days)
        window = [
            d
            for d in sent
            if c.at - timedelta(days=policy.survey_period_days) < d.at <= c.at
            and d.survey_key == c.survey_key
        ]
        assert len(window) <= policy.survey_max


@given(
    policies,
    st.lists(st.tuples(days, surveys), max_size=20),
    st.tuples(days, surveys),
    days,
    surveys,
)
def test_more_history_never_turns_a_no_into_a_yes(policy, history, extra, day, survey) -> None:
    at = T + timedelta(days=day)
    past = [Contact(s, T + timedelta(days=d)) for d, s in history]
    more = [*past, Contact(extra[1], T + timedelta(days=extra[0]))]
    if not decide(policy, survey, at, past, OK).send:
        assert not decide(policy, survey, at, more, OK).send


@given(policies, st.lists(st.tuples(days, surveys), max_size=20), days, surveys)
def test_consent_and_opt_out_always_win(policy, history, day, survey) -> None:
    at = T + timedelta(days=day)
    past = [Contact(s, T + timedelta(days=d)) for d, s in history]
    assert not decide(policy, survey, at, past, Reachability(consent=False)).send
    assert not decide(policy, survey, at, past, Reachability(True, opted_out=True)).send
