"""``opencx <command> ...`` mounts only the slice that provides the command, so a subcommand's
``--help`` (and the command itself) does not import every other slice's libraries."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from opencx import cli

PROBE = """
import json, sys
from opencx import cli
sys.argv = ["opencx", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
names = [c.name or c.callback.__name__ for c in cli.app.registered_commands]
groups = [g.name for g in cli.app.registered_groups]
loaded = sorted(
    m for m in sys.modules if m.startswith(("opencx.", "sklearn", "ibis", "pandas", "scipy"))
)
print(json.dumps({"commands": names, "groups": groups, "modules": loaded}))
"""


def probe(*args: str, tmp_path: Path) -> dict[str, list[str]]:
    env = {**os.environ, "OPENCX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "COLUMNS": "80"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found: dict[str, list[str]] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def _names(typer_app: typer.Typer) -> set[str]:
    return {
        c.name or (c.callback.__name__ if c.callback else "") for c in typer_app.registered_commands
    }


def test_every_listed_command_knows_its_module() -> None:
    groups = {name for name, _ in cli.GROUPS if name}
    assert {name for name, _ in cli.LISTING} == groups | set(cli.MERGED)
    for command, module in cli.MERGED.items():
        assert (None, module) in cli.GROUPS
        assert command in _names(importlib.import_module(module).app), (command, module)
    assert _names(cli.app) >= cli.BUILT_IN


@pytest.mark.parametrize(
    ("args", "mounted", "absent"),
    [
        (["models", "--help"], "models", "opencx.helpdesk.cli"),
        (["import", "--help"], "import", "opencx.modeling.cli"),
        (["users", "list", "--help"], "users", "sklearn"),
        (["metrics", "--help"], "metrics", "scipy"),  # statistics need SciPy when computing
    ],
)
def test_a_subcommand_mounts_only_its_slice(
    args: list[str], mounted: str, absent: str, tmp_path: Path
) -> None:
    found = probe(*args, tmp_path=tmp_path)
    assert found["groups"] + [c for c in found["commands"] if c in cli.MERGED] == [mounted]
    assert absent not in found["modules"]


def test_an_unknown_command_mounts_everything_so_the_error_lists_it_all(tmp_path: Path) -> None:
    found = probe("nonsense", tmp_path=tmp_path)
    assert {name for name, _ in cli.LISTING} <= set(found["groups"]) | set(found["commands"])
