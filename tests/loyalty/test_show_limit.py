"""``opencx loyalty show --limit`` takes 1 to 500 entries, as ``GET
/api/loyalty/members/{id}?limit=`` does, and says so for any other number. Both stores.

Before, the option took any integer into the statement's LIMIT: 2^63 or more was a traceback
on both stores ('Python int too large to convert to SQLite INTEGER', PostgreSQL's 'bigint out
of range'), and -1 one on PostgreSQL ('LIMIT must not be negative') while SQLite showed every
entry.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from opencx.loyalty.cli import app as cli
from tests.loyalty.conftest import customer


@pytest.mark.parametrize("limit", [0, -1, 501, 2**63, 10**40])
def test_a_limit_out_of_1_to_500_is_refused_naming_the_option(services, limit):
    member = services.loyalty.enroll(customer(services, "ann"))
    r = CliRunner().invoke(cli, ["show", member, "--limit", str(limit)], obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    side = "greater than or equal to 1" if limit < 1 else "less than or equal to 500"
    assert f"Invalid value for '--limit': Input should be {side}" in said, said


def test_a_limit_of_500_shows_the_entries(services):
    member = services.loyalty.enroll(customer(services, "ann"))
    for i in range(3):
        services.loyalty.earn(member, 10 + i, f"k{i}")
    r = CliRunner().invoke(cli, ["show", member, "--limit", "500"], obj=services)
    assert r.exit_code == 0, r.output
    assert r.output.count(" bonus ") == 3
    r = CliRunner().invoke(cli, ["show", member, "--limit", "1"], obj=services)
    assert r.output.count(" bonus ") == 1 and "+12" in r.output
