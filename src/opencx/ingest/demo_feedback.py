"""Demo surveys, invitations, responses and answers.

Four surveys: a quarterly relationship NPS for a sample of customers, a post-delivery NPS per
order, and CSAT or CES after a resolved case. Scores come from the customer's latent
satisfaction plus the themes of what happened (late delivery, defect, staff, website, price,
returns); comments are written in the customer's language from :mod:`opencx.ingest.demo_text`
about those same themes. The sizes are in :data:`NPS_EFFECTS` and ``docs/demo-data.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np

from opencx.ingest.demo_cases import Cases
from opencx.ingest.demo_orders import Orders
from opencx.ingest.demo_people import People
from opencx.ingest.demo_rows import DAY, HOUR, TableRows, make_ids
from opencx.ingest.demo_text import COMMENTS, QUESTIONS, THEMES

NPS_BASE, NPS_PER_SD, NPS_NOISE = 8.0, 1.8, 1.2
NPS_EFFECTS = {  # latent NPS points added when the theme happened (before rounding/clipping)
    ("delivery", "neg"): -3.0, ("quality", "neg"): -2.5, ("staff", "pos"): 1.5,
    ("staff", "neg"): -2.5, ("website", "neg"): -1.5, ("price", "neg"): -1.0,
    ("price", "pos"): 0.5, ("returns", "neg"): -2.0, ("returns", "pos"): 0.5,
}  # fmt: skip
RESPONSE_RATE = {"nps-relationship": 0.18, "nps-order": 0.22, "csat-case": 0.28, "ces-case": 0.28}
ORDER_SAMPLE, WAVE_SAMPLE, CES_SHARE = 0.35, 0.25, 0.35
RECENT = 120 * DAY  # a relationship answer reflects the last order within this window
_CASE_THEME = {
    "delivery": "delivery",
    "returns": "returns",
    "product": "quality",
    "billing": "price",
    "account": "website",
}


def _flag(neg: list[Any], pos: list[Any], theme: str, bad: bool) -> None:
    (neg if bad else pos).append((theme, "neg" if bad else "pos"))


def _themes_of(o: Orders, i: int, with_returns: bool) -> tuple[list[Any], list[Any]]:
    neg: list[tuple[str, str]] = []
    pos: list[tuple[str, str]] = []
    if o.channel[i] != "store":
        _flag(neg, pos, "delivery", bool(o.delay[i]))
    _flag(neg, pos, "quality", bool(o.quality[i]))
    if o.staff[i]:
        _flag(neg, pos, "staff", o.staff[i] < 0)
    if o.channel[i] in ("web", "app"):
        _flag(neg, pos, "website", bool(o.web_trouble[i]))
    if o.promo[i]:
        pos.append(("price", "pos"))
    if with_returns and o.returned[i]:
        _flag(neg, pos, "returns", bool(o.return_hassle[i]))
    return neg, pos


def _order_themes(
    o: Orders, people: People, idx: np.ndarray, with_returns: bool, customers: np.ndarray
) -> tuple[list[Any], list[Any]]:
    """Negative and positive themes per order in ``idx`` (-1 = no recent order), plus the
    customer's price sensitivity, which colours every answer."""
    neg, pos = [], []
    for i, cust in zip(idx.tolist(), customers.tolist(), strict=True):
        n_, p_ = _themes_of(o, i, with_returns) if i >= 0 else ([], [])
        if people.price_sensitive[cust]:
            n_.append(("price", "neg"))
        neg.append(n_)
        pos.append(p_)
    return neg, pos


def _nps_scores(
    rng: np.random.Generator, u: np.ndarray, neg: list[Any], pos: list[Any]
) -> np.ndarray:
    shift = np.array(
        [sum(NPS_EFFECTS.get(t, 0.0) for t in n + p) for n, p in zip(neg, pos, strict=True)]
    )
    latent = NPS_BASE + NPS_PER_SD * u + shift + rng.normal(0, NPS_NOISE, len(u))
    scores: np.ndarray = np.clip(np.round(latent), 0, 10).astype(int)
    return scores


