"""The SLA clock: targets in business hours, pauses while pending, warnings, breaches, reopen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain import (
    BusinessCalendar,
    CaseFacts,
    ClockEvent,
    Condition,
    SlaPolicy,
    Target,
    TimerState,
    choose_policy,
    measure,
)

H = timedelta(hours=1)
OFFICE = BusinessCalendar.weekdays("UTC", "09:00-17:00")
MON = datetime(2026, 1, 19, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC
POLICY = SlaPolicy("standard", OFFICE, first_response=4 * H, next_response=8 * H, resolution=16 * H)


def out(at: datetime) -> ClockEvent:
    return ClockEvent(at, "message_out")


def inbound(at: datetime) -> ClockEvent:
    return ClockEvent(at, "message_in")


def status(at: datetime, value: str) -> ClockEvent:
    return ClockEvent(at, "status", value)


def test_first_response_counts_business_hours_only() -> None:
    opened = MON + 7 * H  # 16:00
    report = measure(POLICY, opened, [out(MON + 25 * H)], now=MON + 30 * H)  # Tue 10:00
    first = report.latest(Target.FIRST_RESPONSE)
    assert first is not None
    assert first.business == 2 * H and first.wall == 18 * H
    assert first.state is TimerState.MET


def test_a_reply_that_resolves_meets_the_first_response_whatever_order_the_events_come_in() -> None:
    # one agent action stores a reply and a status change at the same instant; the store may
    # hand them back in either order
    at = MON + H
    for events in ([out(at), status(at, "resolved")], [status(at, "resolved"), out(at)]):
        report = measure(POLICY, MON, events, now=MON + 2 * H)
        first = report.latest(Target.FIRST_RESPONSE)
        assert first is not None and first.state is TimerState.MET and first.business == H


def test_running_timer_warns_then_breaches() -> None:
    report = measure(POLICY, MON, [], now=MON + 2 * H)
    first = report.latest(Target.FIRST_RESPONSE)
    assert first is not None and first.state is TimerState.RUNNING
    assert first.due_at == MON + 4 * H and first.warn_at == MON + 3 * H
    late = measure(POLICY, MON, [], now=MON + 4 * H).latest(Target.FIRST_RESPONSE)
    assert late is not None and late.state is TimerState.BREACHED and report.attained


def test_pending_on_customer_pauses_resolution_and_third_party_does_not() -> None:
    events = [
        out(MON + H),
        status(MON + H, "pending_customer"),
        inbound(MON + 5 * H),
        status(MON + 5 * H, "open"),
        status(MON + 6 * H, "pending_third_party"),
        status(MON + 7 * H, "resolved"),
    ]
    resolution = measure(POLICY, MON, events, now=MON + 8 * H).latest(Target.RESOLUTION)
    assert resolution is not None
    assert resolution.business == 3 * H  # 1 h before pending, 2 h after (third party counts)
    assert resolution.state is TimerState.MET


def test_paused_timer_has_no_due_time() -> None:
    events = [out(MON + H), status(MON + H, "pending_customer")]
    resolution = measure(POLICY, MON, events, now=MON + 30 * H).latest(Target.RESOLUTION)
    assert resolution is not None
    assert resolution.state is TimerState.PAUSED and resolution.due_at is None


def test_next_response_cycles_after_each_customer_message() -> None:
    events = [out(MON + H), inbound(MON + 2 * H), out(MON + 3 * H), inbound(MON + 4 * H)]
    report = measure(POLICY, MON, events, now=MON + 5 * H)
    nexts = [t for t in report.timers if t.target is Target.NEXT_RESPONSE]
    assert [(t.business, t.stopped_at is not None) for t in nexts] == [(H, True), (H, False)]


def test_reopen_on_customer_reply_counts_resolution_on() -> None:
    events = [
        out(MON + H),
        status(MON + 2 * H, "resolved"),
        inbound(MON + 4 * H),
        status(MON + 4 * H, "open"),
        status(MON + 5 * H, "resolved"),
    ]
    resolution = measure(POLICY, MON, events, now=MON + 6 * H).latest(Target.RESOLUTION)
    assert resolution is not None and resolution.business == 3 * H
    assert (
        len(
            [
                t
                for t in measure(POLICY, MON, events, now=MON + 6 * H).timers
                if t.target is Target.RESOLUTION
            ]
        )
        == 1
    )


def test_policy_is_chosen_by_condition_in_order() -> None:
    vip = SlaPolicy("vip", OFFICE, first_response=H, condition=Condition(min_customer_value=1000))
    urgent = SlaPolicy(
        "urgent", OFFICE, first_response=H, condition=Condition(priorities=frozenset({"urgent"}))
    )
    chat = SlaPolicy(
        "chat",
        BusinessCalendar.always(),
        first_response=H / 60,
        condition=Condition(channels=frozenset({"chat"})),
    )
    policies = [vip, urgent, chat, POLICY]
    assert choose_policy(policies, CaseFacts("urgent", "email", customer_value=5000)) is vip
    assert choose_policy(policies, CaseFacts("urgent", "email", customer_value=None)) is urgent
    assert choose_policy(policies, CaseFacts("normal", "chat")) is chat
    assert choose_policy(policies, CaseFacts("normal", "email")) is POLICY
    assert choose_policy([vip], CaseFacts("normal", "email")) is None


def test_bad_policies_are_refused() -> None:
    with pytest.raises(InvalidInput, match="warn_ratio"):
        SlaPolicy("x", OFFICE, first_response=H, warn_ratio=0)
    with pytest.raises(InvalidInput, match="first_response target must be positive"):
        SlaPolicy("x", OFFICE, first_response=timedelta(0))


# --- properties ------------------------------------------------------------------------------
KINDS = st.sampled_from(
    [
        "message_in",
        "message_out",
        "open",
        "pending_customer",
        "pending_third_party",
        "resolved",
        "closed",
    ]
)


@st.composite
def timelines(draw: st.DrawFn) -> list[ClockEvent]:
    steps = draw(st.lists(st.tuples(st.integers(0, 48 * 60), KINDS), max_size=15))
    events, at = [], MON
    for minutes, kind in steps:
        at += timedelta(minutes=minutes)
        if kind.startswith("message"):
            events.append(ClockEvent(at, kind))
        else:
            events.append(ClockEvent(at, "status", kind))
    return events


@settings(max_examples=200, deadline=None)
@given(timelines(), st.integers(0, 30 * 24 * 60))
def test_timers_never_count_more_than_the_calendar_between_their_ends(
    events: list[ClockEvent], minutes: int
) -> None:
    now = MON + timedelta(minutes=minutes)
    for timer in measure(POLICY, MON, events, now).timers:
        end = timer.stopped_at or now
        assert timedelta(0) <= timer.business <= OFFICE.business_time(timer.started_at, end)
        assert timer.business <= timer.wall <= end - timer.started_at


@settings(max_examples=200, deadline=None)
@given(timelines(), st.integers(0, 30 * 24 * 60))
def test_never_pausing_policy_counts_at_least_as_much(
    events: list[ClockEvent], minutes: int
) -> None:
    now = MON + timedelta(minutes=minutes)
    never = SlaPolicy("never", OFFICE, resolution=16 * H, pause_on=frozenset())
    paused = measure(POLICY, MON, events, now).latest(Target.RESOLUTION)
    counted = measure(never, MON, events, now).latest(Target.RESOLUTION)
    assert paused is not None and counted is not None
    assert paused.business <= counted.business


@settings(max_examples=100, deadline=None)
@given(timelines())
def test_clock_is_monotone_in_now(events: list[ClockEvent]) -> None:
    earlier = measure(POLICY, MON, events, MON + 24 * H).latest(Target.RESOLUTION)
    later = measure(POLICY, MON, events, MON + 96 * H).latest(Target.RESOLUTION)
    assert earlier is not None and later is not None
    assert earlier.business <= later.business
