"""The canonical tables an import writes, their upsert keys, and batching of key lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from opencx.db import schema

BATCH = 500


TABLES: dict[str, sa.Table] = {t.name: t for t in schema.metadata.sorted_tables}


KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("source", "external_id"),
    "products": ("source", "external_id"),
    "orders": ("source", "external_id"),
    "order_lines": ("order_id", "line_no"),
    "subscriptions": ("source", "external_id"),
    "interactions": ("source", "external_id"),
    "cases": ("source", "external_id"),
    "responses": ("source", "external_id"),
    "answers": ("response_id", "question_key"),
}


def batched(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
