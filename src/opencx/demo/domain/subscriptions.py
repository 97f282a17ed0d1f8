"""Demo paid membership: "OpenCX Plus" (monthly), with upgrades to the family plan and
cancellations whose hazard rises with dissatisfaction and after the customer stops buying."""

from __future__ import annotations

import numpy as np

from opencx.demo.domain.catalog import CURRENCY
from opencx.demo.domain.orders import Orders
from opencx.demo.domain.people import People
from opencx.demo.domain.rows import DAY, TableRows, make_ids, pick

PLANS = (("OpenCX Plus", 499), ("OpenCX Plus Family", 799))  # plan, mrr in cents
TAKE_UP = 0.10
CANCEL_PER_MONTH = 0.035  # times exp(-0.8 u): detractors cancel faster
UPGRADE_PER_MONTH = 0.02
LAPSED_KEEP_PAYING = 0.4  # share of members who keep paying after they stop buying
MONTH = 30.4 * DAY
_UNHAPPY = ("Unhappy with delivery", "Poor customer service", "Too expensive")
_OTHER = ("Too expensive", "Not using the benefits", "Switching to another shop", "Saving money")


def make_subscriptions(
    rng: np.random.Generator, people: People, o: Orders, end: float
) -> TableRows:
    first = np.full(people.n, np.inf)
    np.minimum.at(first, o.customer, o.time)
    weight = np.clip(people.rate / people.rate.mean(), 0.2, 3.0)
    buyers = weight[np.isfinite(first)]  # none in a small demo: nobody subscribes
    chance = TAKE_UP * weight / buyers.mean() if len(buyers) else np.zeros(people.n)
    start = np.ceil(first + rng.exponential(90 * DAY, people.n))
    subs = np.flatnonzero(
        np.isfinite(first) & (rng.random(people.n) < chance) & (start < end - DAY)
    )
    n, t0 = len(subs), start[subs]
    hazard = CANCEL_PER_MONTH * np.exp(-0.8 * people.u[subs]) / MONTH
    quit_ = t0 + np.ceil(rng.exponential(1 / hazard))
    forgets = rng.random(n) < LAPSED_KEEP_PAYING
    lapsed = np.where(forgets, np.inf, o.death[subs] + np.ceil(rng.uniform(30, 120, n) * DAY))
    cancel = np.minimum(quit_, np.maximum(lapsed, t0 + DAY))
    upgrade = t0 + np.ceil(rng.exponential(MONTH / UPGRADE_PER_MONTH, n))
    upgraded = (upgrade < cancel) & (upgrade < end)
    ended = np.where(cancel < end, cancel, np.nan)
    reason = np.where(
        lapsed <= quit_,
        "Not shopping with us anymore",
        np.where(people.u[subs] < -0.5, pick(rng, _UNHAPPY, n), pick(rng, _OTHER, n)),
    ).astype(object)
    # base rows: ended by the upgrade or by the cancellation
    base_end = np.where(upgraded, upgrade, ended)
    base_status = np.where(upgraded, "upgraded", np.where(np.isnan(ended), "active", "cancelled"))
    base_reason = reason.copy()
    base_reason[upgraded | np.isnan(ended)] = None
    up = np.flatnonzero(upgraded)
    cust = np.concatenate([subs, subs[up]])
    started = np.concatenate([t0, upgrade[up]])
    rows = {
        "customer": cust,
        "plan": np.r_[np.zeros(n, int), np.ones(len(up), int)],
        "started": started,
        "ended": np.concatenate([base_end, ended[up]]),
        "status": np.concatenate(
            [base_status, np.where(np.isnan(ended[up]), "active", "cancelled")]
        ).astype(object),
        "reason": np.concatenate([base_reason, _reasons(reason[up], ended[up])]).astype(object),
    }
    order = np.argsort(rows["started"], kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    m = len(order)
    names = np.array([p[0] for p in PLANS], dtype=object)
    mrr = np.array([p[1] for p in PLANS])
    return TableRows(
        "subscriptions",
        {
            "id": make_ids(rng, rows["started"]),
            "source": ["demo"] * m,
            "external_id": [f"S{i + 1:06d}" for i in range(m)],
            "customer_id": people.ids[rows["customer"]],
            "plan": names[rows["plan"]],
            "started_at": rows["started"],
            "ended_at": rows["ended"],
            "mrr": mrr[rows["plan"]],
            "currency": [CURRENCY] * m,
            "status": rows["status"],
            "cancel_reason": rows["reason"],
        },
    )


def _reasons(reason: np.ndarray, ended: np.ndarray) -> np.ndarray:
    out = reason.astype(object)
    out[np.isnan(ended)] = None
    return out
