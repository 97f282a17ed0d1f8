"""Retention: customer churn and retention, cohort retention, subscription churn, NRR and GRR.

Non-contractual customers are *active* at an instant while their last purchase is at most
``window_days`` (default 180) days old. Each run of purchases with gaps ≤ window is a spell; a
spell is active at the start of period P when it began before P and its last active day
(last purchase + window) is in P or later. It churns in P when its last active day falls in P.
With a = period of the first purchase and b = period of the last active day:

    active(P) = Σ_{Q<P} #(a = Q) − Σ_{Q<P} #(b = Q),     churned(P) = #(b = P, a < P)

so churn needs one window pass over customer-days and a cumulative sum, not a join of periods
with customers. Only periods that end by the data's last day (or ``end``) are reported.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from opencx.metrics.domain.commerce import order_days
from opencx.metrics.domain.frames import table
from opencx.metrics.domain.metric import PERIOD_KEY, Metric, Query, Sources, count_if
from opencx.metrics.domain.periods import PERIODS

OPEN_PERIOD = 10**9  # the last active period of a subscription that has not ended


def _spell_counts(s: ir.Table, q: Query, dims: list[str]) -> ir.Table:
    """From spells (dims, a = first period, b = last active period, bound) to counts per period.

    ``bound`` is, per spell, the first period it cannot show fully (the period after the
    data's last day, or ``end``); only periods before the largest bound are reported. Taking it
    per spell keeps the spells a single subquery of this expression.
    """
    period = q.period or PERIODS["month"]
    starts = s.group_by([*dims, "a"]).aggregate(starts=s.count(), top=s.bound.max())
    ends = s.group_by([*dims, "b"]).aggregate(ends=s.count(), same=count_if(s.a == s.b))
    zero = ibis.literal(0, type="int64")
    no_bound = ibis.null("int64")  # not 0: bounds before 1970 are negative
    columns = [*dims, "p", "starts", "top", "ends", "same"]
    starts = starts.rename(p="a").mutate(ends=zero, same=zero).select(*columns)
    u = starts.union(ends.rename(p="b").mutate(starts=zero, top=no_bound).select(*columns))
    per = u.group_by([*dims, "p"]).aggregate(
        starts=u.starts.sum(), ends=u.ends.sum(), same=u.same.sum(), top=u.top.max()
    )
    w = ibis.cumulative_window(group_by=dims or None, order_by=per.p)
    active = (per.starts.sum().over(w) - per.starts) - (per.ends.sum().over(w) - per.ends)
    out = per.mutate(n=active, k=per.ends - per.same, bound=per.top.max().over(ibis.window()))
    out = out.filter((out.n > 0) & (out.p < out.bound))
    if q.start is not None:
        out = out.filter(out.p >= period.index_at(q.start))
    return out.select(*dims, n=out.n, k=out.k, **{PERIOD_KEY: out.p})


def _purchase_days(src: Sources, q: Query) -> ir.Table:
    """(breakdown, customer, day) of every purchase before ``end``, from the order days."""
    d = order_days(src, q, whole_history=True)
    d = d.filter((d.purchases > 0) & d.customer_id.notnull())
    return d.select(*q.by, "customer_id", "day").distinct()


def _customer_spells(src: Sources, q: Query) -> tuple[ir.Table, list[str]]:
    window = int(q.params.get("window_days", 180))
    days = _purchase_days(src, q)
    dims = list(q.by)
    part = [*dims, "customer_id"]
    prev = days.day.lag().over(ibis.window(group_by=part, order_by=days.day))
    days = days.mutate(new=(prev.isnull() | (days.day - prev > window)).ifelse(1, 0))
    spell = days.new.sum().over(ibis.cumulative_window(group_by=part, order_by=days.day))
    days = days.mutate(spell=spell)
    period = q.period or PERIODS["month"]
    first, last = days.day.min(), days.day.max()
    if q.end is not None:
        bound = ibis.literal(period.index_at(q.end), type="int64")
    else:
        bound = period.index_of_days(last + 1)
    spells = days.group_by([*part, "spell"]).aggregate(
        a=period.index_of_days(first), b=period.index_of_days(last + window), bound=bound
    )
    return spells, dims


def churn_rate(src: Sources, q: Query) -> ir.Table:
    """Customers whose activity lapses during the period / customers active at its start."""
    spells, dims = _customer_spells(src, q)
    return _spell_counts(spells, q, dims)


def retention_rate(src: Sources, q: Query) -> ir.Table:
    """Customers active at the start of the period still active at its end / active at start."""
    c = churn_rate(src, q)
    return c.mutate(k=c.n - c.k)


def subscription_churn_rate(src: Sources, q: Query) -> ir.Table:
    """Subscriptions ending during the period / subscriptions active at its start."""
    s = src.frame("subscriptions")
    if q.end is not None:
        s = s.filter(s.started_at.epoch_seconds() < int(q.end.timestamp()))
    period = q.period or PERIODS["month"]
    spells = s.select(*q.by, a=period.index(s.started_at), b=period.index(s.ended_at))
    if q.end is not None:
        bound: ir.IntegerValue = ibis.literal(period.index_at(q.end), type="int64")
    else:  # the last period seen (a start or an end) may be partial
        bound = ibis.greatest(spells.a, spells.b.coalesce(spells.a))
    spells = spells.mutate(b=spells.b.fill_null(OPEN_PERIOD), bound=bound)
    return _spell_counts(spells, q, list(q.by))


def _mrr_moves(src: Sources, q: Query) -> ir.Table:
    """Per customer and period: MRR at the period's start and at its end, for the start cohort."""
    period = q.period or PERIODS["month"]
    s = src.frame("subscriptions")
    s = s.mutate(
        sb=period.index(s.started_at),
        eb=period.index(s.ended_at).fill_null(OPEN_PERIOD),
    )
    last = s.ended_at.notnull().ifelse(s.eb, s.sb).max()  # the last start or end seen
    if q.end is not None:  # quiet periods up to the range's end count too
        last = ibis.greatest(last, period.index_at(q.end) - 1)
    bounds = s.aggregate(low=s.sb.min(), high=last)
    anchor = table(src.tables, "subscriptions")
    periods = src.shared(("subscription_periods",), lambda: _periods_between(anchor, bounds))
    if q.start is not None:
        periods = periods.filter(periods.p >= period.index_at(q.start))
    if q.end is not None:
        periods = periods.filter(periods.p < period.index_at(q.end))
    j = s.cross_join(periods)
    at_start = (j.sb < j.p) & (j.eb >= j.p)
    at_end = (j.sb <= j.p) & (j.eb > j.p)
    per = j.group_by([*q.by, "p", "customer_id"]).aggregate(
        mrr_s=at_start.ifelse(j.mrr, 0.0).sum(), mrr_e=at_end.ifelse(j.mrr, 0.0).sum()
    )
    per = per.filter(per.mrr_s > 0)
    return per.rename(**{PERIOD_KEY: "p"})


def _periods_between(anchor: ir.Table, bounds: ir.Table) -> ir.Table:
    """Every period index ``p`` from ``bounds.low`` to ``bounds.high``, at most 10,000, as a table.

    Built from ten one-row selects of ``anchor`` (any table with a row) crossed four times, so
    it needs no calendar table, array function or temporary table on any backend: a period
    without a subscription starting or ending still gets its row. ``bounds`` is a one-row table
    (a join, not scalar subqueries). Materialise it before crossing it with many rows: SQLite
    would otherwise rebuild it for every one of them.
    """
    one = anchor.limit(1)
    digits = ibis.union(*(one.select(d=ibis.literal(k, type="int64")) for k in range(10)))
    places = [digits.rename(**{f"d{i}": "d"}) for i in range(4)]
    n = places[0].cross_join(places[1]).cross_join(places[2]).cross_join(places[3])
    n = n.cross_join(bounds)
    n = n.select(p=n.low + n.d0 + 10 * n.d1 + 100 * n.d2 + 1000 * n.d3, high=n.high)
    return n.filter(n.p <= n.high).select("p")


def net_revenue_retention(src: Sources, q: Query) -> ir.Table:
    """MRR at the period's end of customers paying at its start / their MRR at the start."""
    m = _mrr_moves(src, q)
    return m.aggregate(by=q.keys, n=m.count(), num=m.mrr_e.sum(), den=m.mrr_s.sum())


def gross_revenue_retention(src: Sources, q: Query) -> ir.Table:
    """As NRR, with each customer's end MRR capped at its start MRR (no expansion)."""
    m = _mrr_moves(src, q)
    kept = ibis.least(m.mrr_e, m.mrr_s)
    return m.aggregate(by=q.keys, n=m.count(), num=kept.sum(), den=m.mrr_s.sum())


def cohort_retention(src: Sources, q: Query) -> ir.Table:
    """Monthly cohorts by first purchase: share of the cohort purchasing k months later."""
    period = q.period or PERIODS["month"]
    days = _purchase_days(src, q)
    act = days.select(*q.by, "customer_id", p=period.index_of_days(days.day)).distinct()
    first = act.group_by([*q.by, "customer_id"]).aggregate(cohort=act.p.min())
    size = first.group_by([*q.by, "cohort"]).aggregate(n=first.count())
    j = act.join(first, [*q.by, "customer_id"])
    j = j.mutate(age=j.p - j.cohort)
    per = j.group_by([*q.by, "cohort", "age"]).aggregate(k=j.count())
    out = per.join(size, [*q.by, "cohort"])
    if q.start is not None:
        out = out.filter(out.cohort >= period.index_at(q.start))
    return out.select(*q.by, "cohort", "age", "n", "k")


RETENTION_METRICS = (
    Metric(
        "churn_rate",
        "Customer churn rate",
        "orders",
        churn_rate,
        "proportion",
        "%",
        "customers whose last purchase turns window_days (180) old in the period / "
        "customers active at its start; Wilson interval",
        "Fader & Hardie (2009), J. Interactive Marketing 23(1)",
        higher_is_better=False,
        params={"window_days": 180},
        default_period="month",
    ),
    Metric(
        "retention_rate",
        "Customer retention rate",
        "orders",
        retention_rate,
        "proportion",
        "%",
        "customers active at the period's start and at its end / active at start",
        params={"window_days": 180},
        default_period="month",
    ),
    Metric(
        "subscription_churn_rate",
        "Subscription churn rate",
        "subscriptions",
        subscription_churn_rate,
        "proportion",
        "%",
        "subscriptions ending in the period / subscriptions active at its start",
        higher_is_better=False,
        default_period="month",
    ),
    Metric(
        "nrr",
        "Net revenue retention",
        "subscriptions",
        net_revenue_retention,
        "point",
        "%",
        "end MRR of customers paying at the start / their start MRR; > 100% is negative churn",
        "KeyBanc SaaS survey practice; Bessemer (2019)",
        default_period="month",
    ),
    Metric(
        "grr",
        "Gross revenue retention",
        "subscriptions",
        gross_revenue_retention,
        "point",
        "%",
        "as NRR with each customer's end MRR capped at its start MRR",
        default_period="month",
    ),
    Metric(
        "cohort_retention",
        "Cohort retention",
        "orders",
        cohort_retention,
        "proportion",
        "%",
        "share of a first-purchase cohort purchasing again `age` periods later (triangle)",
        "Fader & Hardie, cohort analysis",
        periodic=False,
        period_keys=("cohort",),
        extra_keys=("cohort", "age"),
    ),
)
