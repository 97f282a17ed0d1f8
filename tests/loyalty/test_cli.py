"""``opencx loyalty``: configure, enroll, adjust, show, audit, jobs, overview, draws."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from opencx.loyalty.cli import app
from tests.loyalty.conftest import PROGRAM, customer

runner = CliRunner()


def invoke(services, *args: str):
    return runner.invoke(app, list(args), obj=services, catch_exceptions=False)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_cli_walkthrough(services, tmp_path):
    path = tmp_path / "program.json"
    path.write_text(json.dumps(PROGRAM))
    assert "2 tiers, 1 plans" in invoke(services, "configure", str(path)).output
    bad = tmp_path / "bad.json"
    bad.write_text('{"floor": 5}')
    r = invoke(services, "configure", str(bad))
    assert r.exit_code == 1 and "program.floor" in r.output
    member = invoke(services, "enroll", customer(services, "ann")).output.strip()
    assert "balance 250" in invoke(services, "adjust", member, "250", "--reason", "welcome").output
    r = invoke(services, "adjust", member, "--reason", "oops", "--", "-500")
    assert r.exit_code == 1 and "spendable" in r.output
    assert "adjust_in" in invoke(services, "show", member).output
    assert "OK" in invoke(services, "audit", member).output
    assert "1 evaluated, 0 up" in invoke(services, "tiers").output  # adjustments do not qualify
    assert "0 points" in invoke(services, "expire").output
    assert "liability 250 points" in invoke(services, "overview").output
    out = invoke(services, "draw-create", "Spring", "Bike", "--points-per-ticket", "50").output
    draw_id, seed = re.findall(r"draw (\S+)\nseed (\S+)", out)[0]
    assert member in invoke(services, "draw-run", draw_id, seed).output
