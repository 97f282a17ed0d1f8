"""Every count-like option of the CLI (``--limit``, ``--top``, ``--days``, ``--every-days``,
``--show``) takes the range its API twin takes (``Query(ge=..., le=...)``, or 1 to 500 where
there is none) and says so for any other number: typer's ``Invalid value for '--limit'``,
exit 2. Both stores.

Before, these took any integer: 2^63 or more was a traceback on SQLite ('Python int too large
to convert to SQLite INTEGER': jobs history, outbox dead, helpdesk cases, modeling list,
customers show; 'too large to convert to C int': feedback trends), and on PostgreSQL ('bigint
out of range'); -1 went into the statement's LIMIT (every row on SQLite, 'LIMIT must not be
negative' on PostgreSQL) or a slice (``--show -1``: every problem but the last).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.settings import Settings


@dataclass(frozen=True)
class Bound:
    module: str  # the slice's cli module, its typer app named ``app``
    args: tuple[str, ...]  # the command and its arguments ("{customer}" filled in)
    option: str
    low: int
    high: int | None  # None: no upper bound (a slice of a list, any size fits)

    @property
    def id(self) -> str:
        return f"{self.module} {self.args[0]} {self.option}"

    def cli(self) -> typer.Typer:
        import importlib

        module = importlib.import_module(f"opencx.{self.module}.cli")
        cli: typer.Typer = getattr(module, "outbox_app" if self.module == "outbox" else "app")
        return cli


BOUNDS = [
    Bound("jobs", ("history", "loyalty.expiry"), "--limit", 1, 500),
    Bound("outbox", ("dead",), "--limit", 1, 500),
    Bound("customers", ("show", "{customer}"), "--limit", 1, 500),
    Bound("customers", ("search", "ann"), "--limit", 1, 500),
    Bound("helpdesk", ("cases",), "--limit", 1, 500),
    Bound("modeling", ("list",), "--limit", 1, 500),
    Bound("modeling", ("churn-list",), "--top", 1, 100_000),
    Bound("loyalty", ("effectiveness",), "--days", 30, 730),
    Bound("feedback", ("trends",), "--days", 1, 365),
    Bound("feedback", ("trigger", "schedule", "rnps"), "--every-days", 1, 3660),
    Bound("ingest", ("customers", "{file}"), "--show", 0, None),  # `import` is the app
    Bound("helpdesk", ("check-times", "{file}"), "--show", 0, None),
]


def refused(b: Bound) -> list[int]:
    out = [b.low - 1, -1, -(2**63) - 1]
    if b.high is not None:
        out += [b.high + 1, 2**63, 10**40]
    return sorted(set(out))


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(
        Settings(database_url=str(engine.url), secret_key="test-secret"), clock=clock, engine=engine
    )


def invoke(services: Services, b: Bound, value: int, tmp_path: Path) -> Any:
    filled = {"customer": "c-none", "file": str(tmp_path / "none.csv")}
    if "{customer}" in b.args:
        services.ingest.ingest_event(
            "customer", {"external_id": "ann", "name": "Ann"}, source="shop"
        )
        filled["customer"] = services.customers.search("ann").customers[0].id
    if "{file}" in b.args:
        Path(filled["file"]).write_text("external_id,email\n1,nope\n2,nope\n", encoding="utf-8")
    args = [a.format(**filled) for a in b.args]
    return CliRunner().invoke(b.cli(), [*args, b.option, str(value)], obj=services)


@pytest.mark.parametrize(
    ("bound", "value"),
    [pytest.param(b, v, id=f"{b.id} {v}") for b in BOUNDS for v in refused(b)],
)
def test_a_number_out_of_the_range_is_refused_naming_the_option(
    services: Services, bound: Bound, value: int, tmp_path: Path
) -> None:
    r = invoke(services, bound, value, tmp_path)
    assert r.exit_code == 2, (r.output, r.exception)
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    side = (
        f"greater than or equal to {bound.low}"
        if value < bound.low
        else f"less than or equal to {bound.high}"
    )
    assert f"Invalid value for '{bound.option}': Input should be {side}" in said, said


@pytest.mark.parametrize("bound", [pytest.param(b, id=b.id) for b in BOUNDS if b.high])
def test_both_ends_of_the_range_are_taken(services: Services, bound: Bound, tmp_path: Path) -> None:
    if bound.args[0] == "trigger":
        services.feedback.create_from_template("nps", "rnps", "Relationship", ["en"])
    for value in (bound.low, bound.high):
        assert value is not None
        r = invoke(services, bound, value, tmp_path)
        assert r.exit_code == 0, (value, r.output, r.exception)


@pytest.mark.parametrize("margin", ["0", "-1", "1.01", "nan", "inf", "-inf", "1e400"])
def test_a_margin_out_of_0_to_1_is_refused(services: Services, margin: str) -> None:
    """As GET /api/loyalty/effectiveness?margin= (gt=0, le=1): before, any number was taken
    into the ROI (0 gave -1 whatever the program did, nan a ROI of nan)."""
    from opencx.loyalty.cli import app

    r = CliRunner().invoke(app, ["effectiveness", "--margin", margin], obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    assert "Invalid value for '--margin': Input should be" in said, said
    for taken in ("1", "0.0001"):
        r = CliRunner().invoke(app, ["effectiveness", "--margin", taken], obj=services)
        assert r.exit_code == 0, r.output
