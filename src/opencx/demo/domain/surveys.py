"""The demo surveys and their rows: definitions and questions, invitations (with response rates
and timing), responses and answers with comments in the customer's language.

The scores come from the streams of :mod:`opencx.demo.domain.feedback`; this module turns them into
``surveys``, ``survey_questions``, ``invitations``, ``responses`` and ``answers`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from opencx.demo.domain.people import People
from opencx.demo.domain.rows import HOUR, TableRows, make_ids
from opencx.demo.domain.text import COMMENTS, QUESTIONS, THEMES

SURVEYS = {  # key: kind, name, questions (key, type, min, max)
    "nps-relationship": ("nps", "Relationship NPS", (("nps", "nps", 0, 10), ("comment", "text"))),
    "nps-order": ("nps", "After your order", (("nps", "nps", 0, 10), ("comment", "text"))),
    "csat-case": ("csat", "How did we help?", (("csat", "csat", 1, 5), ("comment", "text"))),
    "ces-case": ("ces", "How easy was it?", (("ces", "ces", 1, 7),)),
}


RESPONSE_RATE = {"nps-relationship": 0.18, "nps-order": 0.22, "csat-case": 0.28, "ces-case": 0.28}


def survey_rows(
    rng: np.random.Generator,
    at: float,
    surveys: Mapping[str, tuple[str, str, tuple[tuple[Any, ...], ...]]] = SURVEYS,
    texts: Mapping[str, Mapping[str, str]] = QUESTIONS,
    languages: tuple[str, ...] = ("nl", "da", "el", "en"),
) -> tuple[TableRows, TableRows, dict[str, str]]:
    """Survey definitions and their questions (by default the four above, texts in nl, da, el
    and en); questions are ``(key, type[, scale_min, scale_max])``."""
    keys = list(surveys)
    ids = make_ids(rng, np.full(len(keys), at))
    rows = TableRows(
        "surveys",
        {
            "id": ids,
            "key": keys,
            "kind": [surveys[k][0] for k in keys],
            "name": [surveys[k][1] for k in keys],
            "version": [1] * len(keys),
            "languages": [list(languages)] * len(keys),
            "definition": [
                {
                    "questions": [
                        {"key": q[0], "type": q[1], "text": texts[q[0]]} for q in surveys[k][2]
                    ]
                }
                for k in keys
            ],
        },
    )
    qs = [(sid, q) for sid, k in zip(ids.tolist(), keys, strict=True) for q in surveys[k][2]]
    questions = TableRows(
        "survey_questions",
        {
            "id": make_ids(rng, np.full(len(qs), at)),
            "survey_id": [sid for sid, _ in qs],
            "key": [q[0] for _, q in qs],
            "type": [q[1] for _, q in qs],
            "scale_min": [q[2] if len(q) > 2 else None for _, q in qs],
            "scale_max": [q[3] if len(q) > 2 else None for _, q in qs],
        },
    )
    return rows, questions, dict(zip(keys, ids.tolist(), strict=True))


def invitation_rows(
    rng: np.random.Generator,
    people: People,
    streams: list[dict[str, Any]],
    survey_ids: dict[str, str],
    end: float,
) -> list[TableRows]:
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "survey",
            "customer",
            "sent",
            "trigger",
            "context_kind",
            "context_id",
            "touchpoint",
            "score",
            "neg",
            "pos",
        )
    }
    for s in streams:
        n = len(s["customer"])
        for key in cols:
            val = s[key]
            cols[key].extend([val] * n if isinstance(val, str | None) else list(val))
    sent = np.array(cols["sent"], dtype=float)
    keep = np.flatnonzero(sent < end)
    keep = keep[np.argsort(sent[keep], kind="stable")]
    c = {key: [v[i] for i in keep.tolist()] for key, v in cols.items()}
    n = len(keep)
    sent = sent[keep]
    survey = np.array(c["survey"], dtype=object)
    rate = np.vectorize(RESPONSE_RATE.get, otypes=[float])(survey) if n else np.zeros(0)
    submitted = sent + np.ceil(rng.lognormal(np.log(5 * HOUR), 1.2, n))
    responded = (rng.random(n) < rate) & (submitted < end)
    opened = np.where(
        responded,
        submitted - 120,
        np.where(
            rng.random(n) < 0.3, sent + np.ceil(rng.lognormal(np.log(8 * HOUR), 1.0, n)), np.nan
        ),
    )
    opened = np.where(opened < end, opened, np.nan)
    cust = np.array(c["customer"], dtype=int)
    inv_ids = make_ids(rng, sent)
    tokens = rng.integers(0, 2**63, (n, 4)).tolist()
    invitations = TableRows(
        "invitations",
        {
            "id": inv_ids,
            "survey_id": [survey_ids[s] for s in c["survey"]],
            "customer_id": people.ids[cust],
            "channel": ["email"] * n,
            "trigger": c["trigger"],
            "trigger_ref": c["context_id"],
            "token_hash": ["".join(f"{x:016x}" for x in t) for t in tokens],
            "scheduled_at": sent,
            "sent_at": sent,
            "opened_at": opened,
            "responded_at": np.where(responded, submitted, np.nan),
            "status": np.where(responded, "responded", "sent").astype(object),
        },
    )
    return [invitations, *_responses(rng, people, c, inv_ids, survey_ids, responded, submitted)]


def _responses(
    rng: np.random.Generator,
    people: People,
    c: dict[str, Any],
    inv_ids: np.ndarray,
    survey_ids: dict[str, str],
    responded: np.ndarray,
    submitted: np.ndarray,
) -> list[TableRows]:
    idx = np.flatnonzero(responded)
    order = idx[np.argsort(submitted[idx], kind="stable")]
    resp_ids = make_ids(rng, submitted[order])
    r: dict[str, list[Any]] = {k: [] for k in _ANSWER_COLS}
    submissions = []
    for rid, i in zip(resp_ids.tolist(), order.tolist(), strict=True):
        survey, score = c["survey"][i], int(c["score"][i])
        lang = people.language[c["customer"][i]]
        key = SURVEYS[survey][0]
        band = _band(key, score)
        sub: dict[str, object] = {key: score}
        _push(r, (rid, key, key, score, None, lang, submitted[i]))
        wants = rng.random() < (0.75 if band < 0 else 0.5)
        if key != "ces" and wants:
            text = _comment(rng, lang, band, c["neg"][i], c["pos"][i])
            sub["comment"] = text
            _push(r, (rid, "comment", "text", None, text, lang, submitted[i]))
        submissions.append(sub)
    m = len(order)
    cust = np.array([c["customer"][i] for i in order.tolist()], dtype=int)
    responses = TableRows(
        "responses",
        {
            "id": resp_ids,
            "source": ["demo"] * m,
            "external_id": [f"R{j + 1:07d}" for j in range(m)],
            "survey_id": [survey_ids[c["survey"][i]] for i in order.tolist()],
            "customer_id": people.ids[cust],
            "invitation_id": inv_ids[order],
            "submitted_at": submitted[order],
            "channel": ["email"] * m,
            "language": people.language[cust],
            "touchpoint": [c["touchpoint"][i] for i in order],
            "context_kind": [c["context_kind"][i] for i in order],
            "context_id": [c["context_id"][i] for i in order],
            "completed": [True] * m,
            "submission": submissions,
        },
    )
    answers = TableRows(
        "answers",
        {
            "id": make_ids(rng, np.array(r["at"], dtype=float)),
            "response_id": r["rid"],
            "question_key": r["key"],
            "question_type": r["type"],
            "score": r["score"],
            "choices": [None] * len(r["rid"]),
            "text": r["text"],
            "language": r["lang"],
        },
    )
    return [responses, answers]


def _comment(rng: np.random.Generator, lang: str, band: int, neg: list[Any], pos: list[Any]) -> str:
    """One or two phrases; ``band`` is -1 (detractor/unhappy), 0 (passive) or +1 (happy)."""
    r = rng.random(3)
    if band < 0 or (band == 0 and neg and r[0] < 0.6):
        pool = neg or [(t, "neg") for t in ("price", "website", "quality")]
    elif band > 0 or pos:
        pool = pos or [(t, "pos") for t in THEMES]
    else:
        pool = [(t, "pos" if r[0] < 0.5 else "neg") for t in ("price", "website", "quality")]
    chosen = [pool[int(r[1] * len(pool))]]
    if r[2] < 0.3 and len(pool) > 1:
        chosen.append(pool[(int(r[1] * len(pool)) + 1) % len(pool)])
    elif r[2] > 0.85 and band != 0 and (other := pos if band < 0 else neg):
        chosen.append(other[0])  # "fast delivery, but ...": a minority note of the other side
    phrases = [COMMENTS[lang][t][p] for t, p in chosen]
    return " ".join(bank[int(rng.integers(len(bank)))] for bank in phrases)


_ANSWER_COLS = ("rid", "key", "type", "score", "text", "lang", "at")


def _push(r: dict[str, list[Any]], values: tuple[Any, ...]) -> None:
    for key, value in zip(_ANSWER_COLS, values, strict=True):
        r[key].append(value)


def _band(kind: str, score: int) -> int:
    low, high = {"nps": (6, 9), "csat": (2, 4), "ces": (3, 6)}[kind]
    return -1 if score <= low else (1 if score >= high else 0)
