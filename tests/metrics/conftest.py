"""Fixtures for the metrics tests: one small canonical data set, loaded into every backend.

The data set is built here, row by row, with a seeded generator, so every backend receives the
same rows: SQLite and PostgreSQL through the migrated schema, DuckDB and PySpark from Arrow.
"""

from __future__ import annotations

import math
import os
import random
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlalchemy as sa

import opencx.metrics as m
from opencx.db.schema import metadata
from tests.conftest import SPARK_TEST_CONF, shared_data, spark_test_jvm, unavailable

__all__ = ["shared_data", "unavailable"]

Rows = dict[str, list[dict[str, Any]]]
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _at(rng: random.Random, days: int = 365) -> datetime:
    return T0 + timedelta(seconds=rng.randrange(days * 86_400))


def _id(prefix: str, i: int) -> str:
    return f"{prefix}{i:06d}"


SEGMENTS = ("gold", "silver", 'Καφέ "7"')


def _attributes(i: int) -> dict[str, Any]:
    """A segment for four customers in five (one with non-ASCII text and quotes), and a flag."""
    return {} if i % 5 == 0 else {"segment": SEGMENTS[i % 3], "member": i % 2 == 0}


def _customers(rng: random.Random) -> list[dict[str, Any]]:
    countries = [("NL", "nl"), ("DK", "da"), ("GR", "el"), ("GB", "en")]
    out = []
    for i in range(80):
        country, lang = rng.choice(countries)
        out.append(
            {
                "id": _id("c", i),
                "source": "test",
                "external_id": str(i),
                "name": f"Customer {i}",
                "email": f"c{i}@example.com",
                "phone": None,
                "language": lang,
                "country": country,
                "created_at": T0,
                "attributes": _attributes(i),
                "consent_email": True,
                "consent_sms": False,
                "consent_surveys": True,
                "merged_into": None,
                "erased_at": None,
            }
        )
    return out


def _commerce(rng: random.Random, rows: Rows) -> None:
    cats = ["books", "music", "games", "books"]
    rows["products"] = [
        {
            "id": _id("p", i),
            "source": "test",
            "external_id": f"SKU{i}",
            "name": f"P{i}",
            "category": cats[i],
            "list_price": Decimal("10.00") + i,
            "currency": "EUR",
            "is_merchandise": True,
        }
        for i in range(4)
    ] + [
        {
            "id": "post",
            "source": "test",
            "external_id": "POST",
            "name": "Postage",
            "category": None,
            "list_price": Decimal("3.50"),
            "currency": "EUR",
            "is_merchandise": False,
        }
    ]
    orders, lines = [], []
    for i in range(420):
        cust = rng.choice(rows["customers"])["id"] if rng.random() > 0.05 else None
        status = rng.choices(["completed", "cancelled", "partly_returned"], [0.85, 0.05, 0.1])[0]
        at = _at(rng).replace(microsecond=0)
        oid = _id("o", i)
        orders.append(
            {
                "id": oid,
                "source": "test",
                "external_id": str(i),
                "customer_id": cust,
                "placed_at": at,
                "channel": rng.choice(["web", "app", "store"]),
                "status": status,
                "currency": "EUR",
                "discount_total": Decimal("0"),
            }
        )
        n_lines = rng.randint(1, 3)
        for j in range(n_lines):
            p = rng.randrange(4)
            qty = rng.randint(1, 4)
            lid = f"{oid}-{j}"
            lines.append(
                {
                    "id": lid,
                    "order_id": oid,
                    "line_no": j + 1,
                    "product_id": _id("p", p),
                    "sku": f"SKU{p}",
                    "quantity": qty,
                    "unit_price": Decimal(f"{10 + p}.25"),
                    "discount": Decimal("1.00") if j == 0 else Decimal("0"),
                    "returns_line_id": None,
                }
            )
            if status == "partly_returned" and j == 0:
                lines.append(
                    {
                        "id": lid + "r",
                        "order_id": oid,
                        "line_no": 10 + j,
                        "product_id": _id("p", p),
                        "sku": f"SKU{p}",
                        "quantity": -1,
                        "unit_price": Decimal(f"{10 + p}.25"),
                        "discount": Decimal("0"),
                        "returns_line_id": lid,
                    }
                )
        lines.append(
            {
                "id": f"{oid}-s",
                "order_id": oid,
                "line_no": 99,
                "product_id": "post",
                "sku": "POST",
                "quantity": 1,
                "unit_price": Decimal("3.50"),
                "discount": Decimal("0"),
                "returns_line_id": None,
            }
        )
    rows["orders"], rows["order_lines"] = orders, lines


