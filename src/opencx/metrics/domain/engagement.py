"""Engagement: active days, touchpoints and channels per customer per period; channel mix."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from opencx.metrics.domain.frames import Tables, interactions_frame
from opencx.metrics.domain.metric import (
    PERIOD_KEY,
    Metric,
    Query,
    Rollup,
    Sources,
    in_range,
    mean_stats,
)
from opencx.metrics.domain.periods import PERIODS, epoch_days

GRAINS = ("day", "week", "month")
"""Grains of the interaction pass: the period itself, or months for quarters, years and none."""


def _grain_name(q: Query) -> str:
    return q.period.name if q.period and q.period.name in GRAINS else "month"


def _grain(
    i: ir.Table, q: Query, *, rollup: bool = False
) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """(grain index, day offset inside the grain) of each interaction (or rollup row).

    Days inside a grain (≤ 31) fit the bits of one integer, so distinct active days are counted
    with a bitwise OR and a population count instead of a distinct aggregate. The offset is cast
    to a 32-bit integer explicitly: PostgreSQL's date parts are numeric, which ``<<`` refuses.
    Rows of the ``rollup`` carry their ``day``, ``month`` and day of the month (``mday``).
    """
    grain = _grain_name(q)
    if grain == "month":
        if rollup:
            return i.month, (i.mday - 1).cast("int32")
        return PERIODS["month"].index(i.at), (i.at.day() - 1).cast("int32")
    days = i.day if rollup else epoch_days(i.at)
    if grain == "day":
        return days, ibis.literal(0, type="int32")
    shifted = days + 3
    week = shifted // 7
    return week, (shifted - 7 * week).cast("int32")  # floored like ``//``, also before 1970


def bit_count(mask: ir.IntegerValue) -> ir.IntegerValue:
    """Set bits of a non-negative integer below 2³², with portable shifts and masks (SWAR)."""
    x = mask - ((mask >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    x = x + (x >> 8)
    x = x + (x >> 16)
    return x & 0x3F


def _interaction_days_rollup(tables: Tables) -> ir.Table:
    i = interactions_frame(tables)
    i = i.mutate(day=epoch_days(i.at), month=PERIODS["month"].index(i.at), mday=i.at.day())
    keys = ["customer_id", "channel", "day", "month", "mday"]  # month and mday: of the day
    return i.group_by(keys).aggregate(touches=i.count())


INTERACTION_DAYS = Rollup(
    "interaction_days",
    ("interactions",),
    ("customer_id", "channel"),
    _interaction_days_rollup,
    facts=("interactions",),
)
"""Interactions per customer (null: anonymous), channel and UTC day (with its month index and
day of the month, so that months need no date arithmetic on the rollup)."""


def _channel_grains(src: Sources, q: Query) -> ir.Table:
    """Interactions per breakdown, customer (null: anonymous), channel and grain: one pass, shared.

    Each row has the interaction count and a bit mask of the days inside the grain with an
    interaction (the grain is the period for days and weeks, the month otherwise). Read from
    the :data:`INTERACTION_DAYS` rollup where one serves.
    """

    def build() -> ir.Table:
        keys = list(dict.fromkeys([*q.by, "customer_id", "channel", "grain"]))
        rollup = src.rollup(INTERACTION_DAYS)
        i = rollup if rollup is not None else in_range(src.frame("interactions"), q)
        grain, offset = _grain(i, q, rollup=rollup is not None)
        i = i.mutate(grain=grain, bit=ibis.literal(1, type="int64") << offset)
        touches = i.touches.sum() if rollup is not None else i.count()
        return i.group_by(keys).aggregate(touches=touches, days=i.bit.bit_or())

    return src.shared(("channel_grains",), build)


def _period_of_grain(t: ir.Table, q: Query) -> ir.IntegerValue | None:
    if q.period is None:
        return None
    if q.period.name == _grain_name(q):
        return t.grain
    return {"quarter": t.grain // 3, "year": t.grain // 12}[q.period.name]


def _per_customer(src: Sources, q: Query) -> ir.Table:
    """Per customer (with a known id) and group: active days, interactions, channels; shared."""

    def build() -> ir.Table:
        g = _channel_grains(src, q)
        g = g.filter(g.customer_id.notnull())
        per_grain = g.group_by([*q.by, "customer_id", "grain"]).aggregate(
            touches=g.touches.sum(), mask=g.days.bit_or(), channels=g.count()
        )
        per_grain = per_grain.mutate(days=bit_count(per_grain.mask))
        if q.period is not None and q.period.name == _grain_name(q):
            per_grain = per_grain.mutate(**{PERIOD_KEY: per_grain.grain})
            return per_grain.select(*q.keys, "customer_id", "touches", "channels", "days")
        period = _period_of_grain(per_grain, q)
        c = per_grain.mutate(**({PERIOD_KEY: period} if period is not None else {}))
        c = c.group_by([*q.keys, "customer_id"]).aggregate(
            touches=c.touches.sum(), days=c.days.sum()
        )
        used = g.mutate(**({PERIOD_KEY: _period_of_grain(g, q)} if q.period else {}))
        used = used.select(*dict.fromkeys([*q.keys, "customer_id", "channel"])).distinct()
        used = used.group_by([*q.keys, "customer_id"]).aggregate(channels=used.count())
        return c.join(used, [*q.keys, "customer_id"]).select(
            *q.keys, "customer_id", "touches", "channels", "days"
        )

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
    g = _channel_grains(src, q)
    period = _period_of_grain(g, q)
    g = g.mutate(**{PERIOD_KEY: period}) if period is not None else g
    keys = [k for k in q.keys if k != "channel"]
    per = g.group_by([*keys, "channel"]).aggregate(k=g.touches.sum())
    total = per.k.sum().over(ibis.window(group_by=keys or None))
    return per.mutate(n=total).select(*keys, "channel", "n", "k")


ENGAGEMENT_METRICS = (
    Metric(
        "active_days",
        "Active days per customer",
        "interactions",
        active_days,
        "mean",
        "days",
        "distinct UTC days with an interaction, mean over customers active in the period",
    ),
    Metric(
        "touchpoints",
        "Touchpoints per customer",
        "interactions",
        touchpoints,
        "mean",
        "interactions",
        "interactions per customer active in the period; t interval",
    ),
    Metric(
        "channels_per_customer",
        "Channels per customer",
        "interactions",
        channels_per_customer,
        "mean",
        "channels",
        "distinct channels used per customer active in the period; t interval",
    ),
    Metric(
        "channel_mix",
        "Channel mix",
        "interactions",
        channel_mix,
        "proportion",
        "%",
        "share of interactions through each channel; Wilson interval",
        extra_keys=("channel",),
        min_n=1,
    ),
)
