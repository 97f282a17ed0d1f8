"""Fixtures for the modeling tests: a synthetic canonical data set with planted structure.

The generator writes real rows through SQLAlchemy into a migrated store, so the models read the
same tables production reads. Planted effects (checked by the tests):

* three behaviour groups: NL app-buying promoters who are loyalty members; DE web bargain hunters
  (most orders discounted, passive NPS); GB store occasionals;
* churners stop buying at a random "death" time and, in the 60 days before it, open cases and
  answer NPS low (the signal the churn model must find);
* baskets come from the customer's favourite product group of four, so products in one group are
  co-purchased (the structure next-best-offer must find).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy.engine import Engine

from opencx.db.schema import (
    answers,
    cases,
    customers,
    interactions,
    order_lines,
    orders,
    products,
    responses,
    surveys,
)
from tests.conftest import SPARK_TEST_CONF, spark_test_jvm

os.environ.setdefault("OMP_NUM_THREADS", "1")

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
N_PRODUCTS = 40
GROUPS = {
    "app_promoter": {
        "country": "NL",
        "language": "nl",
        "channel": "app",
        "gap": 25.0,
        "discount": 0.1,
        "nps": (9, 10),
        "member": True,
    },
    "web_bargain": {
        "country": "DE",
        "language": "de",
        "channel": "web",
        "gap": 50.0,
        "discount": 0.85,
        "nps": (6, 8),
        "member": False,
    },
    "store_occasional": {
        "country": "GB",
        "language": "en",
        "channel": "store",
        "gap": 110.0,
        "discount": 0.2,
        "nps": (7, 9),
        "member": False,
    },
}


@dataclass(frozen=True)
class Planted:
    """What the generator planted, so tests can compare models against the truth."""

    group_of: dict[str, str]
    death_of: dict[str, datetime | None]
    favourite_of: dict[str, int]
    end: datetime


def _ts(days: float) -> datetime:
    return START + timedelta(days=float(days))


def generate(engine: Engine, n_customers: int = 300, seed: int = 7, end: datetime = END) -> Planted:
    """Write a synthetic canonical data set into ``engine``; returns what was planted."""
    rng = np.random.default_rng(seed)
    span = (end - START).days
    rows: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "customers",
            "products",
            "orders",
            "order_lines",
            "interactions",
            "cases",
            "surveys",
            "responses",
            "answers",
        )
    }
    for p in range(N_PRODUCTS):
        rows["products"].append(
            {
                "id": f"p{p:03d}",
                "external_id": f"SKU{p:03d}",
                "name": f"Product {p}",
                "category": f"group{p // 4}",
                "list_price": Decimal(10 + p),
                "currency": "EUR",
                "is_merchandise": True,
            }
        )
    rows["surveys"].append({"id": "s-nps", "key": "nps", "kind": "nps", "name": "NPS"})
    rows["surveys"].append({"id": "s-csat", "key": "csat", "kind": "csat", "name": "CSAT"})
    planted = Planted({}, {}, {}, end)
    names = list(GROUPS)
    counters = {"order": 0, "line": 0, "ix": 0, "case": 0, "resp": 0}
    for c in range(n_customers):
        cid = f"c{c:05d}"
        group = names[c % len(names)]
        g = GROUPS[group]
        born = float(rng.uniform(0, span * 0.5))
        death = float(rng.uniform(born + 30, span + 200)) if rng.random() < 0.5 else None
        if death is not None and death >= span:
            death = None
        fav = int(rng.integers(0, N_PRODUCTS // 4))
        planted.group_of[cid] = group
        planted.death_of[cid] = _ts(death) if death is not None else None
        planted.favourite_of[cid] = fav
        rows["customers"].append(
            {
                "id": cid,
                "external_id": cid,
                "name": f"Customer {c}",
                "language": g["language"],
                "country": g["country"],
                "created_at": _ts(born),
                "attributes": {
                    "loyalty_member": g["member"] and rng.random() < 0.9,
                    "segment_hint": group if c % 7 == 0 else None,
                },
            }
        )
        last = death if death is not None else span
        t = born + float(rng.exponential(g["gap"] / 2))
        while t < last:
            _order(rows, counters, rng, cid, t, g, fav)
            t += float(rng.exponential(g["gap"]))
        _touchpoints(rows, counters, rng, cid, born, last, g, death)
    with engine.begin() as conn:
        for table in (
            customers,
            products,
            surveys,
            orders,
            order_lines,
            interactions,
            cases,
            responses,
            answers,
        ):
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
    return planted


def _order(
    rows: dict[str, list[dict[str, Any]]],
    counters: dict[str, int],
    rng: np.random.Generator,
    cid: str,
    t: float,
    g: dict[str, Any],
    fav: int,
) -> None:
    counters["order"] += 1
    oid = f"o{counters['order']:07d}"
    channel = g["channel"] if rng.random() < 0.8 else str(rng.choice(["web", "app", "store"]))
    discounted = rng.random() < g["discount"]
    rows["orders"].append(
        {
            "id": oid,
            "external_id": oid,
            "customer_id": cid,
            "placed_at": _ts(t),
            "channel": channel,
            "status": "completed",
            "currency": "EUR",
            "discount_total": Decimal("2.00") if discounted else Decimal(0),
        }
    )
    n_items = int(rng.integers(1, 4))
    picked: set[int] = set()
    for _ in range(n_items):
        if rng.random() < 0.85:
            p = fav * 4 + int(rng.integers(0, 4))
        else:
            p = int(rng.integers(0, N_PRODUCTS))
        picked.add(p)
    for line_no, p in enumerate(sorted(picked), start=1):
        counters["line"] += 1
        rows["order_lines"].append(
            {
                "id": f"l{counters['line']:08d}",
                "order_id": oid,
                "line_no": line_no,
                "product_id": f"p{p:03d}",
                "sku": f"SKU{p:03d}",
                "quantity": 1,
                "unit_price": Decimal(10 + p),
                "discount": Decimal(0),
            }
        )


def _touchpoints(
    rows: dict[str, list[dict[str, Any]]],
    counters: dict[str, int],
    rng: np.random.Generator,
    cid: str,
    born: float,
    last: float,
    g: dict[str, Any],
    death: float | None,
) -> None:
    for _ in range(int(rng.poisson(max(last - born, 1) / 30))):
        counters["ix"] += 1
        t = float(rng.uniform(born, last))
        kind = str(rng.choice(["visit", "login", "campaign_open"]))
        rows["interactions"].append(
            {
                "id": f"i{counters['ix']:08d}",
                "external_id": f"i{counters['ix']}",
                "customer_id": cid,
                "occurred_at": _ts(t),
                "channel": g["channel"],
                "kind": kind,
            }
        )
    answers_at: list[tuple[float, int]] = []
    for _ in range(int(rng.integers(0, 3))):
        answers_at.append(
            (
                float(rng.uniform(born, last)),
                int(rng.integers(*g["nps"]) + 1) if g["nps"][1] > g["nps"][0] else g["nps"][0],
            )
        )
    if death is not None:
        for _ in range(int(rng.integers(1, 3))):
            counters["case"] += 1
            t = float(rng.uniform(max(born, death - 60), death))
            rows["cases"].append(
                {
                    "id": f"k{counters['case']:07d}",
                    "external_id": f"k{counters['case']}",
                    "customer_id": cid,
                    "channel": "email",
                    "category": "delivery",
                    "opened_at": _ts(t),
                    "resolved_at": None,
                }
            )
        answers_at.append(
            (float(rng.uniform(max(born, death - 45), death)), int(rng.integers(0, 5)))
        )
    elif rng.random() < 0.2:
        counters["case"] += 1
        t = float(rng.uniform(born, last))
        rows["cases"].append(
            {
                "id": f"k{counters['case']:07d}",
                "external_id": f"k{counters['case']}",
                "customer_id": cid,
                "channel": "email",
                "category": "billing",
                "opened_at": _ts(t),
                "resolved_at": _ts(t + 2),
            }
        )
    for t, score in answers_at:
        counters["resp"] += 1
        rid = f"r{counters['resp']:07d}"
        rows["responses"].append(
            {
                "id": rid,
                "external_id": rid,
                "survey_id": "s-nps",
                "customer_id": cid,
                "submitted_at": _ts(t),
            }
        )
        rows["answers"].append(
            {
                "id": f"a{rid}",
                "response_id": rid,
                "question_key": "nps",
                "question_type": "nps",
                "score": score,
            }
        )


@pytest.fixture
def synthetic(sqlite_engine: Engine) -> Iterator[tuple[Engine, Planted]]:
    """A migrated SQLite store filled with 300 synthetic customers."""
    yield sqlite_engine, generate(sqlite_engine)


@pytest.fixture
def make_data() -> Callable[..., Planted]:
    return generate


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local SparkSession per test process, made as production makes it (``getOrCreate``
    shares it with the metrics tests when both run)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        unavailable("PySpark")
        raise
    from opencx.metrics.store.backends import spark_session as make

    try:
        spark_test_jvm()
        spark = make(master="local[1]", warehouse_dir=str(tmp_path_factory.mktemp("spark-wh")))
        for key, value in SPARK_TEST_CONF.items():
            spark.conf.set(key, value)
    except Exception as exc:  # Java missing or broken
        unavailable(f"local Spark ({exc.__class__.__name__})")
        raise
    yield spark
    spark.stop()


def unavailable(what: str) -> None:
    """Skip locally, fail under CI=true (the same rule as tests/conftest.py)."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available")


