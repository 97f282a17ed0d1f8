"""Identity resolution, merges and their undo on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from opencx.core import Conflict, EventBus, NotFound
from opencx.core.tombstone import ERASED_KEYS, purpose_key
from opencx.customers import service
from opencx.customers.store.merging import customer_tables
from opencx.db.schema import customer_merges, customers, identities, orders

KEY = purpose_key("test-secret", ERASED_KEYS)
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)


def identity_rows(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(identities.c.kind, identities.c.value, identities.c.customer_id)
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def merged_into(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return {r.id: r.merged_into for r in conn.execute(sa.select(customers))}


def test_index_writes_normalised_identities(engine: Engine, bus: EventBus, seed: Any) -> None:
    a = seed.customer(email=" Ann@Example.NL ", phone="06 1234 5678", country="NL")
    with engine.begin() as conn:
        result = service.index_identities(conn, [a], now=NOW, bus=bus)
    assert result.identities_added == 3 and result.merge_ids == ()
    assert identity_rows(engine) == {
        ("email", "ann@example.nl", a),
        ("phone", "+31612345678", a),
        ("external", f"shop:{a}", a),
    }
    with engine.begin() as conn:  # idempotent
        again = service.index_identities(conn, [a], now=NOW, bus=bus)
    assert (again.identities_added, again.merge_ids) == (0, ())


def test_same_email_across_sources_becomes_one_customer(
    engine: Engine, bus: EventBus, seed: Any
) -> None:
    old = seed.customer(created=0, email="ann@example.nl")
    new = seed.customer(created=3, source="crm", email="ANN@example.nl", phone="+31 6 1111 2222")
    o1, o2 = seed.order(old, seed.day(1), [(1, "10", True)]), seed.order(new, seed.day(4), [])
    with engine.begin() as conn:
        service.index_identities(conn, [old], now=NOW, bus=bus)
        result = service.index_identities(conn, [new], now=NOW, bus=bus)
    assert result.pairs == ((old, new),)
    assert merged_into(engine)[new] == old
    with engine.connect() as conn:
        owners = dict(conn.execute(sa.select(orders.c.id, orders.c.customer_id)).all())
        merge = conn.execute(sa.select(customer_merges)).one()
    assert owners == {o1: old, o2: old}
    assert merge.rule == "identity:email"
    assert merge.moved["orders"] == [o2]
    assert "identities" not in merge.moved  # the newcomer's identities went to the survivor
    assert ("phone", "+31611112222", old) in identity_rows(engine)
    assert ("external", f"crm:{new}", old) in identity_rows(engine)


def test_bulk_batch_merges_within_and_across_the_batch(
    engine: Engine, bus: EventBus, seed: Any
) -> None:
    ids = [seed.customer(created=n, email=f"p{n % 50}@x.nl") for n in range(300)]
    with engine.begin() as conn:
        result = service.index_identities(conn, ids, now=NOW, bus=bus)
    assert len(result.merge_ids) == 250
    links = merged_into(engine)
    assert {links[i] for i in ids[:50]} == {None}
    assert all(links[i] == ids[n % 50] for n, i in enumerate(ids) if n >= 50)
    emails = {(k, v) for k, v, _ in identity_rows(engine) if k == "email"}
    assert len(emails) == 50


def test_chains_resolve_to_the_final_survivor(engine: Engine, bus: EventBus, seed: Any) -> None:
    a, b, c = seed.customer(created=2), seed.customer(created=1), seed.customer(created=0)
    seed.order(a, seed.day(5), [(1, "5", True)])
    with engine.begin() as conn:
        service.merge(conn, b, a, "manual", now=NOW, bus=bus)
        service.merge(conn, c, b, "manual", now=NOW, bus=bus)
        assert service.merge(conn, c, a, "manual", now=NOW, bus=bus) is None  # already one person
        assert service.merge(conn, a, b, "manual", now=NOW, bus=bus) is None
    links = merged_into(engine)
    assert links == {a: c, b: c, c: None}  # chains are kept flat
    with engine.connect() as conn:
        assert service.profile(conn, a).profile.customer.id == c
        assert conn.execute(sa.select(orders.c.customer_id)).scalar_one() == c
        assert service.profile(conn, a).merged


def test_undo_restores_a_chain_in_reverse_order_only(
    engine: Engine, bus: EventBus, seed: Any, snap: Any
) -> None:
    a, b, c = seed.customer(created=2), seed.customer(created=1), seed.customer(created=0)
    seed.order(a, seed.day(5), [(1, "5", True)])
    seed.order(b, seed.day(6), [(1, "5", True)])
    with engine.begin() as conn:
        service.index_identities(conn, [a, b, c], now=NOW, bus=bus)
    before = snap()
    with engine.begin() as conn:
        first = service.merge(conn, b, a, "manual", now=NOW, bus=bus)
        second = service.merge(conn, c, b, "manual", now=NOW, bus=bus)
    assert first and second
    with pytest.raises(Conflict, match=f"undo merge {second} first"), engine.begin() as conn:
        service.undo_merge(conn, first, now=NOW, bus=bus)
    with engine.begin() as conn:
        service.undo_merge(conn, second, now=NOW, bus=bus)
        service.undo_merge(conn, first, now=NOW, bus=bus)
        service.undo_merge(conn, first, now=NOW, bus=bus)  # twice: no-op
    assert snap() == before


def test_undo_keeps_the_pair_apart_from_then_on(engine: Engine, bus: EventBus, seed: Any) -> None:
    a = seed.customer(created=0, email="same@x.nl")
    b = seed.customer(created=1, email="same@x.nl")
    with engine.begin() as conn:
        merge_id = service.index_identities(conn, [a, b], now=NOW, bus=bus).merge_ids[0]
        service.undo_merge(conn, merge_id, now=NOW, bus=bus)
        again = service.index_identities(conn, [a, b], now=NOW, bus=bus)
    assert again.merge_ids == ()
    assert merged_into(engine) == {a: None, b: None}


def test_undo_keeps_the_pair_apart_when_one_of_them_is_indexed_alone(
    engine: Engine, bus: EventBus, seed: Any
) -> None:
    """The younger one's row comes again (an import): its email, owned by the other, makes
    them contested, so the undone merge is read and they stay two."""
    a = seed.customer(created=0, email="same@x.nl")
    b = seed.customer(created=1, email="same@x.nl")
    with engine.begin() as conn:
        merge_id = service.index_identities(conn, [a, b], now=NOW, bus=bus).merge_ids[0]
        service.undo_merge(conn, merge_id, now=NOW, bus=bus)
        again = service.index_identities(conn, [b], now=NOW, bus=bus)
    assert again.merge_ids == ()
    assert merged_into(engine) == {a: None, b: None}


def test_scores_move_without_colliding(engine: Engine, bus: EventBus, seed: Any, snap: Any) -> None:
    s, m = seed.customer(created=0), seed.customer(created=1)
    run = seed.model_run(NOW)
    seed.score(s, run, "clv", 10.0)
    seed.score(m, run, "clv", 99.0)
    seed.score(m, run, "churn", 0.3)
    before = snap()
    with engine.begin() as conn:
        merge_id = service.merge(conn, s, m, "manual", now=NOW, bus=bus)
        assert merge_id
        moved = conn.execute(
            sa.select(customer_merges.c.moved).where(customer_merges.c.id == merge_id)
        ).scalar_one()
        assert moved["customer_scores"] == [[run, "churn"]]
        service.undo_merge(conn, merge_id, now=NOW, bus=bus)
    assert snap() == before


def test_unknown_ids_and_erased_people(engine: Engine, bus: EventBus, seed: Any) -> None:
    a, b = seed.customer(), seed.customer()
    with pytest.raises(NotFound), engine.begin() as conn:
        service.merge(conn, a, "nobody", "manual", now=NOW, bus=bus)
    with pytest.raises(NotFound), engine.begin() as conn:
        service.undo_merge(conn, "nomerge", now=NOW, bus=bus)
    with engine.begin() as conn:
        service.erase(conn, b, now=NOW, bus=bus, key=KEY)
    with pytest.raises(Conflict, match="erased"), engine.begin() as conn:
        service.merge(conn, a, b, "manual", now=NOW, bus=bus)


@st.composite
def merge_plans(draw: Any) -> list[tuple[int, int]]:
    return draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=6))


def test_merges_then_undo_in_reverse_restore_the_exact_state(
    engine: Engine, bus: EventBus, seed: Any, snap: Any
) -> None:
    people = [seed.customer(created=n % 3, email=f"p{n}@x.nl") for n in range(6)]
    run = seed.model_run(NOW)
    for n, person in enumerate(people):
        seed.order(person, seed.day(n), [(1, "10", True)])
        seed.interaction(person, seed.day(n))
        seed.case(person, seed.day(n))
        seed.response(person, seed.day(n), [("nps", n, None)])
        seed.subscription(person, seed.day(n))
        seed.invitation(person)
        seed.score(person, run, "clv" if n % 2 else "churn", float(n))
    with engine.begin() as conn:
        service.index_identities(conn, people, now=NOW, bus=bus)
    base = snap()

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(merge_plans())
    def check(plan: list[tuple[int, int]]) -> None:
        done = []
        with engine.begin() as conn:
            for i, j in plan:
                merge_id = service.merge(conn, people[i], people[j], "manual", now=NOW, bus=bus)
                if merge_id:
                    done.append(merge_id)
        for merge_id in reversed(done):
            with engine.begin() as conn:
                service.undo_merge(conn, merge_id, now=NOW, bus=bus)
        assert snap() == base

    check()


def _holdings(engine: Engine, customer_id: str) -> dict[str, int]:
    """Rows per table of every slice that belong to ``customer_id``."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(
                sa.select(sa.func.count()).where(t.c.customer_id == customer_id)
            ).scalar_one()
            for t in customer_tables()
        }


