"""Demo purchases: a BG/NBD process per customer, experiences per order, order lines and returns.

Each buyer makes a first purchase shortly after signing up, then repeat purchases at Poisson
rate λ; after every repeat purchase they drop out with probability p, raised by ``BAD_DROPOUT``
when that order went wrong (late delivery, defect, unfriendly staff). Order values follow the
Gamma-Gamma spend model. Every planted size is listed in ``docs/demo-data.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from opencx.demo.domain.catalog import CATEGORIES, CURRENCY, Catalog
from opencx.demo.domain.people import CHANNEL_SHARE, CHANNELS, People, TrueParameters
from opencx.demo.domain.rows import DAY, MINUTE, TableRows, make_ids, pick

BAD_DROPOUT = 0.15  # extra dropout probability (share of the survivors) after a bad order
DELAY = {"web": 0.09, "app": 0.09, "phone": 0.09, "marketplace": 0.18, "store": 0.0}
DELAY_GR_EXTRA = 0.06
QUALITY_ISSUE = 0.06
LEMON_SHARE = 0.4  # share of defects that are one of the catalog's lemons
QUALITY_RETURN = 0.75
RETURN_HASSLE = 0.35
PROMO = 0.12
PROMO_DISCOUNT = 0.10
CANCELLED = 0.015
FREE_SHIPPING_FROM = 5_000  # cents


@dataclass(frozen=True)
class Orders:
    """Per completed (non-cancelled) order, sorted by time; ``death`` per customer."""

    ids: np.ndarray
    customer: np.ndarray  # customer index
    time: np.ndarray
    channel: np.ndarray
    delay: np.ndarray
    quality: np.ndarray
    staff: np.ndarray  # +1 friendly, -1 unfriendly, 0 not applicable/neutral
    web_trouble: np.ndarray
    promo: np.ndarray
    returned: np.ndarray
    return_hassle: np.ndarray
    return_time: np.ndarray
    first_sku: np.ndarray
    value: np.ndarray  # merchandise net of discount, cents (before returns)
    death: np.ndarray
    rows: list[TableRows]


def _experience(rng: np.random.Generator, people: People, cust: np.ndarray) -> dict[str, Any]:
    m = len(cust)
    own = rng.random(m) < 0.7
    channel = np.where(own, people.preferred_channel[cust], pick(rng, CHANNELS, m, CHANNEL_SHARE))
    p_delay = np.vectorize(DELAY.get, otypes=[float])(channel) if m else np.zeros(0)
    p_delay = p_delay + np.where(p_delay > 0, DELAY_GR_EXTRA * (people.country[cust] == "GR"), 0)
    served = np.isin(channel, ("store", "phone"))
    draw = rng.random(m)
    staff = np.where(served & (draw < 0.35), 1, np.where(served & (draw > 0.93), -1, 0))
    return {
        "customer": cust,
        "channel": channel.astype(object),
        "delay": rng.random(m) < p_delay,
        "quality": rng.random(m) < QUALITY_ISSUE,
        "staff": staff,
        "web_trouble": np.isin(channel, ("web", "app")) & (rng.random(m) < 0.07),
        "promo": rng.random(m) < PROMO,
    }


def _simulate(
    rng: np.random.Generator, people: People, end: float
) -> tuple[dict[str, Any], np.ndarray]:
    """Run the purchase process; return per-purchase columns (unsorted) and death times."""
    t = people.created + np.ceil(rng.exponential(30 * MINUTE, people.n))
    death = np.full(people.n, np.inf)
    active = np.flatnonzero(people.buyer & (t < end))
    batches = [(t[active].copy(), _experience(rng, people, active))]
    while active.size:
        t_next = t[active] + np.ceil(rng.exponential(1 / people.rate[active]) * DAY)
        keep = t_next < end
        active, t_next = active[keep], t_next[keep]
        t[active] = t_next
        exp = _experience(rng, people, active)
        batches.append((t_next, exp))
        bad = exp["delay"] | exp["quality"] | (exp["staff"] < 0)
        p = people.dropout[active]
        gone = rng.random(active.size) < p + (1 - p) * BAD_DROPOUT * bad
        death[active[gone]] = t_next[gone]
        active = active[~gone]
    cols = {k: np.concatenate([b[1][k] for b in batches]) for k in batches[0][1]}
    cols["time"] = np.concatenate([b[0] for b in batches])
    order = np.argsort(cols["time"], kind="stable")
    return {k: v[order] for k, v in cols.items()}, death


def _lines(
    rng: np.random.Generator,
    cat: Catalog,
    people: People,
    tp: TrueParameters,
    o: dict[str, Any],
    end: float,
) -> dict[str, Any]:
    """Merchandise lines: the Gamma-Gamma order value split over 1-5 lines at catalog prices."""
    m = len(o["time"])
    value = rng.gamma(tp.p_spend, 1 / people.nu[o["customer"]]) * 100  # net cents
    gross = value / np.where(o["promo"], 1 - PROMO_DISCOUNT, 1.0)
    k = np.clip(1 + rng.poisson(value / 9_000), 1, 5)
    order = np.repeat(np.arange(m), k)
    w = rng.gamma(2.0, size=len(order))
    share = w / np.bincount(order, weights=w)[order]
    shares = np.array([v[3] for v in CATEGORIES.values()])
    fav = people.favourite_category[o["customer"]][order]
    category = np.where(
        rng.random(len(order)) < 0.45,
        fav,
        rng.choice(len(shares), len(order), p=shares / shares.sum()),
    )
    product = cat.nearest(category, gross[order] * share)
    first = np.r_[True, order[1:] != order[:-1]]
    defect = first & o["quality"][order]
    lemons = np.flatnonzero(cat.lemon)
    swap = defect & (rng.random(len(order)) < LEMON_SHARE)
    product[swap] = rng.choice(lemons, int(swap.sum()))
    qty = np.clip(np.round(gross[order] * share / cat.price[product]), 1, 4).astype(int)
    amount = qty * cat.price[product]
    discount = np.where(o["promo"][order], np.round(amount * PROMO_DISCOUNT), 0).astype(int)
    p_ret = np.where(defect, QUALITY_RETURN, cat.return_rate[product])
    ret = (rng.random(len(order)) < p_ret) & (o["return_at"][order] < end)
    return {
        "order": order,
        "product": product,
        "qty": qty,
        "discount": discount,
        "returned": ret,
        "amount": amount,
    }


def _fees(
    rng: np.random.Generator, cat: Catalog, o: dict[str, Any], merch_gross: np.ndarray
) -> dict[str, Any]:
    shipped = o["channel"] != "store"
    express = shipped & (rng.random(len(shipped)) < 0.08)
    standard = shipped & ~express & (merch_gross < FREE_SHIPPING_FROM)
    gift = rng.random(len(shipped)) < 0.03
    order = np.concatenate([np.flatnonzero(x) for x in (standard, express, gift)])
    product = np.concatenate(
        [
            np.full(int(x.sum()), cat.item(s))
            for x, s in ((standard, "SHIP-STD"), (express, "SHIP-EXP"), (gift, "GIFT-WRAP"))
        ]
    )
    return {
        "order": order,
        "product": product,
        "qty": np.ones(len(order), dtype=int),
        "discount": np.zeros(len(order), dtype=int),
        "returned": np.zeros(len(order), bool),
    }


def _cancelled(
    rng: np.random.Generator, cat: Catalog, o: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Orders cancelled minutes before the customer re-placed them (not purchases)."""
    src = np.flatnonzero(rng.random(len(o["time"])) < CANCELLED)
    merch = np.flatnonzero(cat.category >= 0)
    head = {
        "customer": o["customer"][src],
        "channel": np.full(len(src), "web", dtype=object),
        "time": o["time"][src] - np.ceil(rng.uniform(5, 60, len(src))) * MINUTE,
    }
    lines = {
        "order": np.arange(len(src)),
        "product": rng.choice(merch, len(src)),
        "qty": np.ones(len(src), dtype=int),
        "discount": np.zeros(len(src), dtype=int),
        "returned": np.ones(len(src), dtype=bool),
    }
    return head, lines