def _surveys(rng: random.Random, rows: Rows) -> None:
    rows["surveys"] = [
        {
            "id": "s-nps",
            "key": "relationship",
            "kind": "nps",
            "name": "Relationship",
            "version": 1,
            "languages": ["en"],
            "definition": {},
        },
        {
            "id": "s-enps",
            "key": "pulse",
            "kind": "enps",
            "name": "Pulse",
            "version": 1,
            "languages": ["en"],
            "definition": {},
        },
        {
            "id": "s-cx",
            "key": "after-case",
            "kind": "csat",
            "name": "After case",
            "version": 1,
            "languages": ["en"],
            "definition": {},
        },
    ]
    rows["survey_questions"] = [
        {
            "id": "q1",
            "survey_id": "s-nps",
            "key": "recommend",
            "type": "nps",
            "scale_min": 0,
            "scale_max": 10,
        },
        {
            "id": "q2",
            "survey_id": "s-cx",
            "key": "csat",
            "type": "csat",
            "scale_min": 1,
            "scale_max": 5,
        },
        {
            "id": "q3",
            "survey_id": "s-cx",
            "key": "ces",
            "type": "ces",
            "scale_min": 1,
            "scale_max": 7,
        },
        {
            "id": "q4",
            "survey_id": "s-enps",
            "key": "enps",
            "type": "nps",
            "scale_min": 0,
            "scale_max": 10,
        },
    ]
    responses, answers, invitations = [], [], []
    for i in range(360):
        cust = rng.choice(rows["customers"])
        survey = rng.choices(["s-nps", "s-cx", "s-enps"], [0.5, 0.35, 0.15])[0]
        at = _at(rng).replace(microsecond=0)
        rid = _id("r", i)
        responses.append(
            {
                "id": rid,
                "source": "test",
                "external_id": str(i),
                "survey_id": survey,
                "customer_id": cust["id"],
                "invitation_id": None,
                "submitted_at": at,
                "channel": rng.choice(["email", "sms", "web"]),
                "language": cust["language"],
                "touchpoint": rng.choice(["checkout", "delivery", "returns"]),
                "context_kind": None,
                "context_id": None,
                "completed": True,
                "submission": {},
            }
        )

        def ans(
            key: str, qtype: str, score: int, rid: str = rid, lang: str = cust["language"]
        ) -> None:
            answers.append(
                {
                    "id": f"{rid}-{key}",
                    "response_id": rid,
                    "question_key": key,
                    "question_type": qtype,
                    "score": score,
                    "choices": None,
                    "text": None,
                    "language": lang,
                }
            )

        if survey == "s-nps":
            ans("recommend", "nps", rng.choices(range(11), [1, 1, 1, 1, 2, 2, 3, 6, 8, 9, 8])[0])
            if rng.random() < 0.8:
                ans("buy_again", "rating", rng.randint(3, 10))
                ans("try_other", "rating", rng.randint(0, 10))
            if rng.random() < 0.6:
                ans("category_spend", "number", rng.randint(50, 600))
                ans("brands_used", "number", rng.randint(1, 5))
                ans("brand_rank", "number", 1 + rng.randrange(1))
        elif survey == "s-cx":
            ans("csat", "csat", rng.choices(range(1, 6), [1, 1, 2, 5, 6])[0])
            ans("ces", "ces", rng.choices(range(1, 8), [1, 1, 1, 2, 4, 5, 3])[0])
        else:
            ans("enps", "nps", rng.randint(3, 10))
    for i in range(500):
        sent = _at(rng).replace(microsecond=0)
        responded = rng.random() < 0.3
        invitations.append(
            {
                "id": _id("i", i),
                "survey_id": rng.choice(["s-nps", "s-cx"]),
                "customer_id": rng.choice(rows["customers"])["id"],
                "channel": rng.choice(["email", "sms"]),
                "trigger": "order",
                "trigger_ref": None,
                "token_hash": f"h{i}",
                "scheduled_at": sent,
                "sent_at": sent if i % 10 else None,
                "opened_at": None,
                "responded_at": sent + timedelta(hours=5) if responded else None,
                "status": "responded" if responded else "sent",
            }
        )
    rows["responses"], rows["answers"], rows["invitations"] = responses, answers, invitations