def test_every_slices_rows_follow_a_merge_and_come_back_on_undo(
    engine: Engine, bus: EventBus, seed: Any
) -> None:
    """Each owner moves its own rows on CustomersMerged and MergeUndone (wired as the app)."""
    survivor, merged = seed.customer(created=0), seed.customer(created=1)
    seed.order(merged, seed.day(2), [(1, "5", True)])
    seed.subscription(merged, seed.day(2))
    seed.interaction(merged, seed.day(3))
    seed.case(merged, seed.day(4))
    seed.response(merged, seed.day(5), [("nps", 9, None)])
    seed.invitation(merged)
    seed.score(merged, seed.model_run(NOW), "clv", 1.0)
    held = _holdings(engine, merged)
    assert {"orders", "subscriptions", "interactions", "cases", "responses", "invitations"} | {
        "customer_scores"
    } <= {t for t, n in held.items() if n}
    with engine.begin() as conn:
        merge_id = service.merge(conn, survivor, merged, "manual", now=NOW, bus=bus)
    assert merge_id is not None
    assert set(_holdings(engine, merged).values()) == {0}
    assert _holdings(engine, survivor) == held
    with engine.begin() as conn:
        service.undo_merge(conn, merge_id, now=NOW, bus=bus)
    assert _holdings(engine, merged) == held
    assert set(_holdings(engine, survivor).values()) == {0}


def test_without_its_owners_subscribed_a_merge_moves_no_other_slices_rows(
    engine: Engine, seed: Any
) -> None:
    """The customers slice writes only its own tables: the moves are the owners' reactions."""
    survivor, merged = seed.customer(created=0), seed.customer(created=1)
    seed.order(merged, seed.day(2), [(1, "5", True)])
    with engine.begin() as conn:
        service.merge(conn, survivor, merged, "manual", now=NOW, bus=EventBus())
    assert _holdings(engine, merged)["orders"] == 1
