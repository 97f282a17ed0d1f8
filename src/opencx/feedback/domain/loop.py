"""Closed-loop rules: which answers need a person to follow up, and by when.

A rule matches a low score (NPS ≤ 6, CSAT ≤ 2), a keyword in a comment, or a theme found by text
analytics. The first matching rule (in the order given) makes one :class:`FollowUp`; the service
records it and publishes :class:`~opencx.feedback.domain.events.FollowUpRequested`, which the
composition root hands to the helpdesk to open a case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from opencx.core.errors import InvalidInput
from opencx.feedback.domain.responses import Answer

RULE_KINDS = ("score_at_most", "keyword", "theme")


@dataclass(frozen=True, slots=True)
class LoopRule:
    """``score_at_most``: ``question_type`` score ≤ ``threshold``; ``keyword``: a comment holds
    one of ``words``; ``theme``: text analytics tagged the comment with one of ``words``."""

    name: str
    kind: str
    question_type: str = "nps"
    threshold: int = 6
    words: tuple[str, ...] = ()
    due_hours: int = 48
    owner: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise InvalidInput(f"loop rule {self.name!r}: kind must be one of {RULE_KINDS}")
        if self.kind != "score_at_most" and not self.words:
            raise InvalidInput(f"loop rule {self.name!r}: a {self.kind} rule needs words")


DEFAULT_RULES: tuple[LoopRule, ...] = (
    LoopRule("nps-detractor", "score_at_most", "nps", 6),
    LoopRule("csat-unhappy", "score_at_most", "csat", 2),
    LoopRule("ces-hard", "score_at_most", "ces", 2),
)


@dataclass(frozen=True, slots=True)
class FollowUp:
    rule: str
    reason: str
    due_at: datetime
    owner: str | None


def fold(text: str) -> str:
    """Case- and accent-folded text, so ``ΆΘΛΙΟ`` finds ``άθλιο`` and ``Élan`` finds ``elan``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match(rule: LoopRule, answers: Iterable[Answer], themes: Sequence[str]) -> str | None:
    for a in answers:
        low = a.score is not None and a.score <= rule.threshold
        if rule.kind == "score_at_most" and a.question_type == rule.question_type and low:
            return f"{a.question_type} score {a.score} ≤ {rule.threshold}"
        if rule.kind == "keyword" and a.text:
            folded = fold(a.text)
            hit = next((w for w in rule.words if fold(w) in folded), None)
            if hit is not None:
                return f"comment mentions {hit!r}"
    if rule.kind == "theme":
        hit = next((t for t in themes if t in rule.words), None)
        if hit is not None:
            return f"comment is about {hit!r}"
    return None


def follow_up(
    rules: Sequence[LoopRule],
    answers: Mapping[str, Answer],
    submitted_at: datetime,
    themes: Sequence[str] = (),
) -> FollowUp | None:
    """The follow-up the first matching rule asks for, or None."""
    for rule in rules:
        reason = _match(rule, answers.values(), themes)
        if reason is not None:
            due = submitted_at + timedelta(hours=rule.due_hours)
            return FollowUp(rule.name, reason, due, rule.owner)
    return None


def closure(opened: Sequence[datetime], closed: Sequence[datetime | None]) -> tuple[float, float]:
    """Loop-closure rate (closed / opened) and median hours to close, over paired lists."""
    if not opened:
        return 0.0, 0.0
    hours = sorted(
        (c - o) / timedelta(hours=1) for o, c in zip(opened, closed, strict=True) if c is not None
    )
    rate = len(hours) / len(opened)
    if not hours:
        return rate, 0.0
    mid = len(hours) // 2
    median = hours[mid] if len(hours) % 2 else (hours[mid - 1] + hours[mid]) / 2
    return rate, median
