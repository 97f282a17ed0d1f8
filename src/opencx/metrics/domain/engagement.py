"""Engagement: active days, touchpoints and channels per customer per period; channel mix."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from opencx.metrics.domain.metric import (
    PERIOD_KEY,
    Metric,
    Query,
    Sources,
    bucket,
    in_range,
    mean_stats,
)
from opencx.metrics.domain.periods import epoch_days


def _per_customer(src: Sources, q: Query) -> ir.Table:
    """Per customer and group: active days, interactions, channels (one pass, shared).

    Interactions are first counted per customer, channel and UTC day; the period is a function
    of the day, so it is computed on those counts (from the day's first instant) rather than on
    every interaction.
    """

    def build() -> ir.Table:
        i = in_range(src.frame("interactions"), q)
        i = i.filter(i.customer_id.notnull())
        i = i.mutate(day=epoch_days(i.at))
        daily = i.group_by(list(dict.fromkeys([*q.by, "customer_id", "channel", "day"])))
        daily = daily.aggregate(touches=i.count(), first=i.at.min())
        if q.period is not None:
            daily = daily.mutate(**{PERIOD_KEY: q.period.index(daily.first)})
        by_channel = list(dict.fromkeys([*q.keys, "customer_id", "channel"]))
        per_channel = daily.group_by(by_channel).aggregate(touches=daily.touches.sum())
        days = daily.select(*q.keys, "customer_id", "day").distinct()
        days = days.group_by([*q.keys, "customer_id"]).aggregate(days=days.count())
        c = per_channel.group_by([*q.keys, "customer_id"]).aggregate(
            touches=per_channel.touches.sum(), channels=per_channel.count()
        )
        return c.join(days, [*q.keys, "customer_id"])

    return src.shared(("engagement",), build)


def active_days(src: Sources, q: Query) -> ir.Table:
    """Distinct days with an interaction, per customer with any interaction in the period."""
    c = _per_customer(src, q)
    return c.aggregate(by=q.keys, **mean_stats(c.days))


def touchpoints(src: Sources, q: Query) -> ir.Table:
    """Interactions per customer with any interaction in the period."""
    c = _per_customer(src, q)
    return c.aggregate(by=q.keys, **mean_stats(c.touches))


def channels_per_customer(src: Sources, q: Query) -> ir.Table:
    """Distinct channels used per customer with any interaction in the period."""
    c = _per_customer(src, q)
    return c.aggregate(by=q.keys, **mean_stats(c.channels))


def channel_mix(src: Sources, q: Query) -> ir.Table:
    """Share of interactions (known and anonymous) through each channel."""
    i = bucket(src.frame("interactions"), q)
    keys = [k for k in q.keys if k != "channel"]
    per = i.group_by([*keys, "channel"]).aggregate(k=i.count())
    total = per.k.sum().over(ibis.window(group_by=keys or None))
    return per.mutate(n=total).select(*keys, "channel", "n", "k")


ENGAGEMENT_METRICS = (
    Metric(
        "active_days", "Active days per customer", "interactions", active_days, "mean", "days",
        "distinct UTC days with an interaction, mean over customers active in the period",
    ),
    Metric(
        "touchpoints", "Touchpoints per customer", "interactions", touchpoints, "mean",
        "interactions", "interactions per customer active in the period; t interval",
    ),
    Metric(
        "channels_per_customer", "Channels per customer", "interactions",
        channels_per_customer, "mean", "channels",
        "distinct channels used per customer active in the period; t interval",
    ),
    Metric(
        "channel_mix", "Channel mix", "interactions", channel_mix, "proportion", "%",
        "share of interactions through each channel; Wilson interval", extra_keys=("channel",),
        min_n=1,
    ),
)  # fmt: skip
