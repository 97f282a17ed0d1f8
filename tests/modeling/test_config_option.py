"""``opencx models fit --config JSON`` reads its JSON as the API reads a body
(``core.text.json_document``, as ``opencx loyalty configure FILE`` does): text that is not
JSON, nested more than 800 levels, holding a lone surrogate, bytes that are not UTF-8, or a
value that is no object is one line naming ``--config`` and what is wrong, exit 2, before the
store is opened: no run is saved. Both stores.

Before, it went to a bare ``json.loads``: bad JSON was a JSONDecodeError traceback, 100,000
levels a RecursionError, ``[1]`` an AttributeError deep in the fit."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.modeling.cli import app
from opencx.settings import Settings

DEEP = "window_days" + "[0]" * 15 + "...: arrays and objects nested more than 800 levels deep"


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)


def deep(levels: int) -> str:
    return '{"window_days": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


CASES = [
    ("trailing comma", '{"window_days": 60,}', "not JSON: line 1, column 20: Expecting property"),
    ("not json", "window_days=60", "not JSON: line 1, column 1: Expecting value"),
    ("801 levels", deep(801), DEEP),
    ("100000 levels", deep(100_000), DEEP),
    ("lone surrogate", '{"x": "\\ud800"}', "line 1, column 8: x: a lone surrogate (\\ud800"),
    ("not utf-8", '{"x": "Caf\udce9"}', "not UTF-8 text (byte 0xe9 at offset 10)"),
    ("array", "[1]", "expected a JSON object, not an array"),
    ("string", '"clv"', "expected a JSON object, not a string"),
    ("number", "60", "expected a JSON object, not a number"),
    ("null", "null", "expected a JSON object, not null"),
]


@pytest.mark.parametrize(("case", "config", "problem"), CASES, ids=[c[0] for c in CASES])
def test_a_config_that_is_no_json_object_is_one_line_naming_the_option(
    services: Services, case: str, config: str, problem: str
) -> None:
    r = CliRunner().invoke(app, ["fit", "rfm", "--config", config], obj=services)
    said = r.output.strip()
    assert r.exit_code == 2, (said, r.exception)
    assert said.startswith("error: --config: ") and problem in said and "\n" not in said, said
    assert services.modeling.runs(None, 10) == []
