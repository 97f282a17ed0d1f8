"""Frames: the canonical tables joined into the shapes metrics read, as Ibis expressions.

A frame is a lazy Ibis table with an ``at`` timestamp (UTC), ``customer_id`` where it exists, and
the columns a breakdown may name. Customer attributes (country, language, ...) are joined on
demand by :func:`with_dimensions`. Nothing here opens a connection or runs a query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.rules as rlz
import ibis.expr.types as ir

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.order_value import is_purchase, merchandise_lines, order_sums

CUSTOMER_DIMENSIONS = ("country", "language")
"""Columns of ``customers`` a breakdown may name (joined on demand)."""
FRAME_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "answers": (
        "survey",
        "channel",
        "touchpoint",
        "language",
        "theme",
        "sentiment",
        "case_queue",
        "case_agent",
        "case_channel",
    ),
    "invitations": ("survey", "channel", "trigger"),
    "orders": ("channel", "currency"),
    "lines": ("channel", "currency", "category"),
    "interactions": ("channel", "kind", "touchpoint", "campaign"),
    "subscriptions": ("plan", "currency"),
}
"""The columns of each frame a metric on it is broken down by, by default (``language`` of an
answer is the response's language, elsewhere the customer's; ``theme`` and ``sentiment`` of an
answer are its response's, read from :data:`TOPICS_TABLE`)."""


class TableSource(Protocol):
    """Anything that hands out Ibis tables by name (an Ibis backend does)."""

    def table(self, name: str) -> ir.Table: ...


Tables = Mapping[str, ir.Table] | TableSource


def table(tables: Tables, name: str) -> ir.Table:
    """Table ``name`` from a mapping or a backend; a missing table is an error naming it."""
    try:
        if isinstance(tables, Mapping):
            return tables[name]
        return tables.table(name)
    except (KeyError, LookupError) as exc:
        raise InvalidInput(f"the metric needs table {name!r}, which was not given") from exc
    except Exception as exc:
        if type(exc).__name__ in {"TableNotFound", "IbisError"}:
            raise InvalidInput(f"the metric needs table {name!r}, which was not found") from exc
        raise


def _f(col: ir.Value) -> ir.FloatingValue:
    return col.cast("float64")


def answers_frame(tables: Tables) -> ir.Table:
    """One row per typed answer, with its response, survey and question scale."""
    a = table(tables, "answers")
    r = table(tables, "responses")
    s = table(tables, "surveys")
    q = table(tables, "survey_questions")
    r = r.select(
        rid=r.id,
        customer_id=r.customer_id,
        at=r.submitted_at,
        survey_id=r.survey_id,
        channel=r.channel,
        touchpoint=r.touchpoint,
        language=r.language,
    )
    s = s.select(sid=s.id, survey=s.key, survey_kind=s.kind)
    q = q.select(qsid=q.survey_id, qkey=q.key, scale_min=q.scale_min, scale_max=q.scale_max)
    j = a.join(r, a.response_id == r.rid).join(s, r.survey_id == s.sid)
    j = j.left_join(q, (j.survey_id == q.qsid) & (j.question_key == q.qkey))
    return j.select(
        "response_id",
        "question_key",
        "question_type",
        "score",
        "customer_id",
        "at",
        "channel",
        "touchpoint",
        "language",
        "survey",
        "survey_kind",
        "scale_min",
        "scale_max",
    )


def lines_frame(tables: Tables) -> ir.Table:
    """One row per merchandise order line with its order and product category.

    Lines whose product is flagged ``is_merchandise = false`` (postage, fees) are left out;
    lines without a known product count as merchandise.
    """
    lines, orders = _merchandise_lines(tables), _orders(tables)
    j = lines.join(orders, lines.order_id == orders.oid)
    return j.select("order_id", *ORDER_COLUMNS, "category", "sku", "quantity", "value")


ORDER_COLUMNS = ("customer_id", "at", "channel", "status", "currency")
"""The order columns every order frame carries (``at`` is ``placed_at``)."""


def _orders(tables: Tables) -> ir.Table:
    o = table(tables, "orders")
    return o.select(
        oid=o.id,
        customer_id=o.customer_id,
        at=o.placed_at,
        channel=o.channel,
        status=o.status,
        currency=o.currency,
    )


def _merchandise_lines(tables: Tables) -> ir.Table:
    """Order lines whose product is merchandise (or unknown), with ``value``; no order columns."""
    return merchandise_lines(table(tables, "order_lines"), table(tables, "products"))


def orders_frame(tables: Tables) -> ir.Table:
    """One row per order with merchandise units (float) and values; ``purchase`` marks purchases.

    Values, units and purchases as :mod:`opencx.metrics.domain.order_value` defines them. Lines
    are aggregated per order first and joined to ``orders`` once (orders without merchandise
    lines are left out).
    """
    per_order = order_sums(_merchandise_lines(tables))
    orders = _orders(tables)
    j = per_order.join(orders, per_order.order_id == orders.oid)
    purchase = is_purchase(j.status, j.units)
    return j.select(
        "order_id",
        *ORDER_COLUMNS,
        "units",
        "returned_units",
        "gross",
        "net",
        purchase=purchase,
    )


def interactions_frame(tables: Tables) -> ir.Table:
    i = table(tables, "interactions")
    return i.select(
        "customer_id",
        "channel",
        "kind",
        "touchpoint",
        "campaign",
        at=i.occurred_at,
    )


def invitations_frame(tables: Tables) -> ir.Table:
    """Sent invitations (``sent_at`` set); ``responded`` when a response came back."""
    inv = table(tables, "invitations")
    s = table(tables, "surveys")
    s = s.select(sid=s.id, survey=s.key, survey_kind=s.kind)
    j = inv.filter(inv.sent_at.notnull()).join(s, inv.survey_id == s.sid)
    responded = j.responded_at.notnull() | (j.status == "responded")
    return j.select(
        "customer_id",
        "channel",
        "trigger",
        "survey",
        "survey_kind",
        at=j.sent_at,
        responded=responded,
    )


def subscriptions_frame(tables: Tables) -> ir.Table:
    s = table(tables, "subscriptions")
    return s.select(
        "customer_id",
        "plan",
        "status",
        "currency",
        "started_at",
        "ended_at",
        at=s.started_at,
        mrr=_f(s.mrr),
    )


FRAMES: dict[str, Callable[[Tables], ir.Table]] = {
    "answers": answers_frame,
    "lines": lines_frame,
    "orders": orders_frame,
    "interactions": interactions_frame,
    "invitations": invitations_frame,
    "subscriptions": subscriptions_frame,
}


def with_dimensions(frame: ir.Table, tables: Tables, names: Iterable[str]) -> ir.Table:
    """Join the customer dimensions among ``names`` that the frame lacks; reject unknown names.

    Customer dimensions are the columns ``country`` and ``language``, any key of the customer's
    ``attributes`` JSON as ``attributes.<key>``, ``segment`` for ``attributes.segment``, and the
    latest ``rfm_segment`` and ``persona`` from :data:`SEGMENTS_TABLE`.
    """
    missing = [n for n in dict.fromkeys(names) if n not in frame.columns]
    if not missing:
        return frame
    topics = [n for n in missing if n in TOPIC_DIMENSIONS and "response_id" in frame.columns]
    of_cases = [n for n in missing if n in CASE_DIMENSIONS and "response_id" in frame.columns]
    unknown = [n for n in missing if not is_customer_dimension(n) and n not in topics + of_cases]
    if unknown:
        known = sorted({*frame.columns, *customer_dimensions()} - {"at", "customer_id"})
        raise InvalidInput(
            f"unknown breakdown or filter {unknown[0]!r} for this metric; known: "
            f"{', '.join(known)}, attributes.<key> (a key of the customer's attributes)"
        )
    if topics:
        frame = _join_topics(frame, tables, topics)
    if of_cases:
        frame = _join_cases(frame, tables, of_cases)
    from_customers = [
        n for n in missing if n not in SEGMENT_DIMENSIONS and n not in topics + of_cases
    ]
    if from_customers:
        frame = _join_customers(frame, tables, from_customers)
    from_segments = [n for n in missing if n in SEGMENT_DIMENSIONS]
    if from_segments:
        frame = _join_segments(frame, tables, from_segments)
    return frame


def _join_customers(frame: ir.Table, tables: Tables, names: list[str]) -> ir.Table:
    c = table(tables, "customers")
    alias = {n: f"c_{n}" if n.isidentifier() else f"c_{i}" for i, n in enumerate(names)}
    cols: dict[str, Any] = {"cid": c.id}
    for name in names:
        key = _attribute_key(name)
        cols[alias[name]] = c[name] if key is None else attribute(c, key)
    c = c.select(**cols)
    j = frame.left_join(c, frame.customer_id == c.cid)
    return j.select(*frame.columns, **{n: j[alias[n]] for n in names})


SEGMENTS_TABLE = "customer_segments"
"""Modeling's published read model: one row per scored customer, with the name of its latest
RFM segment and persona (a view over ``customer_scores`` and ``model_runs``, migration 0011).
Metrics read it like a canonical table and never import modeling."""
SEGMENT_DIMENSIONS = ("rfm_segment", "persona")


def _join_segments(frame: ir.Table, tables: Tables, names: list[str]) -> ir.Table:
    try:
        s = table(tables, SEGMENTS_TABLE)
    except InvalidInput:
        raise InvalidInput(
            f"a breakdown or filter by {names[0]} reads {SEGMENTS_TABLE!r}, the models' "
            "published segments, which these tables lack: run 'opencx init' on the database "
            f"(migration 0011), and on a warehouse add {SEGMENTS_TABLE}.parquet exported from it"
        ) from None
    s = s.select(sid=s.customer_id, **{f"s_{n}": s[n] for n in names})
    j = frame.left_join(s, frame.customer_id == s.sid)
    return j.select(*frame.columns, **{n: j[f"s_{n}"] for n in names})


TOPICS_TABLE = "answer_topics"
"""Feedback's published read model: one row per theme of each analysed comment, with the
comment's sentiment (−1..1) (migration 0007). Metrics read it like a canonical table."""
TOPIC_DIMENSIONS = ("theme", "sentiment")
SENTIMENT_CUT = 1.0 / 3.0
"""A response is ``positive`` when the mean sentiment of its comments is above this, ``negative``
below its negative, else ``neutral``; null when no comment of it was scored."""


def _join_topics(frame: ir.Table, tables: Tables, names: list[str]) -> ir.Table:
    """The response's themes (one row per distinct theme; a response without an analysed
    comment is the null group) and its sentiment label, joined on ``response_id``."""
    try:
        t = table(tables, TOPICS_TABLE)
    except InvalidInput:
        raise InvalidInput(
            f"a breakdown or filter by {names[0]} reads {TOPICS_TABLE!r}, the feedback slice's "
            "published themes and sentiment, which these tables lack: run 'opencx init' and "
            f"'opencx feedback analyse' on the database, and on a warehouse add "
            f"{TOPICS_TABLE}.parquet exported from it"
        ) from None
    per = t.group_by(trid=t.response_id).aggregate(t_mean=t.sentiment.cast("float64").mean())
    if "theme" in names:
        themes = t.select(tid=t.response_id, t_theme=t.theme).distinct()
        per = themes.left_join(per, themes.tid == per.trid).select("tid", "t_theme", "t_mean")
        per = per.rename(trid="tid")
    m = per.t_mean
    label = ibis.ifelse(
        m > SENTIMENT_CUT, "positive", ibis.ifelse(m < -SENTIMENT_CUT, "negative", "neutral")
    )
    per = per.mutate(t_sentiment=m.isnull().ifelse(ibis.null("string"), label))
    j = frame.left_join(per, frame.response_id == per.trid)
    return j.select(*frame.columns, **{n: j[f"t_{n}"] for n in names})


CASE_DIMENSIONS = {"case_queue": "queue", "case_agent": "assignee", "case_channel": "channel"}
"""An answer given about a support case (a CSAT survey sent when the case was resolved: the
response's ``context_kind`` is ``case``) is broken down by that case's queue, agent (its
assignee) and channel; other answers fall in the null group."""


def _join_cases(frame: ir.Table, tables: Tables, names: list[str]) -> ir.Table:
    r = table(tables, "responses")
    c = table(tables, "cases")
    r = r.filter(r.context_kind == "case").select(crid=r.id, ccid=r.context_id)
    c = c.select(cid=c.id, **{f"k_{n}": c[CASE_DIMENSIONS[n]] for n in names})
    per = r.join(c, r.ccid == c.cid).select("crid", *(f"k_{n}" for n in names))
    j = frame.left_join(per, frame.response_id == per.crid)
    return j.select(*frame.columns, **{n: j[f"k_{n}"] for n in names})


def customer_dimensions() -> tuple[str, ...]:
    """Every named customer breakdown (``attributes.<key>`` aside): columns, aliases of
    attribute keys, then the models' segments."""
    return (*CUSTOMER_DIMENSIONS, *ATTRIBUTE_ALIASES, *SEGMENT_DIMENSIONS)


def is_attribute(name: str) -> bool:
    """Whether ``name`` reads a key of the customer's attributes (``attributes.<key>``, or an
    alias such as ``segment``); a malformed key is an error."""
    return _attribute_key(name) is not None


def is_customer_dimension(name: str) -> bool:
    """Whether breakdown ``name`` is the customer's (joined on ``customer_id``)."""
    return name in CUSTOMER_DIMENSIONS or name in SEGMENT_DIMENSIONS or is_attribute(name)


ATTRIBUTE_PREFIX = "attributes."
ATTRIBUTE_ALIASES = {"segment": "segment"}
"""Breakdown names that stand for a key of ``customers.attributes``."""
_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")


def _attribute_key(name: str) -> str | None:
    if name in ATTRIBUTE_ALIASES:
        return ATTRIBUTE_ALIASES[name]
    if name.startswith(ATTRIBUTE_PREFIX):
        key = name[len(ATTRIBUTE_PREFIX) :]
        if not _KEY.fullmatch(key):
            raise InvalidInput(
                f"attribute key {key!r} in {name!r}: use letters, digits and underscores"
            )
        return key
    return None


class AttributeText(ops.Value):  # type: ignore[misc]
    """The text of member ``key`` of a JSON object (null when absent): a customer attribute.

    An operation of our own, so that the domain names *what* it reads and stays backend-blind;
    ``opencx.metrics.store.dialects`` compiles it to each backend's JSON text function. Ibis's
    own JSON accessors need a JSON-typed column (warehouses keep the document as text) and
    misread SQLite's ``json_extract``. String values agree across backends; booleans and numbers are
    printed the backend's way.
    """

    doc: ops.Value
    key: str

    dtype = dt.string
    shape = rlz.shape_like("doc")


def attribute(customers: ir.Table, key: str) -> ir.StringValue:
    """The text of ``customers.attributes[key]`` (null when absent), read by the backend."""
    text: ir.StringValue = AttributeText(customers.attributes, key).to_expr()
    return text


def with_filters(frame: ir.Table, filters: Mapping[str, tuple[str, ...]]) -> ir.Table:
    """Keep rows whose column equals one of the given values."""
    for name, values in filters.items():
        frame = frame.filter(frame[name].isin(list(values)))
    return frame


def literal_ts(value: object) -> ir.Value:
    return ibis.literal(value, type="timestamp")