def _order_stream(
    rng: np.random.Generator, people: People, o: Orders, end: float
) -> dict[str, Any]:
    sample = np.flatnonzero(
        people.consent_surveys[o.customer] & (rng.random(len(o.time)) < ORDER_SAMPLE)
    )
    days = np.where(o.channel[sample] == "store", 1, np.where(o.delay[sample], 9, 4))
    neg, pos = _order_themes(o, people, sample, False, o.customer[sample])
    return {
        "survey": "nps-order",
        "customer": o.customer[sample],
        "sent": o.time[sample] + days * DAY,
        "trigger": "order_delivered",
        "context_kind": "order",
        "context_id": o.ids[sample],
        "touchpoint": np.where(o.channel[sample] == "store", "store", "delivery"),
        "score": _nps_scores(rng, people.u[o.customer[sample]], neg, pos),
        "neg": neg,
        "pos": pos,
    }


def waves(
    start: float, end: float, months: tuple[int, ...] = (2, 5, 8, 11), day: int = 15
) -> list[float]:
    """Survey waves at 10:00 UTC on ``day`` of each of ``months``, inside [start, end)."""
    first = datetime.fromtimestamp(start, UTC).year
    last = datetime.fromtimestamp(end, UTC).year
    stamps = [
        datetime(y, m, day, 10, tzinfo=UTC).timestamp()
        for y in range(first, last + 1)
        for m in months
    ]
    return [s for s in stamps if start <= s < end]


def _relationship_stream(
    rng: np.random.Generator, people: People, o: Orders, start: float, end: float
) -> dict[str, Any]:
    first = np.full(people.n, np.inf)
    np.minimum.at(first, o.customer, o.time)
    cust_parts, sent_parts, order_parts = [], [], []
    for wave in waves(start, end):
        cust = np.flatnonzero(
            people.consent_surveys & (first < wave) & (rng.random(people.n) < WAVE_SAMPLE)
        )
        before = np.flatnonzero(o.time < wave)
        last = np.full(people.n, -1)
        np.maximum.at(last, o.customer[before], before)
        recent = np.where((last[cust] >= 0) & (o.time[last[cust]] > wave - RECENT), last[cust], -1)
        cust_parts.append(cust)
        sent_parts.append(np.full(len(cust), wave))
        order_parts.append(recent)
    cust = np.concatenate(cust_parts).astype(int)
    orders = np.concatenate(order_parts).astype(int)
    neg, pos = _order_themes(o, people, orders, True, cust)
    return {
        "survey": "nps-relationship",
        "customer": cust,
        "sent": np.concatenate(sent_parts),
        "trigger": "relationship_wave",
        "context_kind": None,
        "context_id": np.full(len(cust), None, dtype=object),
        "touchpoint": np.full(len(cust), None, dtype=object),
        "score": _nps_scores(rng, people.u[cust], neg, pos),
        "neg": neg,
        "pos": pos,
    }


def _case_stream(rng: np.random.Generator, people: People, k: Cases, ces: bool) -> dict[str, Any]:
    done = ~np.isnan(k.resolved) & people.consent_surveys[k.customer]
    pick_ces = rng.random(len(k.ids)) < CES_SHARE
    idx = np.flatnonzero(done & (pick_ces if ces else ~pick_ces))
    u, n = people.u[k.customer[idx]], len(idx)
    slow = (k.resolved[idx] - k.opened[idx]) > 72 * HOUR
    late_reply = (k.first_response[idx] - k.opened[idx]) > 24 * HOUR
    effort = np.minimum(k.followups[idx], 3)
    tone = k.agent_tone[idx]
    if ces:
        async_ = np.isin(k.channel[idx], ("email", "web"))
        latent = 5.4 + 0.6 * u - 0.6 * effort - 1.0 * slow - 0.4 * async_ + rng.normal(0, 0.9, n)
        score = np.clip(np.round(latent), 1, 7).astype(int)
    else:
        latent = (
            3.9
            + 0.55 * u
            + np.select([tone > 0, tone < 0], [0.6, -1.2], 0.0)
            - 0.6 * late_reply
            - 0.8 * slow
            - 0.35 * effort
            + rng.normal(0, 0.7, n)
        )
        score = np.clip(np.round(latent), 1, 5).astype(int)
    neg, pos = [], []
    for t, s, cat in zip(tone.tolist(), slow.tolist(), k.category[idx].tolist(), strict=True):
        theme = _CASE_THEME[cat]
        neg.append(([("staff", "neg")] if t < 0 else []) + ([(theme, "neg")] if s else []))
        pos.append(([("staff", "pos")] if t > 0 else []) + ([] if s else [(theme, "pos")]))
    return {
        "survey": "ces-case" if ces else "csat-case",
        "customer": k.customer[idx],
        "sent": k.resolved[idx] + HOUR,
        "trigger": "case_resolved",
        "context_kind": "case",
        "context_id": k.ids[idx],
        "touchpoint": k.category[idx],
        "score": score,
        "neg": neg,
        "pos": pos,
    }


