"""Points a re-import gives back (``reinstate``) and takes again: the ledger never loses or
doubles a point, whatever the order of unlinks, relinks and moves of a return (the review's
cases against 55ad607: a reversal after a reinstatement could take only the order's first lot,
emptied by the first reversal, so it was cut to nothing; a move at the floor made points up)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.loyalty.domain import InsufficientPoints
from tests.ingest.test_return_links import _parquet
from tests.loyalty.conftest import customer
from tests.loyalty.test_service import _live_file, audit_all

HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
O1 = "o1,{c},2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"
O3 = "o3,{c},2026-01-11T10:00:00Z,EUR,MUG,4,25.00,\n"
R1 = "r1,{c},2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,{o}\n"


def _balance(services, member):
    return services.loyalty.member_view(member).balance


def _net_by_ref(services):
    with services.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT o.external_id, sum(e.points) FROM loyalty_entries e "
                "JOIN orders o ON e.ref = 'order:' || o.id "
                "WHERE e.kind IN ('reverse','reinstate') GROUP BY o.external_id"
            )
        ).all()
    return {k: int(v) for k, v in rows if int(v)}


def test_move_after_members_merged(services, tmp_path):
    """bo's r1 returned o1; bo is merged into al; r1 re-imported as o3's return: o1's 25
    should come back (it stays reversed: the survivor loses 25)."""
    bo = customer(services, "bo", "bo@example.nl")
    al = customer(services, "al", "al@example.nl")
    m_bo = services.loyalty.enroll(bo)
    services.loyalty.enroll(al)
    path = tmp_path / "orders.parquet"
    _live_file(
        services, path, HEAD + O1.format(c="bo") + O3.format(c="bo") + R1.format(c="bo", o="o1")
    )
    assert _balance(services, m_bo) == 175
    _merge_id, survivor, _merged = services.customers.merge(al, bo)
    sm = services.loyalty.member_of(survivor)
    assert _balance(services, sm) == 175
    ext = "al" if survivor == al else "bo"
    _live_file(services, path, HEAD + R1.format(c=ext, o="o3"))
    assert _net_by_ref(services) == {"o3": -25}
    assert _balance(services, sm) == 175
    audit_all(services)


def test_move_when_points_are_spent(services, tmp_path, clock):
    """Both orders are bo's; moving r1 from o1 to o3 is value-neutral for bo. bo spent all.
    o3's reversal runs first (floor 0 cuts it to 0), then o1's 25 come back: +25 made up."""
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    _live_file(
        services, path, HEAD + O1.format(c="bo") + O3.format(c="bo") + R1.format(c="bo", o="o1")
    )
    clock.advance(timedelta(days=30))
    services.loyalty.spend(m_bo, 175, "spend-all")
    assert _balance(services, m_bo) == 0
    _live_file(services, path, HEAD + R1.format(c="bo", o="o3"))
    assert _balance(services, m_bo) == 0
    audit_all(services)


def test_toggle_many_times(services, tmp_path):
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    o1_plate = O1.format(c="bo").replace("MUG", "PLATE")
    linked = HEAD + O1.format(c="bo") + O3.format(c="bo") + R1.format(c="bo", o="o1")
    states = [
        (linked, 175),
        (HEAD + o1_plate, 200),
        (HEAD + R1.format(c="bo", o="o3"), 175),
        (HEAD + R1.format(c="bo", o="o1"), 200),  # o1 holds a plate: r1 links nothing
        (HEAD + O1.format(c="bo") + R1.format(c="bo", o="o1"), 175),  # linked again
        (HEAD + R1.format(c="bo", o="o3"), 175),
        (HEAD + R1.format(c="bo", o="o9"), 200),
        (linked, 175),
        (linked, 175),
    ]
    for i, (text, want) in enumerate(states * 2):
        _live_file(services, path, text)
        got = _balance(services, m_bo)
        assert got == want, (i, got, want, _net_by_ref(services))
    audit_all(services)


def test_full_return_unlinked_then_linked_again_within_the_pending_window(services, tmp_path):
    """o1 (4 mugs, 100 points, pending 14 days) fully returned by r1: -100. A re-import of o1
    without its mugs unlinks r1: +100 reinstated, in a lot of o1's own. The next file links r1
    again: the reversal takes them back from that lot, though still pending."""
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    o1 = "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"
    r1 = "r1,bo,2026-01-12T10:00:00Z,EUR,MUG,-4,25.00,o1\n"
    _live_file(services, path, HEAD + o1 + r1)
    assert _balance(services, m_bo) == 0
    _live_file(services, path, HEAD + o1.replace("MUG", "PLATE"))
    assert _balance(services, m_bo) == 100
    _live_file(services, path, HEAD + o1 + r1)
    assert _balance(services, m_bo) == 0
    audit_all(services)


def test_reinstated_after_the_lot_expired(services, tmp_path, clock):
    """o1's lot expired (75 left); r1 unlinked afterwards: the 25 come back with the lot's
    expiry, so they cannot be spent and the next expiry run takes them."""
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    _live_file(services, path, HEAD + O1.format(c="bo") + R1.format(c="bo", o="o1"))
    clock.advance(timedelta(days=400))
    services.loyalty.run_expiry()
    assert _balance(services, m_bo) == 0
    _live_file(services, path, HEAD + O1.format(c="bo").replace("MUG", "PLATE"))
    with pytest.raises(InsufficientPoints):  # given back into a lot that had expired
        services.loyalty.spend(m_bo, 25, "late-spend")
    services.loyalty.run_expiry()
    assert _balance(services, m_bo) == 0
    audit_all(services)


def test_move_to_another_customers_order(services, tmp_path):
    """r1 (bo's) returned bo's o1; corrected, r1 is al's return of al's o5: bo gets his 25
    back (o1 is announced as an order the return left), al loses 25."""
    bo = customer(services, "bo")
    al = customer(services, "al")
    m_bo, m_al = services.loyalty.enroll(bo), services.loyalty.enroll(al)
    path = tmp_path / "orders.parquet"
    o5 = "o5,al,2026-01-11T10:00:00Z,EUR,MUG,4,25.00,\n"
    _live_file(services, path, HEAD + O1.format(c="bo") + o5 + R1.format(c="bo", o="o1"))
    assert (_balance(services, m_bo), _balance(services, m_al)) == (75, 100)
    _live_file(services, path, HEAD + R1.format(c="al", o="o5"))
    assert (_balance(services, m_bo), _balance(services, m_al)) == (100, 75)
    _live_file(services, path, HEAD + R1.format(c="al", o="o5"))  # the same file again
    assert (_balance(services, m_bo), _balance(services, m_al)) == (100, 75)
    audit_all(services)


def _anonymous_file(services, path, text):
    mapping = Mapping(source="shop", anonymous="orders")
    options = ImportOptions(
        kind="orders", path=_parquet(path, text), mapping=mapping, live=True, chunk_rows=1
    )
    report = services.ingest.import_file(options)
    assert report.status == "loaded", report.problems


def test_unlink_of_a_return_without_customer(services, tmp_path):
    """r1 has no customer (a guest return at the till) and returned bo's o1; re-imported
    naming an order that does not exist, the link goes: bo gets his 25 back."""
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    _anonymous_file(services, path, HEAD + O1.format(c="bo") + R1.format(c="", o="o1"))
    assert _balance(services, m_bo) == 75
    _anonymous_file(services, path, HEAD + R1.format(c="", o="o9"))
    assert _balance(services, m_bo) == 100
    audit_all(services)


def test_a_history_import_that_moves_a_return_gives_nothing_back(services, tmp_path):
    """The orders a return leaves are announced as the import is: a history import (not
    live) gives nothing back, as it earns nothing."""
    bo = customer(services, "bo")
    m_bo = services.loyalty.enroll(bo)
    path = tmp_path / "orders.parquet"
    _live_file(services, path, HEAD + O1.format(c="bo") + R1.format(c="bo", o="o1"))
    assert _balance(services, m_bo) == 75
    report = services.ingest.import_file(
        ImportOptions(
            kind="orders",
            path=_parquet(path, HEAD + R1.format(c="bo", o="o9")),
            mapping=Mapping(source="shop"),
            live=False,
            chunk_rows=1,
        )
    )
    assert report.status == "loaded", report.problems
    assert _balance(services, m_bo) == 75
