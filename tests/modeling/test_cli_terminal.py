"""``opencx models`` builds its terminal when a command prints, not when its module is
imported: a Console built at import keeps the ``COLUMNS`` (or terminal width) of that moment,
so a module imported under 80 columns drew ``models list`` 80 wide, its optional columns left
out, in a terminal of 160 (as metrics/cli.py did before d43ba3b). The progress display of
``models fit`` and ``models score`` prints on the console the command builds, one line per
step when it is not a terminal."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from opencx.modeling.store.runs import ModelRun
from tests.modeling.test_runs_table import RUNS


class _Runs:
    """The one thing ``models list`` asks of the modeling service."""

    def runs(self, model: str | None, limit: int) -> list[ModelRun]:
        return RUNS[:1]


@pytest.fixture
def imported_at_80(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """opencx.modeling.cli imported (again) while the terminal was 80 columns wide."""
    import opencx.modeling.cli as cli

    monkeypatch.setenv("COLUMNS", "80")
    importlib.reload(cli)
    yield cli
    monkeypatch.delenv("COLUMNS")
    importlib.reload(cli)  # as any later test would import it


def test_models_list_is_as_wide_as_the_terminal_when_it_runs(
    imported_at_80: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = imported_at_80
    monkeypatch.setattr(cli, "modeling_service", lambda ctx: _Runs())
    monkeypatch.setenv("COLUMNS", "160")
    r = CliRunner().invoke(cli.app, ["list"])
    assert r.exit_code == 0, r.output
    assert "23870b1d3144" in r.output and "not shown" not in r.output, r.output
    monkeypatch.setenv("COLUMNS", "80")
    r = CliRunner().invoke(cli.app, ["list"])
    assert "not shown at 80 columns: version, as of, fingerprint" in r.output, r.output


def test_fit_prints_each_step_and_run_on_the_console_it_builds(
    imported_at_80: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = imported_at_80
    seen = io.StringIO()
    monkeypatch.setattr(cli, "console", lambda: Console(file=seen, width=120, color_system=None))

    class _Fits:
        def fit_many(self, names: list[str], **kwargs: Any) -> list[ModelRun]:
            for name in names:
                kwargs["progress"](name, "reading the data")
                kwargs["done"](RUNS[0])
            return RUNS[:1]

    assert cli.fit_models(_Fits(), ["clv"]) == RUNS[:1]
    text = seen.getvalue()  # not a terminal: a line per step, and one per saved run
    assert "  clv: reading the data (" in text and f"clv run {RUNS[0].id} (" in text, text
