"""A Formbricks response export imports through the bundled mapping: responses keyed by their
Formbricks id, the NPS and the comment as typed answers, partial ones kept as partial, people
found by the id the app gave Formbricks; the answers then count in NPS like any other."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from opencx.app import Services
from opencx.core import FixedClock
from opencx.db.schema import answers, responses
from opencx.ingest.domain.mapping import with_flags
from opencx.ingest.service import ImportOptions, load_mapping
from opencx.metrics.domain.request import MetricRequest

from .conftest import add_customer

EXPORT = Path(__file__).resolve().parents[1] / "data" / "feedback" / "formbricks_export.csv"
NPS = "1. How likely are you to recommend us to a friend or colleague?"
WHY = "2. What is the main reason for your score?"


def _options(services: Services) -> ImportOptions:
    mapping = with_flags(
        load_mapping("formbricks"),
        maps=[f"score:nps={NPS}", f"text:why_low={WHY}"],
        constants={"survey": "nps-web"},
    )
    return ImportOptions(
        kind="responses",
        path=EXPORT,
        mapping=mapping,
        ignore_unknown=True,
        customer_source="shop",
    )


def test_a_formbricks_export_imports_and_counts_in_nps(
    services: Services, clock: FixedClock
) -> None:
    services.feedback.create_from_template("nps", "nps-web", "After checkout", ["en"])
    for ref in ("C001", "C002", "C003"):
        add_customer(services.engine, clock, source="shop", external_id=ref)
    report = services.ingest.import_file(_options(services))
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 4, 0)
    with services.engine.connect() as conn:
        got = {
            r.external_id: r
            for r in conn.execute(sa.select(responses).where(responses.c.source == "formbricks"))
        }
        scores = dict(
            conn.execute(
                sa.select(responses.c.external_id, answers.c.score)
                .join(answers, answers.c.response_id == responses.c.id)
                .where(answers.c.question_key == "nps")
            ).all()
        )
        comment = conn.execute(
            sa.select(answers.c.text)
            .join(responses, answers.c.response_id == responses.c.id)
            .where(responses.c.external_id == "clx9a1b2c0002", answers.c.question_key == "why_low")
        ).scalar_one()
    assert set(got) == {f"clx9a1b2c000{i}" for i in range(1, 5)}
    assert got["clx9a1b2c0003"].completed is False and got["clx9a1b2c0001"].completed is True
    assert got["clx9a1b2c0003"].customer_id is None and got["clx9a1b2c0001"].customer_id
    assert scores == {
        "clx9a1b2c0001": 10,
        "clx9a1b2c0002": 3,
        "clx9a1b2c0003": 8,
        "clx9a1b2c0004": 6,
    }
    assert comment.startswith("The parcel arrived damaged")
    again = services.ingest.import_file(_options(services))
    assert again.status == "loaded"
    with services.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(responses)).scalar_one()
    assert n == 4  # importing the same export again changes nothing
    result = services.metrics.compute(MetricRequest("nps", min_n=1))
    assert result.rows and result.rows[0].n == 4
    # 1 promoter (10), 1 passive (8), 2 detractors (3, 6): NPS = (1 - 2) / 4 = -25
    assert round(result.rows[0].value, 6) == -25.0


QUALTRICS = EXPORT.with_name("qualtrics_export.csv")


@pytest.mark.parametrize("blank", [False, True], ids=["as_exported", "blank_line"])
def test_a_qualtrics_export_imports_with_its_two_extra_header_rows_skipped(
    services: Services, clock: FixedClock, tmp_path: Path, blank: bool
) -> None:
    services.feedback.create_from_template("nps", "nps-web", "After checkout", ["en"])
    for ref in ("C001", "C002", "C003"):
        add_customer(services.engine, clock, source="shop", external_id=ref)
    mapping = with_flags(
        load_mapping("qualtrics"),
        maps=["score:nps=Q1", "text:why_low=Q2_TEXT"],
        constants={"survey": "nps-web"},
    )
    path = QUALTRICS
    if blank:  # an empty line after the question texts (a file edited and saved): not a row
        lines = QUALTRICS.read_bytes().split(b"\n")
        path = tmp_path / QUALTRICS.name
        path.write_bytes(b"\n".join([*lines[:3], b"", *lines[3:]]))
    options = ImportOptions(
        kind="responses",
        path=path,
        mapping=mapping,
        ignore_unknown=True,
        customer_source="shop",
    )
    report = services.ingest.import_file(options)
    # the question-text row (with a line break in a cell) and the ImportId row are no records
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 4, 0)
    with services.engine.connect() as conn:
        got = {
            r.external_id: r
            for r in conn.execute(sa.select(responses).where(responses.c.source == "qualtrics"))
        }
        texts = dict(
            conn.execute(
                sa.select(responses.c.external_id, answers.c.text)
                .join(answers, answers.c.response_id == responses.c.id)
                .where(answers.c.question_key == "why_low")
            ).all()
        )
    assert set(got) == {
        "R_3kVt9xQe2bA1mZp",
        "R_1OeL5mWq8cYh7Tn",
        "R_2aPq7Zs4dWn6XkE",
        "R_9bRt3Vy6fHk2LsQ",
    }
    partial = got["R_2aPq7Zs4dWn6XkE"]
    assert partial.completed is False and partial.customer_id is None  # Finished = 0, anonymous
    assert got["R_9bRt3Vy6fHk2LsQ"].submitted_at.isoformat() == "2026-02-04T07:56:13+00:00"
    assert texts["R_9bRt3Vy6fHk2LsQ"] == "Η τιμή είναι πολύ υψηλή"
    assert services.ingest.import_file(options).status == "loaded"  # again: nothing new
    result = services.metrics.compute(MetricRequest("nps", min_n=1))
    # 1 promoter (10), 1 passive (8), 2 detractors (3, 6): NPS = (1 - 2) / 4 = -25
    assert result.rows[0].n == 4 and round(result.rows[0].value, 6) == -25.0
