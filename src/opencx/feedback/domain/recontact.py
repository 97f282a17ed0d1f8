"""Recontact rules: who may be asked now, and why not, in words a person can check.

A customer is never over-surveyed: after any invitation (of any survey) a *quiet period* follows
(default 30 days); a survey may cap how often one customer gets it within a period; consent,
an opt-out, an erased profile and a missing address stop an invitation. :func:`decide` applies
the rules in a fixed order and returns the first that refuses, as a sentence such as
``"not sent: surveyed 12 days ago (quiet period 30 days)"``.

The rules are pure: the caller passes the customer's earlier invitations and the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from opencx.core.errors import InvalidInput

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RecontactPolicy:
    """Quiet period across all surveys; at most ``survey_max`` of one survey per period."""

    quiet_days: int = 30
    survey_max: int = 1
    survey_period_days: int = 90

    def __post_init__(self) -> None:
        if self.quiet_days < 0 or self.survey_max < 1 or self.survey_period_days < 1:
            raise InvalidInput(
                "recontact: need quiet_days ≥ 0, survey_max ≥ 1 and survey_period_days ≥ 1, got "
                f"{self.quiet_days}, {self.survey_max}, {self.survey_period_days}"
            )

    def for_survey(self, overrides: dict[str, int]) -> RecontactPolicy:
        """This policy with a survey's own cap (``{"max": 2, "period_days": 30}``)."""
        return RecontactPolicy(
            self.quiet_days,
            overrides.get("max", self.survey_max),
            overrides.get("period_days", self.survey_period_days),
        )


@dataclass(frozen=True, slots=True)
class Contact:
    """An earlier invitation of the customer: which survey, when it was (or will be) sent."""

    survey_key: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Reachability:
    """What the customer allows and where they can be reached on the chosen channel."""

    consent: bool
    opted_out: bool = False
    erased: bool = False
    has_address: bool = True
    known: bool = True  # False: no such customer


@dataclass(frozen=True, slots=True)
class Decision:
    send: bool
    rule: str  # "ok", "unknown", "erased", "opted_out", "consent", "address", "quiet", "cap"
    reason: str

    def __str__(self) -> str:
        return self.reason


def _ago(delta: timedelta) -> str:
    days = int(delta / DAY)
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''} ago"
    hours = int(delta / timedelta(hours=1))
    return f"{hours} hour{'s' if hours != 1 else ''} ago" if hours else "just now"


def _reachable(reach: Reachability, channel: str) -> Decision | None:
    if not reach.known:
        return Decision(False, "unknown", "not sent: no such customer")
    if reach.erased:
        return Decision(False, "erased", "not sent: the customer's data was erased")
    if reach.opted_out:
        return Decision(False, "opted_out", "not sent: the customer opted out of surveys")
    if not reach.consent:
        return Decision(False, "consent", "not sent: no consent to surveys")
    if not reach.has_address:
        return Decision(False, "address", f"not sent: no {channel} address")
    return None


def decide(
    policy: RecontactPolicy,
    survey_key: str,
    now: datetime,
    history: Sequence[Contact],
    reach: Reachability,
    channel: str = "email",
) -> Decision:
    """Whether to invite now, and the rule that says no.

    >>> from datetime import UTC
    >>> t = datetime(2026, 3, 13, tzinfo=UTC)
    >>> past = [Contact("csat", t - 12 * DAY)]
    >>> print(decide(RecontactPolicy(), "nps", t, past, Reachability(True)))
    not sent: surveyed 12 days ago (quiet period 30 days)
    """
    refused = _reachable(reach, channel)
    if refused is not None:
        return refused
    quiet = policy.quiet_days * DAY
    recent = [c for c in history if now - quiet < c.at <= now + quiet]
    if recent:
        nearest = min(recent, key=lambda c: abs(now - c.at))
        when = _ago(now - nearest.at) if nearest.at <= now else "already scheduled"
        return Decision(
            False, "quiet", f"not sent: surveyed {when} (quiet period {policy.quiet_days} days)"
        )
    period = policy.survey_period_days * DAY
    same = [c for c in history if c.survey_key == survey_key and now - period < c.at <= now]
    if len(same) >= policy.survey_max:
        return Decision(
            False,
            "cap",
            f"not sent: {len(same)} invitation(s) to {survey_key} in the last "
            f"{policy.survey_period_days} days (cap {policy.survey_max})",
        )
    return Decision(True, "ok", "sent")
