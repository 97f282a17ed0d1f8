"""Pure rules of the feedback slice: surveys and translations, recontact, triggers, tokens,
responses, the closed loop and the invitation message."""

from opencx.feedback.domain.events import FollowUpRequested, ResponseRecorded
from opencx.feedback.domain.loop import DEFAULT_RULES, FollowUp, LoopRule, closure, follow_up
from opencx.feedback.domain.messages import Invitation, invitation, survey_url
from opencx.feedback.domain.recontact import (
    Contact,
    Decision,
    Reachability,
    RecontactPolicy,
    decide,
)
from opencx.feedback.domain.responses import (
    Answer,
    merge,
    missing_required,
    parse_answers,
    submission,
    visible,
)
from opencx.feedback.domain.strings import SUPPORTED, pick, system
from opencx.feedback.domain.surveys import (
    KINDS,
    QUESTION_TYPES,
    Choice,
    Question,
    ShowIf,
    Survey,
    check_edit,
    parse_definition,
    template,
    to_definition,
    untranslated,
    validate,
)
from opencx.feedback.domain.tokens import BadToken, TokenClaims, issue, token_hash, verify
from opencx.feedback.domain.triggers import EVENTS, Trigger, due_at, sampled, schedule_due

__all__ = [
    "DEFAULT_RULES",
    "EVENTS",
    "KINDS",
    "QUESTION_TYPES",
    "SUPPORTED",
    "Answer",
    "BadToken",
    "Choice",
    "Contact",
    "Decision",
    "FollowUp",
    "FollowUpRequested",
    "Invitation",
    "LoopRule",
    "Question",
    "Reachability",
    "RecontactPolicy",
    "ResponseRecorded",
    "ShowIf",
    "Survey",
    "TokenClaims",
    "Trigger",
    "check_edit",
    "closure",
    "decide",
    "due_at",
    "follow_up",
    "invitation",
    "issue",
    "merge",
    "missing_required",
    "parse_answers",
    "parse_definition",
    "pick",
    "sampled",
    "schedule_due",
    "submission",
    "survey_url",
    "system",
    "template",
    "to_definition",
    "token_hash",
    "untranslated",
    "validate",
    "verify",
    "visible",
]
