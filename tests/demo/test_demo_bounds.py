"""``opencx demo --customers`` and ``opencx quickstart --customers`` take 1 to 1,000,000
(:data:`opencx.demo.domain.scale.MAX_CUSTOMERS`, what the generator can build: it holds about
13 KB a customer, 1.43 GB at 100,000), ``--seed`` 0 or more (NumPy's seeds), and refuse any
other number as the CLI's other count options do: ``Invalid value for '--customers'``, exit 2,
nothing written. :class:`DemoSettings` refuses the same, for any other caller. Both stores.

Before, ``--customers 10**40`` or ``2**63`` was a traceback (OverflowError) and 10**9 ran
without end (Python loops over a billion names, then 13 TB); ``--customers 0`` was exit 1, and
``--seed -1`` a traceback ('expected non-negative integer')."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.cli import app as root_app
from opencx.core import FixedClock
from opencx.core.errors import InvalidInput
from opencx.demo import DemoSettings, build_demo
from opencx.demo.cli import app as demo_app
from opencx.settings import Settings

REFUSED = {
    "--customers": ["0", "-1", "1000001", str(10**9), str(2**63), str(10**40)],
    "--seed": ["-1", str(-(2**63) - 1)],
}


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)


def said(output: str) -> str:
    return " ".join(line.strip("│ ") for line in output.splitlines())


def customers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT COUNT(*) FROM customers")).scalar_one())


@pytest.mark.parametrize(
    ("option", "value"), [(o, v) for o, values in REFUSED.items() for v in values]
)
def test_demo_refuses_a_number_it_cannot_build_naming_the_option(
    services: Services, option: str, value: str
) -> None:
    args = ["--customers", "20", option, value] if option == "--seed" else [option, value]
    r = CliRunner().invoke(demo_app, args, obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    low = "0" if option == "--seed" else "1"
    side = (
        f"greater than or equal to {low}"
        if int(value) < int(low)
        else "less than or equal to 1000000"
    )
    assert f"Invalid value for '{option}': Input should be {side}" in said(r.output)
    assert customers(services.engine) == 0


@pytest.mark.parametrize("value", ["0", "1000001", str(10**40)])
def test_quickstart_refuses_the_same_customers(value: str) -> None:
    """Refused before the command starts: no store is opened, nothing is migrated."""
    r = CliRunner().invoke(root_app, ["quickstart", "--customers", value, "--no-serve"])
    assert r.exit_code == 2, (r.output, r.exception)
    assert "Invalid value for '--customers': Input should be" in said(r.output)


def test_both_ends_are_taken(services: Services) -> None:
    r = CliRunner().invoke(demo_app, ["--customers", "1", "--seed", "0"], obj=services)
    assert r.exit_code == 0, (r.output, r.exception)
    assert customers(services.engine) == 1
    # the upper end passes the option's check; --if-empty stops it before generating
    r = CliRunner().invoke(demo_app, ["--customers", "1000000", "--if-empty"], obj=services)
    assert r.exit_code == 0 and "already exist" in r.output, (r.output, r.exception)
    assert DemoSettings(customers=1_000_000).customers == 1_000_000  # builds nothing yet


@pytest.mark.parametrize(("field", "value"), [("customers", 1_000_001), ("seed", -1)])
def test_demo_settings_refuse_the_same(field: str, value: int) -> None:
    with pytest.raises(InvalidInput, match=f"demo --{field}: {value} must be"):
        DemoSettings(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [1, 2, 3, 10])
def test_a_small_demo_builds_whatever_the_seed(n: int) -> None:
    """Before, a demo with no case (1 customer, seed 0; 10, seed 6) failed on its case events'
    index, one with no order (1, seed 8) on the orders' first lines, and one with no buyer warned
    of an empty mean (subscriptions): 6 of 8 seeds failed at 1 customer, 1 of 8 at 10."""
    for seed in range(12):
        tables = {t.table: len(t) for t in build_demo(DemoSettings(customers=n, seed=seed))}
        assert tables["customers"] == n


@pytest.mark.parametrize(
    ("value", "side"),
    [
        ("0", "greater than 0"),
        ("-1", "greater than 0"),
        ("-inf", "greater than 0"),
        ("20.001", "less than or equal to 20"),
        ("25", "less than or equal to 20"),
        ("inf", "less than or equal to 20"),
        ("1e400", "less than or equal to 20"),
        ("nan", "less than or equal to 20"),
    ],
)
def test_demo_refuses_years_out_of_range_naming_the_option(
    services: Services, value: str, side: str
) -> None:
    """``--years`` is above 0 and at most 20 (:data:`~opencx.demo.domain.scale.MAX_YEARS`),
    refused as --customers is, before anything runs. Before, 0 or 25 was exit 1 once the
    command had started ('demo --years: 25.0 must be in (0, 20]'), as was NaN."""
    r = CliRunner().invoke(demo_app, ["--customers", "1", f"--years={value}"], obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    assert f"Invalid value for '--years': Input should be {side}" in said(r.output)
    assert customers(services.engine) == 0


def test_years_at_the_upper_end_are_taken(services: Services) -> None:
    r = CliRunner().invoke(demo_app, ["--customers", "1", "--years", "20"], obj=services)
    assert r.exit_code == 0, (r.output, r.exception)
    assert customers(services.engine) == 1


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("30/06/2025", "'30/06/2025' is not a date like 2026-11-01"),
        ("2026-02-30", "'2026-02-30' is not a date like 2026-11-01"),
        ("", "'' is not a date like 2026-11-01"),
        ("0001-01-01", "0001-01-01 is not from 0100-01-01 to 9998-12-31"),
        ("0099-12-31", "0099-12-31 is not from 0100-01-01 to 9998-12-31"),
        ("9999-01-01", "9999-01-01 is not from 0100-01-01 to 9998-12-31"),
        ("9999-12-31", "9999-12-31 is not from 0100-01-01 to 9998-12-31"),
    ],
)
def test_demo_refuses_an_end_date_naming_the_option(
    services: Services, value: str, why: str
) -> None:
    """``--end-date`` is a date from 0100-01-01 to 9998-12-31 (its history and what follows
    it inside the years a date holds), refused as --years is, before anything runs. Before, a
    date that was none was exit 1 once the command had started ('error: demo --end-date:
    ...'), and 0001-01-01 or 9999-12-31 an OverflowError traceback."""
    r = CliRunner().invoke(demo_app, ["--customers", "1", "--end-date", value], obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    assert f"Invalid value for '--end-date': {why}" in said(r.output)
    assert customers(services.engine) == 0


def test_demo_settings_refuse_an_end_date_past_the_bounds() -> None:
    from datetime import UTC, datetime

    with pytest.raises(InvalidInput, match="demo --end-date: 9999-12-31 is not from 0100-01-01"):
        DemoSettings(end=datetime(9999, 12, 31, tzinfo=UTC))
    assert DemoSettings(end=datetime(100, 1, 1, tzinfo=UTC)).command.endswith("0100-01-01")
