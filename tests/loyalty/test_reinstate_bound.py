"""A reinstatement (a return a re-import unlinks gives back the points it took) restores points
that existed, as a merge moves them: it is never refused for the points bound, and the balance
may pass it by what the order earned (docs/loyalty.md, Bounds); the member can then spend back
toward the range and earns again once under it. Both stores.

Before, the reinstatement was planned as a new earn and refused at the bound ('would take
member M's balance ... out of range'), which failed the re-import as a whole: the return could
not be moved, and the points it took stayed taken."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.loyalty.domain import POINTS_LIMIT
from tests.loyalty.conftest import customer
from tests.loyalty.test_service import _live_file, audit_all

MOST = POINTS_LIMIT - 1
HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
ORDER = "{o},{c},2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"  # 100 points, pending 14 days
RETURN = "{r},{c},2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,{o}\n"  # one mug of four: 25


def _order_net(services, member: str) -> int:
    """What reversals and reinstatements of the member's orders add up to."""
    with services.engine.connect() as conn:
        q = sa.text(
            "SELECT coalesce(sum(points), 0) FROM loyalty_entries"
            " WHERE member_id = :m AND kind IN ('reverse', 'reinstate')"
        )
        return int(conn.execute(q, {"m": member}).scalar_one())


def test_a_return_undone_at_the_bound_gives_its_points_back(services, tmp_path):
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    path = tmp_path / "orders.parquet"
    linked = HEAD + ORDER.format(o="o1", c="ann") + RETURN.format(r="r1", c="ann", o="o1")
    unlinked = HEAD + RETURN.format(r="r1", c="ann", o="o9")  # r1 now returns no order of ann
    _live_file(services, path, linked)
    assert services.loyalty.member_view(member).balance == 75
    services.loyalty.earn(member, MOST - 75, "fill")
    _live_file(services, path, unlinked)  # before: refused at the bound, the import failed
    assert services.loyalty.member_view(member).balance == MOST + 25
    with pytest.raises(InvalidInput, match="out of range"):  # further out: refused
        services.loyalty.earn(member, 1, "more")
    _live_file(services, path, linked)  # linked again: the 25 are reversed again
    assert services.loyalty.member_view(member).balance == MOST
    _live_file(services, path, unlinked)  # and given back again, under a key of its own
    assert services.loyalty.member_view(member).balance == MOST + 25
    assert _order_net(services, member) == 0
    assert services.loyalty.spend(member, 26, "back").balance == MOST - 1
    assert services.loyalty.earn(member, 1, "again").balance == MOST
    audit_all(services)


step = st.one_of(
    st.just(("link", 0)),
    st.just(("unlink", 0)),
    st.tuples(st.just("earn"), st.integers(1, 60)),
    st.tuples(st.just("spend"), st.integers(1, 60)),
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(room=st.integers(0, 60), steps=st.lists(step, min_size=1, max_size=6))
@example(room=10, steps=[("unlink", 0), ("earn", 1), ("link", 0), ("spend", 30), ("unlink", 0)])
def test_returns_moved_near_the_bound_never_lose_or_double_a_point(services, tmp_path, room, steps):
    """A member ``room`` points under the bound with an order of 100 points: a return of 25 is
    linked and unlinked by re-imports, and the member earns and spends between them. Every
    import is taken, and after each step the balance is what was earned less what was spent
    and what the linked return takes (no point lost or made up), the sum of its entries, and
    the fold of them (audit); an earn is refused only for the bound."""
    tag = uuid.uuid4().hex[:8]
    ext, o1, r1 = f"c{tag}", f"o{tag}", f"r{tag}"
    member = services.loyalty.enroll(customer(services, ext))
    path = tmp_path / f"{tag}.parquet"
    linked = HEAD + ORDER.format(o=o1, c=ext) + RETURN.format(r=r1, c=ext, o=o1)
    unlinked = HEAD + RETURN.format(r=r1, c=ext, o=f"x{tag}")
    _live_file(services, path, linked)
    services.loyalty.earn(member, MOST - 75 - room, f"{tag}:fill")
    want, is_linked = MOST - room, True
    for i, (op, n) in enumerate(steps):
        if op in ("link", "unlink"):
            _live_file(services, path, linked if op == "link" else unlinked)
            want += 25 * (is_linked - (op == "link"))
            is_linked = op == "link"
            event(f"past the bound: {want >= POINTS_LIMIT}")
        elif op == "earn":
            try:
                services.loyalty.earn(member, n, f"{tag}:{i}")
                want += n
            except InvalidInput as exc:
                assert "out of range" in str(exc) and want + n >= POINTS_LIMIT, exc
        else:
            want += services.loyalty.spend(member, n, f"{tag}:{i}").points
        projected, rebuilt, same = services.loyalty.audit(member)
        assert same and projected == rebuilt == want
        assert _order_net(services, member) == (-25 if is_linked else 0)
