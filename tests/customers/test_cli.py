"""``opencx customers ...`` against a real store."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.customers.cli import app
from opencx.settings import Settings

runner = CliRunner()


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)


@pytest.fixture
def people(services: Services, seed: Any) -> dict[str, str]:
    ann = seed.customer(name="Ann [bold]de Vries", email="ann@example.nl", country="NL")
    bo = seed.customer(created=2, name="Bo Jensen", email="bo@example.dk")
    seed.order(ann, seed.day(3), [(2, "12.50", True)], channel="store")
    seed.response(ann, seed.day(4), [("nps", 8, "Friendly staff")])
    return {"ann": ann, "bo": bo}


def invoke(services: Services, *args: str) -> Any:
    return runner.invoke(app, list(args), obj=services, catch_exceptions=False)


def test_show_prints_the_profile_and_recent_timeline(services: Services, people: Any) -> None:
    result = invoke(services, "show", people["ann"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ann [bold]de Vries" in out  # markup in data is printed, not interpreted
    assert "25.0000 EUR" in out or "25.00 EUR" in out
    assert "NPS 8" in out and "Friendly staff" in out and "Order" in out


def test_search_lists_matches(services: Services, people: Any) -> None:
    result = invoke(services, "search", "BO@example.dk")  # sealed: by exact email (default)
    assert result.exit_code == 0
    assert people["bo"] in result.output and people["ann"] not in result.output
    assert "Bo Jensen" in result.output  # shown opened


def test_search_by_part_of_an_email_without_crypto_shredding(
    engine: Engine, clock: FixedClock, seed: Any
) -> None:
    settings = Settings(database_url=str(engine.url), crypto_shredding=False)
    services = build(settings, clock=clock, engine=engine)
    bo = seed.customer(created=2, name="Bo Jensen", email="bo@example.dk")
    seed.customer(name="Ann de Vries", email="ann@example.nl")
    result = invoke(services, "search", "example.dk")
    assert result.exit_code == 0 and bo in result.output and "Ann" not in result.output


def test_merge_unmerge_and_errors(services: Services, people: Any) -> None:
    merged = invoke(services, "merge", people["bo"], people["ann"])
    assert merged.exit_code == 0
    assert f"merged {people['bo']} into {people['ann']}" in merged.output
    found = re.search(r"\(undo: unmerge (\w+)\)", merged.output)
    assert found
    merge_id = found.group(1)
    assert (
        "already are one customer" in invoke(services, "merge", people["ann"], people["bo"]).output
    )
    shown = invoke(services, "show", people["bo"])
    assert f"{people['bo']} was merged into {people['ann']}" in shown.output
    undone = invoke(services, "unmerge", merge_id)
    assert undone.exit_code == 0 and "separate again" in undone.output
    missing = invoke(services, "show", "nobody")
    assert missing.exit_code == 1 and "customer 'nobody' does not exist" in missing.output


def test_export_to_a_file_and_erase(services: Services, people: Any, tmp_path: Path) -> None:
    out = tmp_path / "ann.json"
    result = invoke(services, "export", people["ann"], "--out", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["customers"][0]["email"] == "ann@example.nl"
    assert data["responses"][0]["answers"][0]["text"] == "Friendly staff"
    refused = invoke(services, "erase", people["ann"])
    assert refused.exit_code == 2 and "--yes" in refused.output
    erased = invoke(services, "erase", people["ann"], "--yes")
    assert erased.exit_code == 0 and "erased 1 customer record" in erased.output
    assert "already erased" in invoke(services, "erase", people["ann"], "--yes").output
    after = json.loads(invoke(services, "export", people["ann"]).output)
    assert after["customers"][0]["email"] is None
    assert after["responses"][0]["answers"][0]["text"] is None
