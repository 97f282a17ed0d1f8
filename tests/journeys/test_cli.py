"""``opencx journeys paths|friction|experiments`` on a small store: tables, CSV, JSON and
refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.journeys.cli import app
from opencx.journeys.service import FRICTION_FIELDS, PATH_FIELDS
from opencx.journeys.service.experiments import RESULT_FIELDS
from opencx.settings import Settings
from tests.journeys.data import load

runner = CliRunner()


@pytest.fixture
def services(sqlite_engine: Engine, clock: FixedClock) -> Services:
    load(sqlite_engine)
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="journeys-test")
    return build(settings, clock=clock, engine=sqlite_engine)


def test_paths_as_a_table_csv_and_json(services: Services) -> None:
    shown = runner.invoke(app, ["paths", "--outcome", "case", "--days", "30"], obj=services)
    assert shown.exit_code == 0, shown.output
    assert "Paths to case opened" in shown.output and "24 customers" in shown.output
    got = runner.invoke(app, ["paths", "--format", "csv", "--limit", "3"], obj=services)
    rows = list(csv.DictReader(io.StringIO(got.output)))
    assert tuple(rows[0]) == PATH_FIELDS and len(rows) == 4
    assert rows[-1]["path"] == "(other paths)"
    assert abs(sum(float(r["share"]) for r in rows) - 1) < 1e-5
    data = json.loads(runner.invoke(app, ["paths", "--format", "json"], obj=services).output)
    assert data["title"].startswith("Paths to purchase") and data["rows"]


def test_friction_ranked_with_intervals(services: Services) -> None:
    args = ["friction", "--outcome", "no_purchase", "--level", "touchpoint", "--min-exposed", "1"]
    got = runner.invoke(app, [*args, "--format", "csv", "--within", "14"], obj=services)
    assert got.exit_code == 0, got.output
    rows = list(csv.DictReader(io.StringIO(got.output)))
    assert tuple(rows[0]) == FRICTION_FIELDS
    lows = [float(r["adjusted_lower"]) for r in rows if r["adjusted_lower"]]
    assert lows == sorted(lows, reverse=True)
    assert {(r["adjustment"], r["comparisons"]) for r in rows} == {("bonferroni", str(len(lows)))}
    for r in rows:
        above = bool(r["adjusted_lower"]) and float(r["adjusted_lower"]) > 0
        assert (r["real"] == "True") == above
    table = runner.invoke(app, [*args, "--format", "json"], obj=services)
    title = json.loads(table.output)["title"]
    assert title.startswith("Friction: no purchase within 30 days")
    m = json.loads(table.output)["rows"][0]["comparisons"]
    shown = f"Bonferroni-adjusted interval ({100 * (1 - 0.05 / m):.2f}%, m = {m} touchpoints"
    assert shown in title


def test_refusals_name_the_choices(services: Services) -> None:
    bad = runner.invoke(app, ["friction", "--outcome", "purchase"], obj=services)
    assert bad.exit_code != 0
    assert "friction outcome 'purchase'" in str(bad.exception)
    assert "low_score, case, no_purchase, no_return" in str(bad.exception)
    days = runner.invoke(app, ["paths", "--days", "45"], obj=services)
    assert "period length 45" in str(days.exception)
    when = runner.invoke(app, ["paths", "--until", "soon"], obj=services)
    assert when.exit_code == 2 and "expected a date" in when.output


def test_experiments_from_a_json_file_to_their_analysis(services: Services, tmp_path: Path) -> None:
    definition = {
        "key": "free-ship",
        "name": "Free shipping banner",
        "hypothesis": "Showing free shipping lifts conversion",
        "goal": "conversion",
        "window_days": 60,
        "start": "2026-01-01",
        "stop": "2026-03-01",
        "variants": [{"key": "control"}, {"key": "banner", "weight": "half"}],
    }
    file = tmp_path / "experiment.json"
    file.write_text(json.dumps(definition))
    refused = runner.invoke(app, ["experiments", "create", str(file)], obj=services)
    assert refused.exit_code != 0 and "variants[1].weight 'half'" in str(refused.exception)
    definition["variants"] = [{"key": "control"}, {"key": "banner"}]
    file.write_text(json.dumps(definition))
    made = runner.invoke(app, ["experiments", "create", str(file)], obj=services)
    assert made.exit_code == 0 and "created free-ship (draft)" in made.output
    assert runner.invoke(app, ["experiments", "start", "free-ship"], obj=services).exit_code == 0
    assigned = runner.invoke(app, ["experiments", "assign", "free-ship", "c0002"], obj=services)
    assert assigned.output.startswith("c0002: ")
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join([*(f"c{i:04d}" for i in range(10)), "nobody"]))
    args = ["experiments", "expose", "free-ship", "--customers", str(ids)]
    exposed = runner.invoke(app, args, obj=services)
    assert "7 exposed, 1 exposed before, 0 erased, 1 unknown (nobody)" in exposed.output
    segment = ["experiments", "expose", "free-ship", "--segment", "persona=nobody"]
    assert "no customer is in the persona" in str(
        runner.invoke(app, segment, obj=services).exception
    )
    got = runner.invoke(
        app, ["experiments", "analyse", "free-ship", "--format", "csv"], obj=services
    )
    rows = list(csv.DictReader(io.StringIO(got.output)))
    assert tuple(rows[0]) == RESULT_FIELDS and sum(int(r["exposed"]) for r in rows) == 8
    table = runner.invoke(app, ["experiments", "analyse", "free-ship"], obj=services)
    assert "Free shipping banner: conversion within 60 days, 8 exposed" in table.output
    listed = runner.invoke(app, ["experiments", "list"], obj=services)
    assert "free-ship (running)" in listed.output