@pytest.fixture
def synthetic_frame(synthetic: tuple[Engine, Planted]) -> Any:
    """Feature frame of the synthetic data set as of its end."""
    from opencx.modeling.domain.features.customer import customer_features, feature_frame
    from opencx.modeling.store.warehouse import open_tables, sources

    engine, planted = synthetic
    with open_tables(engine) as con:
        return feature_frame(customer_features(sources(con), planted.end))


def export_parquet(engine: Engine, folder: Path) -> dict[str, Path]:
    """Write each canonical table to Parquet (attributes as JSON text), as a warehouse would."""
    from opencx.modeling.store.warehouse import SOURCE_TABLES, open_tables

    paths = {}
    with open_tables(engine) as con:
        for name in SOURCE_TABLES:
            frame = con.table(name).to_pandas()
            for col in ("attributes", "properties", "submission", "choices"):
                if col in frame.columns:
                    frame[col] = frame[col].map(lambda v: None if v is None else json.dumps(v))
            table = pa.Table.from_pandas(frame, preserve_index=False)
            schema = con.table(name).schema().to_pyarrow()
            fields = []
            for f in schema:
                typ = pa.string() if pa.types.is_null(f.type) or "json" in str(f.type) else f.type
                if pa.types.is_timestamp(typ):
                    typ = pa.timestamp("us", tz="UTC")
                fields.append(pa.field(f.name, typ))
            table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
            paths[name] = folder / f"{name}.parquet"
            pq.write_table(table, paths[name])
    return paths