def _touch(rng: random.Random, rows: Rows) -> None:
    inter = []
    for i in range(1500):
        cust = rng.choice(rows["customers"])["id"] if rng.random() > 0.1 else None
        inter.append(
            {
                "id": _id("x", i),
                "source": "test",
                "external_id": str(i),
                "customer_id": cust,
                "occurred_at": _at(rng).replace(microsecond=0),
                "channel": rng.choice(["web", "app", "email", "chat"]),
                "kind": rng.choice(["visit", "page_view", "contact"]),
                "touchpoint": rng.choice(["checkout", "delivery", None]),
                "session_id": None,
                "campaign": None,
                "properties": {},
            }
        )
    subs = []
    for i in range(40):
        start = _at(rng, 200).replace(microsecond=0)
        end = start + timedelta(days=rng.randint(20, 300)) if rng.random() < 0.5 else None
        subs.append(
            {
                "id": _id("b", i),
                "source": "test",
                "external_id": str(i),
                "customer_id": rows["customers"][i % 30]["id"],
                "plan": rng.choice(["basic", "plus"]),
                "started_at": start,
                "ended_at": end,
                "mrr": Decimal(rng.choice(["9.99", "19.99", "29.99"])),
                "currency": "EUR",
                "status": "ended" if end else "active",
                "cancel_reason": None,
            }
        )
    rows["interactions"], rows["subscriptions"] = inter, subs


def build_rows(seed: int = 7) -> Rows:
    rng = random.Random(seed)
    rows: Rows = {"customers": _customers(rng)}
    _commerce(rng, rows)
    _surveys(rng, rows)
    _touch(rng, rows)
    return rows


LOAD_ORDER = [
    "customers",
    "products",
    "orders",
    "order_lines",
    "surveys",
    "survey_questions",
    "invitations",
    "responses",
    "answers",
    "interactions",
    "subscriptions",
]


@pytest.fixture(scope="session")
def canonical_rows() -> Rows:
    return build_rows()


def load_sql(engine: sa.Engine, rows: Rows) -> None:
    """Insert the rows through the migrated schema (SQLite or PostgreSQL)."""
    with engine.begin() as conn:
        for name in LOAD_ORDER:
            if rows.get(name):
                conn.execute(metadata.tables[name].insert(), rows[name])


def arrow_tables(rows: Rows) -> dict[str, pa.Table]:
    """The rows as Arrow tables with the canonical column types (JSON as text)."""
    out = {}
    for name in LOAD_ORDER:
        table = metadata.tables[name]
        fields, arrays = [], []
        for col in table.columns:
            values = [r.get(col.name) for r in rows[name]]
            typ = _arrow_type(col)
            if typ == pa.string() and any(isinstance(v, dict | list) for v in values):
                import json

                values = [None if v is None else json.dumps(v) for v in values]
            fields.append(pa.field(col.name, typ))
            arrays.append(pa.array(values, type=typ))
        out[name] = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    return out


