"""Demo interactions: web/app sessions around purchases and browsing, store visits, delivery and
returns tracking, and monthly email campaigns (opens and clicks); volume follows activity."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from opencx.demo.domain.orders import Orders
from opencx.demo.domain.people import People
from opencx.demo.domain.rows import DAY, HOUR, MINUTE, TableRows, make_ids

_CAMPAIGNS = (
    "Spring sale",
    "New arrivals",
    "Summer deals",
    "Back to school",
    "Autumn edit",
    "Black Friday",
    "Gift guide",
    "Winter sale",
    "Members' week",
    "Outdoor season",
)
PART = 100_000
_COLS = ("customer", "time", "channel", "kind", "touchpoint", "session", "campaign", "props")


class _Log:
    """Accumulates interaction columns from vectorised parts."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []
        self.sessions = 0

    def new_sessions(self, n: int) -> np.ndarray:
        out = np.arange(self.sessions, self.sessions + n)
        self.sessions += n
        return out

    def add(
        self,
        customer: np.ndarray,
        time: np.ndarray,
        channel: object,
        kind: str,
        touchpoint: str | None,
        session: np.ndarray | None = None,
        campaign: np.ndarray | None = None,
        props: list[Any] | None = None,
    ) -> None:
        n = len(customer)
        full = np.full(n, None, dtype=object)
        self.parts.append(
            {
                "customer": customer,
                "time": time,
                "channel": np.broadcast_to(np.asarray(channel, dtype=object), (n,)),
                "kind": np.full(n, kind, dtype=object),
                "touchpoint": np.full(n, touchpoint, object),
                "session": full if session is None else session.astype(object),
                "campaign": full if campaign is None else campaign,
                "props": [{}] * n if props is None else props,
            }
        )


def _web_channel(people: People, cust: np.ndarray) -> np.ndarray:
    return np.where(people.preferred_channel[cust] == "app", "app", "web").astype(object)


def _session_events(
    rng: np.random.Generator,
    log: _Log,
    cust: np.ndarray,
    start: np.ndarray,
    channel: np.ndarray,
    views: np.ndarray,
    skus: np.ndarray | None,
    span: np.ndarray | float = 600.0,
) -> np.ndarray:
    """Visit, login and product views spread over the first 80 % of ``span`` seconds."""
    sid = log.new_sessions(len(cust))
    log.add(cust, start, channel, "visit", "home", sid)
    login = (channel == "app") | (rng.random(len(cust)) < 0.4)
    log.add(cust[login], start[login] + 10, channel[login], "login", "account", sid[login])
    rep = np.repeat(np.arange(len(cust)), views)
    at = start[rep] + np.ceil(
        30 + rng.random(len(rep)) * (np.broadcast_to(span, start.shape)[rep] * 0.8 - 30)
    )
    props = None if skus is None else [{"sku": s} for s in skus[rep].tolist()]
    log.add(cust[rep], at, channel[rep], "page_view", "product", sid[rep], props=props)
    return sid


def _purchases(rng: np.random.Generator, log: _Log, people: People, o: Orders) -> None:
    online = np.isin(o.channel, ("web", "app"))
    cust, t = o.customer[online], o.time[online]
    channel = o.channel[online].astype(object)
    lead = np.ceil(rng.uniform(8, 40, len(t))) * MINUTE
    views = 1 + rng.poisson(1.5, len(t))
    sid = _session_events(rng, log, cust, t - lead, channel, views, o.first_sku[online], lead)
    log.add(cust, t - 60, channel, "page_view", "checkout", sid)
    orders = [{"order_id": i} for i in o.ids[online].tolist()]
    log.add(cust, t, channel, "purchase", "checkout", sid, props=orders)
    store = o.channel == "store"
    visit = o.time[store] - np.ceil(rng.uniform(5, 40, int(store.sum()))) * MINUTE
    log.add(o.customer[store], visit, "store", "visit", "store")
    log.add(
        o.customer[store],
        o.time[store],
        "store",
        "purchase",
        "checkout",
        props=[{"order_id": i} for i in o.ids[store].tolist()],
    )
    phone = o.channel == "phone"
    log.add(o.customer[phone], o.time[phone] - 5 * MINUTE, "phone", "contact", "checkout")


