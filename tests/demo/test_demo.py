"""The demo generator written into real SQLite and PostgreSQL stores: every table filled,
references intact, invariants of returns, cases and surveys held, ``--if-empty`` respected."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.core.errors import Conflict
from opencx.db.schema import CANONICAL_TABLES
from opencx.demo import DemoSettings, build_demo, write_demo
from opencx.demo.cli import app as demo_app
from opencx.demo.domain.text import COMMENTS, comment_themes
from opencx.settings import Settings

GREEK = re.compile(r"[\u0370-\u03ff]")
DEMO_TABLES = (*CANONICAL_TABLES, "survey_questions")


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    write_demo(engine, build_demo(DemoSettings(customers=300, seed=11)))
    return engine


def services(engine: Engine, clock: FixedClock) -> Services:
    """The services as ``opencx`` builds them (the demo's record is wired there)."""
    return build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)


def rows(engine: Engine, sql: str) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)))


def scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())


def test_every_table_is_filled_with_demo_rows(demo_engine: Engine) -> None:
    for table in DEMO_TABLES:
        assert scalar(demo_engine, f"SELECT COUNT(*) FROM {table}") > 0, table
    for table in ("customers", "orders", "interactions", "cases", "responses", "subscriptions"):
        assert rows(demo_engine, f"SELECT DISTINCT source FROM {table}") == [("demo",)]
    assert scalar(demo_engine, "SELECT COUNT(*) FROM customers") == 300


def test_references_point_at_existing_rows(demo_engine: Engine) -> None:
    dangling = {
        "orders": "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
        "WHERE c.id IS NULL",
        "lines": "SELECT COUNT(*) FROM order_lines l LEFT JOIN products p ON p.id = l.product_id "
        "WHERE p.id IS NULL",
        "identities": "SELECT COUNT(*) FROM identities i LEFT JOIN customers c "
        "ON c.id = i.customer_id WHERE c.id IS NULL",
        "responses": "SELECT COUNT(*) FROM responses r "
        "JOIN invitations i ON i.id = r.invitation_id "
        "WHERE i.customer_id <> r.customer_id OR i.survey_id <> r.survey_id "
        "OR i.status <> 'responded' OR i.responded_at <> r.submitted_at",
        "order context": "SELECT COUNT(*) FROM responses r "
        "LEFT JOIN orders o ON o.id = r.context_id "
        "WHERE r.context_kind = 'order' AND (o.id IS NULL OR o.placed_at >= r.submitted_at)",
        "case context": "SELECT COUNT(*) FROM responses r "
        "LEFT JOIN cases k ON k.id = r.context_id "
        "WHERE r.context_kind = 'case' AND (k.id IS NULL OR k.resolved_at >= r.submitted_at)",
    }
    for name, sql in dangling.items():
        assert scalar(demo_engine, sql) == 0, name
    invited = scalar(demo_engine, "SELECT COUNT(*) FROM invitations")
    answered = scalar(demo_engine, "SELECT COUNT(*) FROM responses WHERE invitation_id IS NOT NULL")
    assert answered == scalar(
        demo_engine, "SELECT COUNT(*) FROM invitations WHERE status = 'responded'"
    )
    assert 0.12 < answered / invited < 0.35
    linkless = "SELECT DISTINCT s.kind FROM responses r JOIN surveys s ON s.id = r.survey_id "
    assert rows(demo_engine, linkless + "WHERE r.invitation_id IS NULL") == [("enps",)]


def test_returns_reverse_their_original_line(demo_engine: Engine) -> None:
    pairs = rows(
        demo_engine,
        "SELECT r.order_id, o.order_id, r.quantity, o.quantity, r.sku, o.sku, r.unit_price, "
        "o.unit_price FROM order_lines r JOIN order_lines o ON o.id = r.returns_line_id",
    )
    negatives = scalar(demo_engine, "SELECT COUNT(*) FROM order_lines WHERE quantity < 0")
    assert pairs and len(pairs) == negatives
    for r_order, o_order, r_qty, o_qty, r_sku, o_sku, r_price, o_price in pairs:
        assert (r_order, r_qty, r_sku, r_price) == (o_order, -o_qty, o_sku, o_price)
    statuses = dict(
        rows(
            demo_engine,
            "SELECT o.status, COUNT(*) FROM orders o WHERE EXISTS (SELECT 1 FROM order_lines l "
            "WHERE l.order_id = o.id AND l.quantity < 0) GROUP BY o.status",
        )
    )
    assert set(statuses) <= {"returned", "partly_returned", "cancelled"}
    assert (
        scalar(
            demo_engine,
            "SELECT COUNT(*) FROM orders o WHERE o.status IN ('returned', 'partly_returned', "
            "'cancelled') AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id "
            "AND l.quantity < 0)",
        )
        == 0
    )


def test_case_clocks_run_forwards(demo_engine: Engine) -> None:
    cases = rows(
        demo_engine,
        "SELECT opened_at, first_response_at, resolved_at, closed_at, status FROM cases",
    )
    assert len(cases) > 20
    for opened, first, resolved, closed, status in cases:
        assert first is None or first >= opened
        assert resolved is None or (first is not None and resolved >= first)
        assert closed is None or (resolved is not None and closed >= resolved)
        assert (status in ("resolved", "closed")) == (resolved is not None)
    kinds = {k for (k,) in rows(demo_engine, "SELECT DISTINCT kind FROM case_events")}
    assert {"message_in", "message_out", "status", "assignment"} <= kinds
    assert (
        scalar(
            demo_engine,
            "SELECT COUNT(*) FROM case_events e JOIN cases k ON k.id = e.case_id "
            "WHERE e.at < k.opened_at",
        )
        == 0
    )


