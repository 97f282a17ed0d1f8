"""``opencx models list`` stays readable in an 80-column terminal: whole ids and dates, the
columns that do not fit left out (and named), one block per run when even those do not fit."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from opencx.modeling.cli import fitting_table
from opencx.modeling.store.runs import ModelRun

RUNS = [
    ModelRun(
        id=f"01JF0Z8Q3W7K5N2M4P6R8T0V{i}X",
        model=model,
        version="3",
        config={"as_of": "2026-01-15T00:00:00+00:00"},
        data_fingerprint="23870b1d3144aa00",
        fitted_at=datetime(2026, 12, 6, 5, 17, tzinfo=UTC),
        metrics={"customers": 20000, "log_likelihood": -170923.25, "auc": 0.81234},
        params={},
    )
    for i, model in enumerate(["clv", "loyalty-types"])
]


def render(width: int, runs: list[ModelRun] = RUNS) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(fitting_table(runs, width))
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 60, 40])
def test_nothing_is_cut_at_any_width(width: int) -> None:
    lines = render(width)
    text = "\n".join(lines)
    assert all(len(line) <= width for line in lines)
    assert "…" not in text
    for run in RUNS:
        assert run.id in text and "2026-12-06 05:17" in text
    assert "log_likelihood=" in text and "loyalty-types" in text


def test_80_columns_leave_out_the_optional_columns_and_say_so() -> None:
    text = "\n".join(render(80, RUNS[:1]))
    assert "fingerprint" not in text.split("not shown")[0]
    assert "not shown at 80 columns: version, as of, fingerprint" in text


def test_a_wide_terminal_shows_every_column() -> None:
    text = "\n".join(render(160))
    assert "23870b1d3144" in text and "2026-01-15" in text and "not shown" not in text


def test_a_narrow_terminal_gets_one_block_per_run() -> None:
    lines = render(40)
    assert any(line.startswith("fingerprint") and "23870b1d3144" in line for line in lines)
