"""Agent quality: QA scorecards, scoring a review, calibration between reviewers, coaching needs.

A scorecard has sections of weighted questions, each scored 0..``max_points`` or left out as not
applicable. A review's score is the weighted share of points earned over the questions answered
(0–100). A *critical* question answered with 0 points zeroes the whole review (a compliance or
data-protection failure is not averaged away). Calibration compares reviews of one conversation
by different reviewers; coaching needs are an agent's questions whose average share falls below
a threshold, worst first.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain.documents import Document


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    weight: float = 1.0
    max_points: int = 1  # 1: pass/fail; 4: a 0..4 scale
    critical: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Scorecard:
    key: str
    name: str
    sections: tuple[Section, ...]

    def __post_init__(self) -> None:
        keys = [q.key for s in self.sections for q in s.questions]
        if not keys:
            raise InvalidInput(f"scorecard {self.key!r} has no questions")
        if len(set(keys)) != len(keys):
            raise InvalidInput(f"scorecard {self.key!r}: question keys must be unique")
        for q in self.questions:
            if q.weight <= 0 or q.max_points < 1:
                raise InvalidInput(
                    f"scorecard {self.key!r}: question {q.key!r} needs a positive weight and max"
                )

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


Answers = Mapping[str, int | None]
"""question key → points earned, or None for not applicable."""


def check_answers(card: Scorecard, answers: Answers) -> None:
    known = {q.key: q for q in card.questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise InvalidInput(f"scorecard {card.key!r}: unknown question(s) {unknown}")
    for key, points in answers.items():
        if points is not None and not 0 <= points <= known[key].max_points:
            raise InvalidInput(
                f"scorecard {card.key!r}: {key} = {points} is outside 0..{known[key].max_points}"
            )
    missing = [q.key for q in card.questions if q.critical and answers.get(q.key) is None]
    if missing:
        raise InvalidInput(f"scorecard {card.key!r}: critical question(s) {missing} need an answer")


def score(card: Scorecard, answers: Answers) -> float:
    """0–100; 0 when a critical question earned 0 points.

    >>> card = Scorecard("qa", "QA", (Section("s", (Question("greet", "Greets", 1.0),
    ...     Question("gdpr", "Verifies identity", 2.0, critical=True))),))
    >>> score(card, {"greet": 0, "gdpr": 1})
    66.66666666666667
    >>> score(card, {"greet": 1, "gdpr": 0})
    0.0
    """
    check_answers(card, answers)
    earned = possible = 0.0
    for q in card.questions:
        points = answers.get(q.key)
        if points is None:
            continue
        if q.critical and points == 0:
            return 0.0
        earned += q.weight * points / q.max_points
        possible += q.weight
    return 100.0 * earned / possible if possible else 100.0


@dataclass(frozen=True, slots=True)
class Calibration:
    reviews: int
    spread: float  # max − min score, points of 100
    stdev: float
    disagreements: tuple[str, ...]  # questions the reviewers scored differently


def calibrate(card: Scorecard, reviews: Sequence[Answers]) -> Calibration:
    """How far reviewers of one conversation are apart (fewer than two reviews: 0)."""
    scores = [score(card, a) for a in reviews]
    if len(scores) < 2:
        return Calibration(len(scores), 0.0, 0.0, ())
    differ = tuple(q.key for q in card.questions if len({a.get(q.key) for a in reviews}) > 1)
    return Calibration(len(scores), max(scores) - min(scores), statistics.stdev(scores), differ)


def coaching_needs(
    card: Scorecard, reviews: Sequence[Answers], threshold: float = 0.8
) -> list[tuple[str, float, int]]:
    """(question, average share earned, reviews) below ``threshold``, worst first."""
    needs = []
    for q in card.questions:
        shares = [a[q.key] / q.max_points for a in reviews if a.get(q.key) is not None]  # type: ignore[operator]
        if shares and statistics.fmean(shares) < threshold:
            needs.append((q.key, statistics.fmean(shares), len(shares)))
    return sorted(needs, key=lambda n: (n[1], n[0]))


MOST_POINTS = 100  # a question's scale: 1 (pass/fail) to 100
MOST_WEIGHT = 1000.0


def checked_scorecard(data: object) -> Scorecard:
    """A scorecard as an admin defines it (the API's body, the page's editor), every value
    checked and a wrong one named by its path; :func:`scorecard_from_dict` reads one stored."""
    doc = Document("scorecard", data)
    doc.only(("key", "name", "sections"))
    key, name = doc.key("key"), doc.text("name")
    sections = []
    for section in doc.objects("sections"):
        section.only(("name", "questions"))
        questions = tuple(_checked_question(q) for q in section.objects("questions"))
        sections.append(Section(section.text("name"), questions))
    return Scorecard(key, name, tuple(sections))


def _checked_question(doc: Document) -> Question:
    doc.only(("key", "text", "weight", "max_points", "critical"))
    return Question(
        doc.key("key"),
        doc.text("text"),
        doc.positive("weight", 1.0, MOST_WEIGHT),
        doc.whole("max_points", 1, 1, MOST_POINTS),
        doc.flag("critical", False),
    )


def scorecard_from_dict(data: Mapping[str, Any]) -> Scorecard:
    """Build a scorecard from its JSON form (API body or stored definition)."""
    try:
        sections = tuple(
            Section(str(s["name"]), tuple(Question(**q) for q in s["questions"]))
            for s in data["sections"]
        )
        return Scorecard(str(data["key"]), str(data["name"]), sections)
    except (KeyError, TypeError) as exc:
        raise InvalidInput(f"scorecard definition is incomplete or malformed: {exc}") from None


def scorecard_to_dict(card: Scorecard) -> dict[str, object]:
    return {
        "key": card.key,
        "name": card.name,
        "sections": [
            {
                "name": s.name,
                "questions": [
                    {
                        "key": q.key,
                        "text": q.text,
                        "weight": q.weight,
                        "max_points": q.max_points,
                        "critical": q.critical,
                    }
                    for q in s.questions
                ],
            }
            for s in card.sections
        ],
    }