def test_scores_stay_on_their_scales(demo_engine: Engine) -> None:
    ranges = dict(
        (t, (lo, hi))
        for t, lo, hi in rows(
            demo_engine,
            "SELECT question_type, MIN(score), MAX(score) FROM answers "
            "WHERE score IS NOT NULL GROUP BY question_type",
        )
    )
    assert set(ranges) == {"nps", "csat", "ces", "rating", "number"}
    assert ranges["nps"][0] >= 0 and ranges["nps"][1] <= 10
    assert ranges["csat"][0] >= 1 and ranges["csat"][1] <= 5
    assert ranges["ces"][0] >= 1 and ranges["ces"][1] <= 7
    outside = scalar(
        demo_engine,
        "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id "
        "JOIN survey_questions q ON q.survey_id = r.survey_id AND q.key = a.question_key "
        "WHERE a.score IS NOT NULL AND (a.score < q.scale_min OR a.score > q.scale_max "
        "OR q.type <> a.question_type)",
    )
    assert outside == 0


def test_customers_speak_four_languages_and_comment_in_their_own(demo_engine: Engine) -> None:
    languages = Counter(lang for (lang,) in rows(demo_engine, "SELECT language FROM customers"))
    assert set(languages) == {"nl", "da", "el", "en"}
    comments = rows(
        demo_engine,
        "SELECT a.text, a.language, c.language FROM answers a JOIN responses r "
        "ON r.id = a.response_id JOIN customers c ON c.id = r.customer_id "
        "WHERE a.question_type = 'text'",
    )
    assert {lang for _, lang, _ in comments} == {"nl", "da", "el", "en"}
    for text, lang, customer_lang in comments:
        assert lang == customer_lang
        bank = {p for by_pol in COMMENTS[lang].values() for ps in by_pol.values() for p in ps}
        assert comment_themes(text) and _leftover(text, bank) == "", text
        assert bool(GREEK.search(text)) == (lang == "el")
    for name, lang, country in rows(demo_engine, "SELECT name, language, country FROM customers"):
        assert bool(GREEK.search(name)) == (lang == "el")
        assert lang in {"en", {"NL": "nl", "DK": "da", "GR": "el", "GB": "en"}[country]}


def _leftover(text: str, bank: set[str]) -> str:
    """What remains of a comment once the phrases of its language's bank are taken out."""
    for phrase in sorted(bank, key=len, reverse=True):
        text = text.replace(phrase, "")
    return text.strip()


def test_identities_are_normalised_contact_data(demo_engine: Engine) -> None:
    pairs = rows(
        demo_engine,
        "SELECT i.kind, i.value, c.email, c.phone, c.country FROM identities i "
        "JOIN customers c ON c.id = i.customer_id",
    )
    codes = {"NL": "+31", "DK": "+45", "GR": "+30", "GB": "+44"}
    for kind, value, email, phone, country in pairs:
        if kind == "email":
            assert value == email.lower()
        else:
            assert re.fullmatch(r"\+\d{10,12}", value) and value.startswith(codes[country])
            assert value.endswith(re.sub(r"\D", "", phone).lstrip("0"))
    with_contact = scalar(
        demo_engine, "SELECT COUNT(*) FROM customers WHERE email IS NOT NULL"
    ) + scalar(demo_engine, "SELECT COUNT(*) FROM customers WHERE phone IS NOT NULL")
    assert len(pairs) == with_contact


def test_writing_twice_is_refused_and_if_empty_skips(engine: Engine, clock: FixedClock) -> None:
    write_demo(engine, build_demo(DemoSettings(customers=20, seed=3)))
    with pytest.raises(Conflict, match="already loaded"):
        write_demo(engine, build_demo(DemoSettings(customers=20, seed=3)))
    result = CliRunner().invoke(
        demo_app, ["--customers", "20", "--if-empty"], obj=services(engine, clock)
    )
    assert result.exit_code == 0, result.output
    assert "already exist" in result.output
    assert scalar(engine, "SELECT COUNT(*) FROM customers") == 20


def test_cli_generates_into_an_empty_store(sqlite_engine: Engine, clock: FixedClock) -> None:
    result = CliRunner().invoke(
        demo_app,
        ["--customers", "40", "--seed", "5", "--end-date", "2025-06-30", "--if-empty"],
        obj=services(sqlite_engine, clock),
    )
    assert result.exit_code == 0, result.output
    assert scalar(sqlite_engine, "SELECT COUNT(*) FROM customers") == 40
    last = rows(sqlite_engine, "SELECT MAX(occurred_at) FROM interactions")[0][0]
    assert str(last) < "2025-06-30"


def test_cli_rejects_a_bad_end_date(sqlite_engine: Engine, clock: FixedClock) -> None:
    result = CliRunner().invoke(
        demo_app, ["--end-date", "30/06/2025"], obj=services(sqlite_engine, clock)
    )
    assert result.exit_code == 2  # refused as the other options are (test_demo_bounds.py)
    assert "Invalid value for '--end-date': '30/06/2025'" in result.output


def test_the_demo_is_recorded_as_an_import_in_its_transaction(
    engine: Engine, clock: FixedClock
) -> None:
    demo = services(engine, clock).demo
    counts = demo.generate(DemoSettings(customers=30, seed=2))
    with pytest.raises(Conflict):
        demo.generate(DemoSettings(customers=30, seed=2))  # rolled back: no second record
    recorded = rows(
        engine, "SELECT kind, file_name, status, rows_read, rows_loaded, rows_rejected FROM imports"
    )
    command = "opencx demo --customers 30 --years 2.0 --seed 2 --end-date 2026-11-01"
    total = sum(counts.values())
    assert [tuple(r) for r in recorded] == [("demo", command, "loaded", total, total, 0)]