def _after_sales(rng: np.random.Generator, log: _Log, people: People, o: Orders) -> None:
    shipped = o.channel != "store"
    track = shipped & (rng.random(len(o.time)) < np.where(o.delay, 0.85, 0.35))
    days = np.where(o.delay, rng.uniform(5, 10, len(o.time)), rng.uniform(1.5, 5, len(o.time)))
    cust = o.customer[track]
    at = o.time[track] + np.ceil(days[track] * DAY)
    sid = log.new_sessions(len(cust))
    log.add(cust, at, _web_channel(people, cust), "page_view", "delivery", sid)
    ret = o.returned
    cust = o.customer[ret]
    sid = log.new_sessions(len(cust))
    log.add(cust, o.return_time[ret] - DAY, _web_channel(people, cust), "page_view", "returns", sid)


def _browsing(rng: np.random.Generator, log: _Log, people: People, o: Orders, end: float) -> None:
    n_orders = np.bincount(o.customer, minlength=people.n)
    buyers = np.flatnonzero(n_orders > 0)
    first = np.full(people.n, np.inf)
    np.minimum.at(first, o.customer, o.time)
    last = np.minimum(o.death + 90 * DAY, end - HOUR)
    count = rng.poisson(1.0 * n_orders[buyers] + 1)
    cust = np.repeat(buyers, count)
    lo, hi = first[cust], np.maximum(last[cust], first[cust])
    start = np.ceil(lo + rng.random(len(cust)) * (hi - lo))
    _session_events(
        rng, log, cust, start, _web_channel(people, cust), 1 + rng.poisson(1.0, len(cust)), None
    )


def _campaigns(
    rng: np.random.Generator, log: _Log, people: People, o: Orders, start: float, end: float
) -> None:
    day = datetime.fromtimestamp(start, UTC).replace(day=1, hour=9, minute=0, second=0)
    k = 0
    while day.timestamp() < end - 7 * DAY:
        tuesday = day + timedelta(days=(1 - day.weekday()) % 7)
        send = tuesday.timestamp()
        if send >= start:
            name = f"{tuesday:%Y-%m} {_CAMPAIGNS[k % len(_CAMPAIGNS)]}"
            cust = np.flatnonzero(people.consent_email & (people.created < send))
            alive = o.death[cust] > send
            p_open = np.where(alive, 0.22 + 0.05 * people.u[cust], 0.05).clip(0.01, 0.6)
            opened = cust[rng.random(len(cust)) < p_open]
            at = send + np.ceil(rng.lognormal(np.log(3 * HOUR), 1.0, len(opened)))
            label = np.full(len(opened), name, dtype=object)
            log.add(opened, at, "email", "campaign_open", None, campaign=label)
            click = rng.random(len(opened)) < 0.2
            log.add(
                opened[click],
                at[click] + 40,
                "email",
                "campaign_click",
                "home",
                campaign=label[click],
            )
            k += 1
        day = (day + timedelta(days=32)).replace(day=1)


def iter_interactions(
    rng: np.random.Generator, people: People, o: Orders, start: float, end: float
) -> Iterator[TableRows]:
    """All interactions in time order, yielded in parts of :data:`PART` rows so that their
    strings (ids, session ids, JSON) exist for one part at a time."""
    log = _Log()
    _purchases(rng, log, people, o)
    _after_sales(rng, log, people, o)
    _browsing(rng, log, people, o, end)
    _campaigns(rng, log, people, o, start, end)
    cols = {k: np.concatenate([p[k] for p in log.parts]) for k in _COLS if k != "props"}
    props = [d for p in log.parts for d in p["props"]]
    log.parts.clear()
    keep = np.flatnonzero(cols["time"] < end)
    keep = keep[np.argsort(cols["time"][keep], kind="stable")]
    cols = {k: v[keep] for k, v in cols.items()}
    for first in range(0, len(keep), PART):
        part = slice(first, first + PART)
        n = len(keep[part])
        yield TableRows(
            "interactions",
            {
                "id": make_ids(rng, cols["time"][part]),
                "source": ["demo"] * n,
                "external_id": [f"I{i + 1:08d}" for i in range(first, first + n)],
                "customer_id": people.ids[cols["customer"][part].astype(int)],
                "occurred_at": cols["time"][part],
                "channel": cols["channel"][part],
                "kind": cols["kind"][part],
                "touchpoint": cols["touchpoint"][part],
                "session_id": [None if s is None else f"S{s:08d}" for s in cols["session"][part]],
                "campaign": cols["campaign"][part],
                "properties": [props[i] for i in keep[part].tolist()],
            },
        )
