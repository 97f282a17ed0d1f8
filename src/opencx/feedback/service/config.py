"""What the feedback use cases are configured with (built by ``opencx.app`` from Settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from opencx.core.contacts import ContactsOf, no_contacts
from opencx.feedback.domain.loop import DEFAULT_RULES, LoopRule
from opencx.feedback.domain.recontact import RecontactPolicy


@dataclass(frozen=True, slots=True)
class FeedbackConfig:
    """``secret_key`` signs survey tokens; ``base_url`` starts every survey link."""

    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    policy: RecontactPolicy = field(default_factory=RecontactPolicy)
    token_days: int = 30
    reminder_after: timedelta = timedelta(days=3)
    rules: tuple[LoopRule, ...] = DEFAULT_RULES
    # the customers slice's published read of names, emails and phones (opencx.app wires it)
    contacts: ContactsOf = no_contacts