def make_orders(
    rng: np.random.Generator, people: People, cat: Catalog, end: float, tp: TrueParameters
) -> Orders:
    o, death = _simulate(rng, people, end)
    m = len(o["time"])
    o["return_at"] = o["time"] + np.ceil(rng.uniform(4, 21, m)) * DAY
    merch = _lines(rng, cat, people, tp, o, end)
    merch_gross = np.bincount(merch["order"], weights=merch["amount"], minlength=m)
    merch_net = merch_gross - np.bincount(merch["order"], weights=merch["discount"], minlength=m)
    fees = _fees(rng, cat, o, merch_gross)
    n_lines = np.bincount(merch["order"], minlength=m)
    n_ret = np.bincount(merch["order"], weights=merch["returned"], minlength=m)
    returned = n_ret > 0
    status = np.where(
        n_ret == 0, "completed", np.where(n_ret == n_lines, "returned", "partly_returned")
    ).astype(object)
    hassle = returned & (rng.random(m) < RETURN_HASSLE)
    return_time = np.where(returned, o["return_at"], np.nan)
    c_head, c_lines = _cancelled(rng, cat, o)
    heads = {
        "customer": np.concatenate([o["customer"], c_head["customer"]]),
        "channel": np.concatenate([o["channel"], c_head["channel"]]),
        "time": np.concatenate([o["time"], c_head["time"]]),
        "status": np.concatenate([status, np.full(len(c_head["time"]), "cancelled", object)]),
    }
    c_lines["order"] = c_lines["order"] + m
    ids, rows = _order_rows(
        rng,
        people,
        cat,
        heads,
        [merch, fees, c_lines],
        np.concatenate([o["time"], c_head["time"]]),
        return_time,
    )
    starts = np.r_[True, merch["order"][1:] != merch["order"][:-1]]
    first_line = np.flatnonzero(starts[: len(merch["order"])])  # no orders (a small demo): none
    return Orders(
        ids=ids[:m],
        customer=o["customer"],
        time=o["time"],
        channel=o["channel"],
        delay=o["delay"],
        quality=o["quality"],
        staff=o["staff"],
        web_trouble=o["web_trouble"],
        promo=o["promo"],
        returned=returned,
        return_hassle=hassle,
        return_time=return_time,
        first_sku=cat.skus[merch["product"][first_line]],
        value=merch_net,
        death=death,
        rows=rows,
    )


