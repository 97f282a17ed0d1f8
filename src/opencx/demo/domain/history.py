"""The demo's surveys as history for the feedback slice to load through its own rules.

The generator makes the survey tables like every other table (so the model can be checked in
memory); when the demo is written by :class:`~opencx.demo.service.DemoService`, these tables
are not inserted but handed over as a survey history: survey definitions, invitation columns
and response columns whose ``values`` are what each respondent answered. The feedback slice
checks them, makes the question rows, the typed answers and each invitation's status itself
(``opencx.feedback.service.history``); the generated ``survey_questions`` and ``answers`` rows
are therefore not passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from opencx.demo.domain.rows import TableRows

SURVEY_TABLES = frozenset({"surveys", "survey_questions", "invitations", "responses", "answers"})
"""The tables the feedback slice writes from a survey history."""

_RESPONSE_OPTIONAL = (
    "invitation_id",
    "customer_id",
    "channel",
    "language",
    "touchpoint",
    "context_kind",
    "context_id",
)


def _times(values: Any) -> list[datetime | None]:
    return [
        None if s != s else datetime.fromtimestamp(round(s), UTC)
        for s in np.asarray(values, dtype=float).tolist()
    ]


def _list(values: Any) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def survey_history(tables: Iterable[TableRows]) -> dict[str, Any]:
    """``surveys``, ``invitations`` and ``responses`` as the feedback slice's history load
    takes them, from the generated survey tables (any number of parts each)."""
    parts: dict[str, list[TableRows]] = {}
    for rows in tables:
        parts.setdefault(rows.table, []).append(rows)
    surveys, key_of = _surveys(parts.get("surveys", []), parts.get("survey_questions", []))
    return {
        "surveys": surveys,
        "invitations": _invitations(parts.get("invitations", []), key_of),
        "responses": _responses(parts.get("responses", []), key_of),
    }


def _surveys(
    parts: list[TableRows], question_parts: list[TableRows]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Survey definitions (questions with their scales) and the key of each survey id."""
    scales: dict[tuple[str, str], tuple[Any, Any]] = {}
    for q in question_parts:
        c = q.columns
        for sid, key, low, high in zip(
            c["survey_id"], c["key"], c["scale_min"], c["scale_max"], strict=True
        ):
            scales[(str(sid), str(key))] = (low, high)
    surveys: list[dict[str, Any]] = []
    key_of: dict[str, str] = {}
    for s in parts:
        c = s.columns
        for sid, key, kind, name, languages, definition in zip(
            _list(c["id"]),
            c["key"],
            c["kind"],
            c["name"],
            c["languages"],
            c["definition"],
            strict=True,
        ):
            key_of[sid] = key
            questions = []
            for q in definition["questions"]:
                low, high = scales.get((sid, q["key"]), (None, None))
                scale = {} if low is None else {"scale_min": low, "scale_max": high}
                questions.append({**q, **scale})
            surveys.append(
                {
                    "id": sid,
                    "key": key,
                    "kind": kind,
                    "name": name,
                    "languages": list(languages),
                    "questions": questions,
                }
            )
    return surveys, key_of


def _invitations(parts: list[TableRows], key_of: dict[str, str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {
        k: []
        for k in ("id", "survey", "customer_id", "channel", "trigger", "trigger_ref", "sent_at")
    }
    out["opened_at"] = []
    for i in parts:
        c = i.columns
        out["id"] += _list(c["id"])
        out["survey"] += [key_of[s] for s in c["survey_id"]]
        for name in ("customer_id", "channel", "trigger", "trigger_ref"):
            out[name] += _list(c[name])
        out["sent_at"] += _times(c["sent_at"])
        out["opened_at"] += _times(c["opened_at"])
    return out


def _responses(parts: list[TableRows], key_of: dict[str, str]) -> dict[str, list[Any]]:
    """Response columns; ``values`` is what each respondent answered (the submission)."""
    out: dict[str, list[Any]] = {
        k: [] for k in ("id", "survey", "source", "external_id", "submitted_at", "values")
    }
    out.update({k: [] for k in _RESPONSE_OPTIONAL})
    for r in parts:
        c, n = r.columns, len(r)
        out["id"] += _list(c["id"])
        out["survey"] += [key_of[s] for s in c["survey_id"]]
        out["source"] += _list(c["source"])
        out["external_id"] += _list(c["external_id"])
        out["submitted_at"] += _times(c["submitted_at"])
        out["values"] += _list(c["submission"])
        for name in _RESPONSE_OPTIONAL:
            out[name] += _list(c[name]) if name in c else [None] * n
    return out