def _arrow_type(col: sa.Column[Any]) -> pa.DataType:
    t = col.type
    name = type(t).__name__
    if name == "UtcDateTime":
        return pa.timestamp("us", tz="UTC")
    if isinstance(t, sa.types.TypeDecorator):  # MONEY: the Numeric it stores
        t = t.impl_instance
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return pa.decimal128(18, 4)
    if isinstance(t, sa.Boolean):
        return pa.bool_()
    if isinstance(t, sa.Integer):
        return pa.int64()
    if isinstance(t, sa.Float):
        return pa.float64()
    return pa.string()


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local SparkSession per test session (Java 17, loopback, temporary warehouse)."""
    java = Path("/usr/lib/jvm/java-17-openjdk-amd64")
    os.environ.setdefault("JAVA_HOME", str(java))
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        unavailable("pyspark")
    if not (Path(os.environ["JAVA_HOME"]) / "bin" / "java").exists() and not shutil.which("java"):
        unavailable("Java 17 for PySpark")
    from opencx.metrics.store.backends import spark_session as make

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    spark_test_jvm()
    session = make(master="local[1]", warehouse_dir=str(warehouse))
    for key, value in SPARK_TEST_CONF.items():
        session.conf.set(key, value)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def duck(canonical_rows: Rows) -> Any:
    """An in-memory DuckDB holding the canonical data set."""
    from opencx.metrics.store.backends import duckdb_connection

    con = duckdb_connection(threads=1)
    for name, t in arrow_tables(canonical_rows).items():
        con.create_table(name, t)
    return con


@pytest.fixture(scope="session")
def empty_tables(canonical_rows: Rows) -> dict[str, Any]:
    """Unbound Ibis tables with the canonical schemas (for compiling SQL without a backend)."""
    import ibis

    return {
        name: ibis.table(ibis.Schema.from_pyarrow(t.schema), name=name)
        for name, t in arrow_tables({k: [] for k in canonical_rows}).items()
    }


# --- the same numbers on every backend ---------------------------------------------------------
REQUESTS = [{"by": ["country"], "period": "month"}, {"period": "quarter", "by": ["channel"]}]
BY_ATTRIBUTE = {
    "nps": "segment",
    "repeat_purchase_rate": "attributes.segment",
    "active_days": "segment",
}
"""Metrics also broken down by a key of the customers' JSON attributes on every backend."""


def _requests(name: str) -> list[dict[str, Any]]:
    metric = m.METRICS[name]
    if not metric.periodic:
        return [{"by": ["country"]}, {}]
    if metric.frame == "subscriptions":
        return [{"period": "month"}, {"period": "quarter", "by": ["plan"]}]
    if metric.frame == "invitations":
        return [{"period": "month", "by": ["channel"]}, {"by": ["country"]}]
    if name in BY_ATTRIBUTE:
        return [*REQUESTS, {"period": "quarter", "by": [BY_ATTRIBUTE[name]]}]
    return REQUESTS


def every_result(tables: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
    out = {}
    for name in sorted(m.METRICS):
        for i, request in enumerate(_requests(name)):
            out[name, i] = m.compute(m.MetricRequest(name, min_n=1, **request), tables).records()
    return out


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


@pytest.fixture(scope="session")
def reference(duck: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Every metric's records for its requests on DuckDB: what the other backends must equal."""
    return every_result(duck)


def assert_same(got: dict[Any, Any], want: dict[Any, Any]) -> None:
    """The same rows, keys and values (floats to 1e-9) for every request."""
    assert got.keys() == want.keys()
    for key, rows in want.items():
        assert len(got[key]) == len(rows), key
        for g, w in zip(got[key], rows, strict=True):
            bad = [c for c in w if not _close(g[c], w[c])]
            assert not bad, (key, bad, g, w)
    assert any(rows for rows in want.values())
