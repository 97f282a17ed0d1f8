"""Responses: a submission checked against its survey version and turned into typed answers.

A response is kept twice: the submission as received (``responses.submission``, for replay and
export) and one typed row per answered question (``answers``), which metrics, the 360 profile
and text analytics read. Submissions merge: a one-click score from an email is a response with
one answer; the comment given afterwards is merged into it, so the score is never asked twice and
a resubmission (a double click, a reloaded page) changes nothing it does not mean to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.feedback.domain.surveys import Question, Survey

MAX_TEXT = 5000


@dataclass(frozen=True, slots=True)
class Answer:
    question_key: str
    question_type: str
    score: int | None = None
    choices: tuple[str, ...] | None = None
    text: str | None = None


def _score(q: Question, value: Any, where: str) -> int:
    try:
        score = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a whole number") from None
    low, high = q.scale or (0, 0)
    if not low <= score <= high:
        raise InvalidInput(f"{where}: {score} is outside the {low}–{high} scale")
    return score


def _choices(q: Question, value: Any, where: str) -> tuple[str, ...]:
    picked = [value] if isinstance(value, str) else list(value or [])
    known = {c.key for c in q.choices}
    unknown = [str(p) for p in picked if p not in known]
    if unknown:
        raise InvalidInput(f"{where}: {unknown[0]!r} is not one of {', '.join(sorted(known))}")
    if q.type == "single" and len(picked) > 1:
        raise InvalidInput(f"{where}: choose one")
    return tuple(dict.fromkeys(str(p) for p in picked))


def answer(q: Question, value: Any, where: str) -> Answer | None:
    """The typed answer to ``q`` (None for an empty text or no choice)."""
    if q.scored:
        if value is None or str(value).strip() == "":
            return None
        return Answer(q.key, q.type, score=_score(q, value, where))
    if q.type in ("single", "multi"):
        picked = _choices(q, value, where)
        return Answer(q.key, q.type, choices=picked) if picked else None
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{where}: at most {MAX_TEXT} characters")
    return Answer(q.key, q.type, text=text) if text else None


def parse_answers(survey: Survey, values: Mapping[str, Any]) -> dict[str, Answer]:
    """Typed answers of ``values`` (question key → raw value); unknown keys are an error."""
    unknown = sorted(set(values) - {q.key for q in survey.questions})
    if unknown:
        raise InvalidInput(f"survey {survey.key!r}: no question {unknown[0]!r}")
    found: dict[str, Answer] = {}
    for q in survey.questions:
        if q.key in values:
            got = answer(q, values[q.key], f"survey {survey.key!r} question {q.key!r}")
            if got is not None:
                found[q.key] = got
    return found


def visible(survey: Survey, answers: Mapping[str, Answer]) -> list[Question]:
    """The questions shown given the answers so far (follow-ups appear by score)."""
    shown = []
    for q in survey.questions:
        if q.show_if is None:
            shown.append(q)
            continue
        prior = answers.get(q.show_if.question)
        if q.show_if.holds(prior.score if prior else None):
            shown.append(q)
    return shown


def missing_required(survey: Survey, answers: Mapping[str, Answer]) -> list[str]:
    return [q.key for q in visible(survey, answers) if q.required and q.key not in answers]


def merge(
    earlier: Mapping[str, Answer], later: Mapping[str, Answer], *, overwrite_scores: bool = False
) -> dict[str, Answer]:
    """Answers after a further submission. A stored score stays unless ``overwrite_scores``."""
    merged = dict(earlier)
    for key, a in later.items():
        if key in earlier and a.score is not None and not overwrite_scores:
            continue
        merged[key] = a
    return merged


def submission(answers: Mapping[str, Answer]) -> dict[str, Any]:
    """The JSON kept as the submission: raw values by question key."""
    out: dict[str, Any] = {}
    for key, a in answers.items():
        out[key] = a.score if a.score is not None else (list(a.choices) if a.choices else a.text)
    return out