def _order_rows(
    rng: np.random.Generator,
    people: People,
    cat: Catalog,
    heads: dict[str, Any],
    parts: list[dict[str, Any]],
    placed: np.ndarray,
    return_time: np.ndarray,
) -> tuple[np.ndarray, list[TableRows]]:
    n = len(heads["time"])
    rank = np.empty(n, dtype=int)
    rank[np.argsort(heads["time"], kind="stable")] = np.arange(n)
    ids = make_ids(rng, heads["time"])
    line = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "amount"}
    sort = np.lexsort((np.arange(len(line["order"])), line["order"]))
    line = {k: v[sort] for k, v in line.items()}
    start = np.r_[True, line["order"][1:] != line["order"][:-1]]
    idx = np.arange(len(line["order"]))
    line_no = idx - np.maximum.accumulate(np.where(start, idx, 0)) + 1
    discount_total = np.bincount(line["order"], weights=line["discount"], minlength=n)
    orders = TableRows(
        "orders",
        {
            "id": ids,
            "source": ["demo"] * n,
            "external_id": [f"O{r + 1:07d}" for r in rank],
            "customer_id": people.ids[heads["customer"]],
            "placed_at": heads["time"],
            "channel": heads["channel"],
            "status": heads["status"],
            "currency": [CURRENCY] * n,
            "discount_total": discount_total.astype(np.int64),
        },
    )
    line_ids = make_ids(rng, placed[line["order"]])
    prod = line["product"]
    lines = TableRows(
        "order_lines",
        {
            "id": line_ids,
            "order_id": ids[line["order"]],
            "line_no": line_no,
            "product_id": cat.ids[prod],
            "sku": cat.skus[prod],
            "quantity": line["qty"],
            "unit_price": cat.price[prod],
            "discount": line["discount"],
            "returns_line_id": [None] * len(prod),
        },
    )
    r = np.flatnonzero(line["returned"])
    last_no = np.bincount(line["order"], minlength=n)
    ro = line["order"][r]
    r_no = _renumber(ro, last_no)
    rt = np.full(len(r), np.nan)
    mine = ro < len(return_time)
    rt[mine] = return_time[ro[mine]]
    when = np.where(np.isnan(rt), placed[ro] + MINUTE, rt)
    reversals = TableRows(
        "order_lines",
        {
            "id": make_ids(rng, when),
            "order_id": ids[line["order"][r]],
            "line_no": r_no,
            "product_id": cat.ids[prod[r]],
            "sku": cat.skus[prod[r]],
            "quantity": -line["qty"][r],
            "unit_price": cat.price[prod[r]],
            "discount": -line["discount"][r],
            "returns_line_id": line_ids[r],
        },
    )
    return ids, [orders, lines, reversals]


def _renumber(order_of: np.ndarray, last_no: np.ndarray) -> np.ndarray:
    """Line numbers for reversal lines: after the order's last line, in sequence per order."""
    if not len(order_of):
        return np.zeros(0, dtype=int)
    start = np.r_[True, order_of[1:] != order_of[:-1]]
    idx = np.arange(len(order_of))
    within = idx - np.maximum.accumulate(np.where(start, idx, 0))
    numbers: np.ndarray = last_no[order_of] + 1 + within
    return numbers
