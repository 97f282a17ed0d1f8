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

CUSTOMER_DIMENSIONS = ("country", "language")


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
    lines = table(tables, "order_lines")
    products = table(tables, "products")
    p = products.select(pid=products.id, category=products.category, merch=products.is_merchandise)
    j = lines.left_join(p, lines.product_id == p.pid)
    j = j.filter(j.merch.isnull() | j.merch)
    value = _f(j.quantity) * _f(j.unit_price) - _f(j.discount).fill_null(0.0)
    return j.select("order_id", "category", "sku", quantity=j.quantity.cast("int64"), value=value)


def orders_frame(tables: Tables) -> ir.Table:
    """One row per order with merchandise units (float) and values; ``purchase`` marks purchases.

    A purchase is an order that is not cancelled and has at least one line of positive quantity.
    Lines are aggregated per order first and joined to ``orders`` once (orders without
    merchandise lines are left out).
    """
    lines = _merchandise_lines(tables)
    pos = lines.quantity > 0
    units = _f(lines.quantity)  # float sums: engines widen integer sums (DuckDB to 128 bits)
    per_order = lines.group_by("order_id").aggregate(
        units=pos.ifelse(units, 0.0).sum(),
        returned_units=pos.ifelse(0.0, -units).sum(),
        gross=pos.ifelse(lines.value, 0.0).sum(),
        net=lines.value.sum(),
    )
    orders = _orders(tables)
    j = per_order.join(orders, per_order.order_id == orders.oid)
    purchase = (j.status != "cancelled") & (j.units > 0)
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
    """Join the customer attributes among ``names`` that the frame lacks; reject unknown names.

    Customer attributes are the columns ``country`` and ``language``, any key of the customer's
    ``attributes`` JSON as ``attributes.<key>``, and ``segment`` for ``attributes.segment``.
    """
    missing = [n for n in dict.fromkeys(names) if n not in frame.columns]
    if not missing:
        return frame
    unknown = [n for n in missing if n not in CUSTOMER_DIMENSIONS and _attribute_key(n) is None]
    if unknown:
        known = sorted({*frame.columns, *CUSTOMER_DIMENSIONS} - {"at", "customer_id"})
        raise InvalidInput(
            f"unknown breakdown or filter {unknown[0]!r} for this metric; known: "
            f"{', '.join(known)}, attributes.<key> (a key of the customer's attributes)"
        )
    c = table(tables, "customers")
    alias = {n: f"c_{n}" if n.isidentifier() else f"c_{i}" for i, n in enumerate(missing)}
    cols: dict[str, Any] = {"cid": c.id}
    for name in missing:
        key = _attribute_key(name)
        cols[alias[name]] = c[name] if key is None else attribute(c, key)
    c = c.select(**cols)
    j = frame.left_join(c, frame.customer_id == c.cid)
    return j.select(*frame.columns, **{n: j[alias[n]] for n in missing})


def is_customer_dimension(name: str) -> bool:
    """Whether breakdown ``name`` is a customer attribute (joined from ``customers``)."""
    return name in CUSTOMER_DIMENSIONS or _attribute_key(name) is not None


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
    ``opencx.metrics.dialects`` compiles it to each backend's JSON text function. Ibis's own JSON
    accessors need a JSON-typed column (warehouses keep the document as text) and misread
    SQLite's ``json_extract``. String values agree across backends; booleans and numbers are
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


def with_filters(frame: ir.Table, filters: Mapping[str, object]) -> ir.Table:
    """Keep rows whose columns equal the given value (or one of the given values)."""
    for name, wanted in filters.items():
        values = list(wanted) if isinstance(wanted, list | tuple | set | frozenset) else [wanted]
        frame = frame.filter(frame[name].isin(values))
    return frame


def literal_ts(value: object) -> ir.Value:
    return ibis.literal(value, type="timestamp")
