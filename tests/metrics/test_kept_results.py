"""The metrics service keeps a result while the data it reads has the same rows (and for at most
``RESULTS_TTL`` seconds): the dashboards stop recomputing the same figures on every visit, and a
row added or removed anywhere the metrics read is in the next answer. Both stores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db.schema import answers, responses
from opencx.metrics.domain.request import MetricRequest
from opencx.metrics.service import MetricsService
from opencx.metrics.store.versions import READ_TABLES, data_version, present_tables

from .conftest import load_sql


def _counting(service: MetricsService, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the service opens its tables to compute."""
    opened: list[int] = []
    real = service.tables

    @contextmanager
    def tables() -> Iterator[Any]:
        opened.append(1)
        with real() as con:
            yield con

    monkeypatch.setattr(service, "tables", tables)
    return opened


def test_a_result_is_kept_until_a_row_comes_or_it_expires(
    engine: Engine, canonical_rows: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sql(engine, canonical_rows)
    service = MetricsService(engine)
    opened = _counting(service, monkeypatch)
    names = ("nps", "churn_rate")
    first = [t.result for t in service.overview(names=names)]
    assert [t.result for t in service.overview(names=names)] == first and len(opened) == 1
    nps = MetricRequest("nps", period="month")
    assert service.compute(nps) == first[0] and len(opened) == 1  # the overview's, kept
    assert service.compute(MetricRequest("nps", period="month", filters={"channel": "web"}))
    assert len(opened) == 2  # another request is another result
    with engine.begin() as conn:  # a detractor's answer more, in the latest scored response
        latest = conn.execute(
            sa.select(responses.c.id)
            .join(answers, answers.c.response_id == responses.c.id)
            .where(answers.c.question_type == "nps")
            .order_by(responses.c.submitted_at.desc())
            .limit(1)
        ).scalar_one()
        more = {"id": "a-more", "response_id": latest, "question_type": "nps", "score": 0}
        conn.execute(answers.insert(), {**more, "question_key": "nps-again"})
    after = service.compute(nps)
    assert len(opened) == 3 and after != first[0]
    assert after.rows[-1].n == first[0].rows[-1].n + 1
    assert service.compute(nps) == after and len(opened) == 3
    monkeypatch.setattr(MetricsService, "RESULTS_TTL", 0.0)  # expired: computed afresh
    assert service.compute(nps) == after and len(opened) == 4


def test_the_data_version_counts_every_table_a_metric_reads(
    engine: Engine, canonical_rows: Any
) -> None:
    load_sql(engine, canonical_rows)
    with engine.connect() as conn:
        present = present_tables(conn)
        version = dict(zip(READ_TABLES, data_version(conn, present), strict=True))
    assert "customer_segments" in present  # a view: counted too (new scores are a new version)
    for table in ("customers", "orders", "order_lines", "interactions", "responses", "answers"):
        assert version[table] == len(canonical_rows[table]), table