SURVEYS = {  # key: kind, name, questions (key, type, min, max)
    "nps-relationship": ("nps", "Relationship NPS", (("nps", "nps", 0, 10), ("comment", "text"))),
    "nps-order": ("nps", "After your order", (("nps", "nps", 0, 10), ("comment", "text"))),
    "csat-case": ("csat", "How did we help?", (("csat", "csat", 1, 5), ("comment", "text"))),
    "ces-case": ("ces", "How easy was it?", (("ces", "ces", 1, 7),)),
}


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
    rows = TableRows("surveys", {
        "id": ids, "key": keys, "kind": [surveys[k][0] for k in keys],
        "name": [surveys[k][1] for k in keys], "version": [1] * len(keys),
        "languages": [list(languages)] * len(keys),
        "definition": [{"questions": [{"key": q[0], "type": q[1], "text": texts[q[0]]}
                                      for q in surveys[k][2]]} for k in keys],
    })  # fmt: skip
    qs = [(sid, q) for sid, k in zip(ids.tolist(), keys, strict=True) for q in surveys[k][2]]
    questions = TableRows("survey_questions", {
        "id": make_ids(rng, np.full(len(qs), at)), "survey_id": [sid for sid, _ in qs],
        "key": [q[0] for _, q in qs], "type": [q[1] for _, q in qs],
        "scale_min": [q[2] if len(q) > 2 else None for _, q in qs],
        "scale_max": [q[3] if len(q) > 2 else None for _, q in qs],
    })  # fmt: skip
    return rows, questions, dict(zip(keys, ids.tolist(), strict=True))


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


def make_feedback(
    rng: np.random.Generator, people: People, o: Orders, k: Cases, start: float, end: float
) -> list[TableRows]:
    surveys, questions, survey_ids = survey_rows(rng, start)
    streams = [
        _relationship_stream(rng, people, o, start, end),
        _order_stream(rng, people, o, end),
        _case_stream(rng, people, k, ces=False),
        _case_stream(rng, people, k, ces=True),
    ]
    return [surveys, questions, *_invitations(rng, people, streams, survey_ids, end)]


def _invitations(
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
    invitations = TableRows("invitations", {
        "id": inv_ids, "survey_id": [survey_ids[s] for s in c["survey"]],
        "customer_id": people.ids[cust], "channel": ["email"] * n, "trigger": c["trigger"],
        "trigger_ref": c["context_id"],
        "token_hash": ["".join(f"{x:016x}" for x in t) for t in tokens],
        "scheduled_at": sent, "sent_at": sent, "opened_at": opened,
        "responded_at": np.where(responded, submitted, np.nan),
        "status": np.where(responded, "responded", "sent").astype(object),
    })  # fmt: skip
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
    responses = TableRows("responses", {
        "id": resp_ids, "source": ["demo"] * m, "external_id": [f"R{j + 1:07d}" for j in range(m)],
        "survey_id": [survey_ids[c["survey"][i]] for i in order.tolist()],
        "customer_id": people.ids[cust], "invitation_id": inv_ids[order],
        "submitted_at": submitted[order], "channel": ["email"] * m,
        "language": people.language[cust], "touchpoint": [c["touchpoint"][i] for i in order],
        "context_kind": [c["context_kind"][i] for i in order],
        "context_id": [c["context_id"][i] for i in order], "completed": [True] * m,
        "submission": submissions,
    })  # fmt: skip
    answers = TableRows("answers", {
        "id": make_ids(rng, np.array(r["at"], dtype=float)), "response_id": r["rid"],
        "question_key": r["key"], "question_type": r["type"], "score": r["score"],
        "choices": [None] * len(r["rid"]), "text": r["text"], "language": r["lang"],
    })  # fmt: skip
    return [responses, answers]


_ANSWER_COLS = ("rid", "key", "type", "score", "text", "lang", "at")


def _push(r: dict[str, list[Any]], values: tuple[Any, ...]) -> None:
    for key, value in zip(_ANSWER_COLS, values, strict=True):
        r[key].append(value)


def _band(kind: str, score: int) -> int:
    low, high = {"nps": (6, 9), "csat": (2, 4), "ces": (3, 6)}[kind]
    return -1 if score <= low else (1 if score >= high else 0)
