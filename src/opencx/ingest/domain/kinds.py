"""What a file of each kind holds: its canonical fields, their types and which are required."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RESERVED = ("_line", "_problems", "_source")
"""Columns a reject file adds to the source columns: never canonical fields, never unknown."""

FieldType = Literal["str", "int", "money", "datetime", "bool", "json"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One canonical field of an import kind."""

    name: str
    type: FieldType = "str"
    required: bool = False
    max_len: int | None = None
    default: str | None = None
    negative_ok: bool = True


def _f(
    name: str,
    type_: FieldType = "str",
    *,
    required: bool = False,
    max_len: int | None = None,
    default: str | None = None,
    negative_ok: bool = True,
) -> FieldSpec:
    return FieldSpec(name, type_, required, max_len, default, negative_ok)


@dataclass(frozen=True, slots=True)
class KindSpec:
    """An import kind: its fields and the field that groups rows into one record."""

    name: str
    fields: tuple[FieldSpec, ...]
    group_by: str | None = None  # rows with the same value form one record (orders, responses)
    needs_customer: bool = False  # an unknown customer reference is an error

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_CUSTOMER_REF = _f("customer", max_len=200)


KINDS: dict[str, KindSpec] = {
    "customers": KindSpec(
        "customers",
        (
            _f("external_id", required=True, max_len=200),
            _f("name", max_len=300),
            _f("email", max_len=320),
            _f("phone", max_len=40),
            _f("language", max_len=35),
            _f("country", max_len=2),
            _f("created_at", "datetime"),
            _f("consent_email", "bool", default="false"),
            _f("consent_sms", "bool", default="false"),
            _f("consent_surveys", "bool", default="false"),
            _f("attributes", "json"),
        ),
    ),
    "products": KindSpec(
        "products",
        (
            _f("external_id", required=True, max_len=200),
            _f("name", max_len=500),
            _f("category", max_len=200),
            _f("list_price", "money"),
            _f("currency", max_len=3),
            _f("is_merchandise", "bool", default="true"),
        ),
    ),
    "orders": KindSpec(
        "orders",
        (
            _f("order_id", required=True, max_len=200),
            _CUSTOMER_REF,
            _f("placed_at", "datetime", required=True),
            _f("channel", max_len=20, default="web"),
            _f("status", max_len=20),
            _f("currency", required=True, max_len=3),
            _f("discount_total", "money", default="0"),
            _f("line_no", "int", negative_ok=False),
            _f("sku", required=True, max_len=200),
            _f("product_name", max_len=500),
            _f("category", max_len=200),
            _f("quantity", "int", required=True, negative_ok=False),
            _f("unit_price", "money", required=True),
            _f("discount", "money", default="0"),
            _f("is_return", "bool", default="false"),
            _f("returns_order", max_len=200),
            _f("country", max_len=2),
        ),
        group_by="order_id",
    ),
    "subscriptions": KindSpec(
        "subscriptions",
        (
            _f("external_id", required=True, max_len=200),
            _f("customer", required=True, max_len=200),
            _f("plan", max_len=200),
            _f("started_at", "datetime", required=True),
            _f("ended_at", "datetime"),
            _f("mrr", "money", required=True, negative_ok=False),
            _f("currency", required=True, max_len=3),
            _f("status", max_len=20, default="active"),
            _f("cancel_reason", max_len=500),
        ),
        needs_customer=True,
    ),
    "interactions": KindSpec(
        "interactions",
        (
            _f("external_id", required=True, max_len=200),
            _CUSTOMER_REF,
            _f("occurred_at", "datetime", required=True),
            _f("channel", required=True, max_len=20),
            _f("kind", required=True, max_len=40),
            _f("touchpoint", max_len=60),
            _f("session_id", max_len=100),
            _f("campaign", max_len=200),
            _f("properties", "json"),
        ),
    ),
    "cases": KindSpec(
        "cases",
        (
            _f("external_id", required=True, max_len=200),
            _CUSTOMER_REF,
            _f("channel", required=True, max_len=20),
            _f("queue", max_len=100),
            _f("category", max_len=100),
            _f("priority", max_len=20, default="normal"),
            _f("status", max_len=20, default="open"),
            _f("subject", max_len=500),
            _f("opened_at", "datetime", required=True),
            _f("first_response_at", "datetime"),
            _f("resolved_at", "datetime"),
            _f("closed_at", "datetime"),
            _f("assignee", max_len=200),
            _f("sla_policy", max_len=100),
        ),
    ),
    "case_events": KindSpec(
        "case_events",
        (
            _f("case", required=True, max_len=200),
            _f("at", "datetime", required=True),
            _f("kind", required=True, max_len=20),
            _f("actor", max_len=200),
            _f("body"),
            _f("properties", "json"),
        ),
    ),
    "responses": KindSpec(
        "responses",
        (
            _f("response_id", required=True, max_len=200),
            _f("survey", required=True, max_len=100),
            _CUSTOMER_REF,
            _f("submitted_at", "datetime", required=True),
            _f("channel", max_len=20),
            _f("language", max_len=35),
            _f("touchpoint", max_len=60),
            _f("context_kind", max_len=20),
            _f("context_id", max_len=100),
            _f("completed", "bool", default="true"),
            _f("question_key", max_len=100),
            _f("question_type", max_len=20),
            _f("score", "int"),
            _f("text"),
        ),
        group_by="response_id",
    ),
    "answers": KindSpec(
        "answers",
        (
            _f("response", required=True, max_len=200),
            _f("question_key", required=True, max_len=100),
            _f("question_type", max_len=20),
            _f("score", "int"),
            _f("text"),
            _f("language", max_len=35),
        ),
    ),
}
