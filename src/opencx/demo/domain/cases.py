"""Demo support cases and their events: triggered by what went wrong with orders, plus billing and
account questions; first responses wait for business hours, resolution takes hours to days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from opencx.demo.domain.orders import Orders
from opencx.demo.domain.people import People
from opencx.demo.domain.rows import DAY, HOUR, MINUTE, TableRows, make_ids, pick
from opencx.demo.domain.text import AGENTS, CASE_MESSAGES, CASE_SUBJECTS

CASE_CHANNELS = ("email", "phone", "chat", "web")  # web = the web form
CHANNEL_SHARE = (0.35, 0.25, 0.25, 0.15)
PRIORITIES = ("low", "normal", "high", "urgent")
QUEUES = {
    "delivery": "Logistics",
    "returns": "Returns desk",
    "product": "Product support",
    "billing": "Billing",
    "account": "Accounts",
}
UTC_OFFSET = {"NL": 1, "DK": 1, "GR": 2, "GB": 0}  # hours; business hours 09-17 local, Mon-Fri
# median first response (hours) per channel, before waiting for business hours
FIRST_RESPONSE_MEDIAN = {"email": 3.0, "web": 5.0, "phone": 4 / 60, "chat": 3 / 60}
RESOLUTION_MEDIAN = {"delivery": 30, "returns": 50, "product": 60, "billing": 20, "account": 6}
AUTO_CLOSE = 3 * DAY
SLOW = 72 * HOUR  # a resolution slower than this lowers CSAT and CES


@dataclass(frozen=True)
class Cases:
    """Per case facts the surveys need (index = case number)."""

    ids: np.ndarray
    customer: np.ndarray
    category: np.ndarray
    channel: np.ndarray
    opened: np.ndarray
    first_response: np.ndarray  # nan = not yet
    resolved: np.ndarray  # nan = not yet
    order: np.ndarray  # order index or -1
    followups: np.ndarray  # extra customer messages
    agent_tone: np.ndarray  # +1 friendly, -1 unfriendly, 0 neutral
    rows: list[TableRows]


def next_business_time(t: np.ndarray, offset_hours: np.ndarray) -> np.ndarray:
    """The first moment at or after ``t`` (epoch s) inside 09:00-17:00 local, Monday-Friday."""
    local = t + offset_hours * HOUR
    out = local.copy()
    for _ in range(4):
        day = np.floor(out / DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
        hour = (out - day * DAY) / HOUR
        open_now = (weekday < 5) & (hour >= 9) & (hour < 17)
        today_later = (weekday < 5) & (hour < 9)
        nxt = np.where(today_later, day * DAY + 9 * HOUR, (day + 1) * DAY + 9 * HOUR)
        out = np.where(open_now, out, nxt)
    return out - offset_hours * HOUR


def _triggers(
    rng: np.random.Generator, people: People, o: Orders, start: float, end: float
) -> dict[str, Any]:
    m = len(o.time)
    late = o.delay & (rng.random(m) < 0.4)
    defect = o.quality & (rng.random(m) < 0.55)
    other_return = o.returned & ~o.quality & (rng.random(m) < 0.12)
    hassle_return = o.return_hassle & ~defect & (rng.random(m) < 0.5)
    parts = [
        (late, "delivery", rng.uniform(4, 8, m)),
        (defect, np.where(rng.random(m) < 0.4, "product", "returns"), rng.uniform(3, 12, m)),
        (other_return | hassle_return, "returns", rng.uniform(8, 25, m)),
    ]
    order = np.concatenate([np.flatnonzero(mask) for mask, _, _ in parts])
    category = np.concatenate(
        [np.broadcast_to(np.asarray(c, dtype=object), (m,))[mask] for mask, c, _ in parts]
    )
    opened = np.concatenate([o.time[mask] + d[mask] * DAY for mask, _, d in parts])
    years = (end - np.maximum(people.created, start)) / (365 * DAY)
    bought = np.bincount(o.customer, minlength=people.n) > 0
    k = rng.poisson(0.12 * np.clip(years, 0, None)) * bought
    cust = np.repeat(np.arange(people.n), k)
    lo = people.created[cust]
    return {
        "customer": np.concatenate([o.customer[order], cust]),
        "order": np.concatenate([order, np.full(len(cust), -1)]),
        "category": np.concatenate(
            [category.astype(object), pick(rng, ("billing", "account"), len(cust), (0.55, 0.45))]
        ),
        "opened": np.ceil(np.concatenate([opened, lo + rng.random(len(cust)) * (end - lo)])),
    }


def _timing(rng: np.random.Generator, people: People, c: dict[str, Any], end: float) -> None:
    n = len(c["opened"])
    offset = np.vectorize(UTC_OFFSET.get, otypes=[float])(people.country[c["customer"]])
    live = np.isin(c["channel"], ("phone", "chat"))
    c["opened"] = np.where(live, np.ceil(next_business_time(c["opened"], offset)), c["opened"])
    median = np.vectorize(FIRST_RESPONSE_MEDIAN.get, otypes=[float])(c["channel"]) * HOUR
    speed = np.select([c["priority"] == "urgent", c["priority"] == "high"], [0.25, 0.5], 1.0)
    wait = np.where(live, c["opened"], next_business_time(c["opened"], offset))
    first = np.ceil(wait + rng.lognormal(np.log(median * speed), 0.8, n)) + 30
    one_touch = live & (rng.random(n) < 0.45)
    res_median = np.vectorize(RESOLUTION_MEDIAN.get, otypes=[float])(c["category"]) * HOUR
    took = np.where(
        one_touch,
        rng.lognormal(np.log(10 * MINUTE), 0.5, n),
        rng.lognormal(np.log(res_median), 1.0, n),
    )
    resolved = np.ceil(first + took)
    stuck = rng.random(n) < 0.03
    c["followups"] = np.where(one_touch, 0, rng.poisson(np.clip(took / DAY, 0, 4) * 0.6))
    c["first_response"] = np.where(first < end, first, np.nan)
    c["resolved"] = np.where((resolved < end) & ~stuck, resolved, np.nan)
    closed = resolved + AUTO_CLOSE
    c["closed"] = np.where(~np.isnan(c["resolved"]) & (closed < end), closed, np.nan)
    c["status"] = np.select(
        [~np.isnan(c["closed"]), ~np.isnan(c["resolved"]), stuck & (first < end), first < end],
        ["closed", "resolved", "pending_customer", "open"],
        "new",
    ).astype(object)


def make_cases(
    rng: np.random.Generator, people: People, o: Orders, start: float, end: float
) -> Cases:
    c = _triggers(rng, people, o, start, end)
    keep = np.argsort(c["opened"], kind="stable")
    keep = keep[c["opened"][keep] < end - HOUR]
    c = {k: v[keep] for k, v in c.items()}
    n = len(c["opened"])
    c["channel"] = pick(rng, CASE_CHANNELS, n, CHANNEL_SHARE)
    urgent = np.isin(c["category"], ("delivery", "product"))
    c["priority"] = np.where(
        urgent,
        pick(rng, PRIORITIES, n, (0.1, 0.55, 0.3, 0.05)),
        pick(rng, PRIORITIES, n, (0.25, 0.62, 0.11, 0.02)),
    ).astype(object)
    _timing(rng, people, c, end)
    lang = people.language[c["customer"]]
    agent_i = rng.integers(0, 4, n)
    c["assignee"] = np.array(
        [AGENTS[la][i] for la, i in zip(lang, agent_i, strict=True)], dtype=object
    )
    draw = rng.random(n)
    c["tone"] = np.where(draw < 0.4, 1, np.where(draw > 0.92, -1, 0))
    ids = make_ids(rng, c["opened"])
    subject = [
        CASE_SUBJECTS[la][cat][j]
        for la, cat, j in zip(lang, c["category"], rng.integers(0, 3, n), strict=True)
    ]
    rows = TableRows(
        "cases",
        {
            "id": ids,
            "source": ["demo"] * n,
            "external_id": [f"K{i + 1:06d}" for i in range(n)],
            "customer_id": people.ids[c["customer"]],
            "channel": c["channel"],
            "queue": np.array([QUEUES[x] for x in c["category"]], dtype=object),
            "category": c["category"],
            "priority": c["priority"],
            "status": c["status"],
            "subject": subject,
            "opened_at": c["opened"],
            "first_response_at": c["first_response"],
            "resolved_at": c["resolved"],
            "closed_at": c["closed"],
            "assignee": np.where(np.isnan(c["first_response"]), None, c["assignee"]),
            "sla_policy": np.where(
                np.isin(c["priority"], ("high", "urgent")), "priority", "standard"
            ).astype(object),
        },
    )
    c["order_id"] = np.where(c["order"] >= 0, o.ids[np.maximum(c["order"], 0)], None)
    events = _events(rng, c, ids, lang, end)
    return Cases(
        ids=ids,
        customer=c["customer"],
        category=c["category"],
        channel=c["channel"],
        opened=c["opened"],
        first_response=c["first_response"],
        resolved=c["resolved"],
        order=c["order"],
        followups=c["followups"],
        agent_tone=c["tone"],
        rows=[rows, events],
    )


def _events(
    rng: np.random.Generator, c: dict[str, Any], ids: np.ndarray, lang: np.ndarray, end: float
) -> TableRows:
    ev: dict[str, list[Any]] = {
        "case": [],
        "at": [],
        "kind": [],
        "actor": [],
        "body": [],
        "props": [],
    }

    def add(case: int, at: float, kind: str, actor: str, body: str, props: dict[str, Any]) -> None:
        for key, value in zip(ev, (case, at, kind, actor, body, props), strict=True):
            ev[key].append(value)

    pick_i = rng.integers(0, 12, (len(ids), 8)).tolist()
    for i, la in enumerate(lang.tolist()):
        texts, r, cat = CASE_MESSAGES[la], pick_i[i], c["category"][i]
        agent, opened = c["assignee"][i], c["opened"][i]
        about = {"channel": c["channel"][i]}
        if c["order_id"][i] is not None:
            about["order_id"] = c["order_id"][i]
        add(i, opened, "message_in", "customer", texts[cat][r[0] % 2], about)
        add(
            i,
            opened + 60 + r[1] * 20,
            "assignment",
            "router",
            f"assigned to {agent}",
            {"queue": QUEUES[cat], "assignee": agent},
        )
        first, resolved = c["first_response"][i], c["resolved"][i]
        if first != first:
            continue
        add(i, first, "message_out", agent, texts["reply"][r[2] % 2], {})
        stop = resolved if resolved == resolved else end - MINUTE
        for j in range(int(c["followups"][i])):
            at = first + (stop - first) * (j + 1) / (c["followups"][i] + 1)
            add(i, np.ceil(at), "message_in", "customer", texts["followup"][r[3 + j % 3] % 3], {})
            add(i, np.ceil(at) + 600, "message_out", agent, texts["reply"][1 + r[6] % 2], {})
        if resolved == resolved:
            add(i, resolved, "message_out", agent, texts["reply"][2], {})
            add(i, resolved + 1, "status", agent, "resolved", {"from": "open", "to": "resolved"})
            if c["closed"][i] == c["closed"][i]:
                add(
                    i,
                    c["closed"][i],
                    "status",
                    "system",
                    "closed",
                    {"from": "resolved", "to": "closed"},
                )
    at = np.array(ev["at"], dtype=float)
    keep = np.flatnonzero(at < end)
    case = np.array(ev["case"], dtype=np.int64)[keep]  # no cases (a small demo): still ints
    return TableRows(
        "case_events",
        {
            "id": make_ids(rng, at[keep]),
            "case_id": ids[case],
            "at": at[keep],
            "kind": [ev["kind"][k] for k in keep],
            "actor": [ev["actor"][k] for k in keep],
            "body": [ev["body"][k] for k in keep],
            "properties": [ev["props"][k] for k in keep],
        },
    )
