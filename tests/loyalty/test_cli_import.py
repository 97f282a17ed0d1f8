"""``opencx import orders --live`` run as a user runs it (a process of its own) earns a member's
points through the subscription wired in the composition root; a history import earns none. The
command builds the services and wires every subscription, whatever it loads lazily
(tests/contracts/test_cli_start.py)."""

from __future__ import annotations

from pathlib import Path

from opencx.app import build
from opencx.settings import Settings
from tests.ingest.test_cli import opencx
from tests.loyalty.conftest import PROGRAM, customer

ORDERS = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    "{id},ann,2026-01-10T10:00:00Z,EUR,MUG,2,25.00\n"
)


def test_a_live_import_from_the_command_line_earns_points(tmp_path: Path, sqlite_url: str) -> None:
    services = build(Settings(database_url=sqlite_url, secret_key="test-secret"))
    services.loyalty.configure(PROGRAM)
    member = services.loyalty.enroll(customer(services, "ann"))
    for order_id, live in (("h1", False), ("o1", True)):
        path = tmp_path / f"{order_id}.csv"
        path.write_text(ORDERS.format(id=order_id))
        args = ["import", "orders", str(path), "--source", "shop"]
        done = opencx(*args, *(["--live"] if live else []), url=sqlite_url, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "loaded 1" in done.stdout, done.stdout
    # the history order (h1) earns nothing; the live one 2 x 25.00 at 1 point a unit
    assert services.loyalty.member_view(member).balance == 50
