"""What the demo's customers answer: who is asked when, and the score each would give.

Four surveys: a quarterly relationship NPS for a sample of customers, a post-delivery NPS per
order, and CSAT or CES after a resolved case. Scores come from the customer's latent
satisfaction plus the themes of what happened (late delivery, defect, staff, website, price,
returns); :mod:`opencx.demo.domain.surveys` turns them into rows, with comments in the customer's
language about those same themes. The sizes are in :data:`NPS_EFFECTS` and ``docs/demo-data.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from opencx.demo.domain.cases import Cases
from opencx.demo.domain.orders import Orders
from opencx.demo.domain.people import People
from opencx.demo.domain.rows import DAY, HOUR, TableRows
from opencx.demo.domain.surveys import invitation_rows, survey_rows

NPS_BASE, NPS_PER_SD, NPS_NOISE = 8.0, 1.8, 1.2
NPS_EFFECTS = {  # latent NPS points added when the theme happened (before rounding/clipping)
    ("delivery", "neg"): -3.0,
    ("quality", "neg"): -2.5,
    ("staff", "pos"): 1.5,
    ("staff", "neg"): -2.5,
    ("website", "neg"): -1.5,
    ("price", "neg"): -1.0,
    ("price", "pos"): 0.5,
    ("returns", "neg"): -2.0,
    ("returns", "pos"): 0.5,
}
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
    none = np.empty(0, dtype=np.int64)  # no wave inside a short history: nobody asked
    cust = np.concatenate([none, *cust_parts]).astype(int)
    orders = np.concatenate([none, *order_parts]).astype(int)
    neg, pos = _order_themes(o, people, orders, True, cust)
    return {
        "survey": "nps-relationship",
        "customer": cust,
        "sent": np.concatenate([np.empty(0), *sent_parts]),
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
    return [surveys, questions, *invitation_rows(rng, people, streams, survey_ids, end)]
