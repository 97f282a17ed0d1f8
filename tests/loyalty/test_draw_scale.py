"""A draw costs a hash per winner, not per ticket, and stays fair and auditable.

Before, every ticket was ranked by its own ``sha256(seed:member:n)``: members at the points
bound (999,999,999,999) with 1 point per ticket meant 10^12 hashes each, and the draw hung (a
denial of service by any member with many points). Now the winners are drawn by cumulative
ticket counts with a seeded uniform integer (``loyalty.domain.draw_winners``): the same chance
for every ticket, the same winners from the same seed, and results stored before (without a
``scheme``) still verify by the ticket-hash scheme they were drawn by.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from fractions import Fraction
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from opencx.core import Conflict, InvalidInput, NotFound
from opencx.loyalty.domain import (
    DRAW_SCHEME,
    POINTS_LIMIT,
    TICKET_HASH_SCHEME,
    draw_winners,
    games,
    seed_commitment,
    verify_draw,
    verify_result,
)
from tests.loyalty.conftest import customer

MOST = POINTS_LIMIT - 1


class HashBudget:
    """``hashlib`` for the games module, refusing past ``budget`` SHA-256 digests (the old
    draw would otherwise run for days before failing)."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0

    def sha256(self, data: bytes) -> Any:
        self.used += 1
        if self.used > self.budget:
            raise AssertionError(f"more than {self.budget} hashes for one draw")
        return hashlib.sha256(data)


def test_members_at_the_bound_draw_at_a_hash_per_winner(services, monkeypatch):
    members = [services.loyalty.enroll(customer(services, f"c{i}")) for i in range(3)]
    for i, m in enumerate(members):
        services.loyalty.earn(m, MOST - i, f"k{i}")
    draw_id, seed = services.loyalty.create_draw("Spring", "A bike", 2, 1)
    budget = HashBudget(20)
    monkeypatch.setattr(games, "hashlib", budget)
    result = services.loyalty.run_draw(draw_id, seed)
    assert result["scheme"] == DRAW_SCHEME
    assert result["tickets"] == {m: MOST - i for i, m in enumerate(members)}
    assert len(set(result["winners"])) == 2 and set(result["winners"]) <= set(members)
    assert services.loyalty.verify_draw(draw_id)
    assert budget.used <= 8  # the seed twice (run, verify), 2 winners twice, and rejections
    with services.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT result FROM loyalty_draws")).scalar_one()
    stored = stored if isinstance(stored, dict) else json.loads(stored)  # text on SQLite
    assert stored == result
    assert verify_result(seed_commitment(seed), seed, stored)


def test_a_result_stored_before_still_verifies_by_its_ticket_hash_scheme(services, clock):
    """A draw run before this change stored ``{"tickets", "winners"}`` ranked ticket by ticket;
    it is read and verified as it was drawn, and a changed winner list is not."""
    members = [services.loyalty.enroll(customer(services, f"c{i}")) for i in range(4)]
    tickets = {m: 3 + i for i, m in enumerate(members)}
    draw_id, seed = services.loyalty.create_draw("Spring", "A bike", 2, 10)
    old = [m for m, _ in draw_winners(tickets, seed, 2, TICKET_HASH_SCHEME)]
    with services.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE loyalty_draws SET seed = :s, drawn_at = :at, result = :r"),
            {"s": seed, "at": clock.now(), "r": json.dumps({"tickets": tickets, "winners": old})},
        )
    assert services.loyalty.verify_draw(draw_id)
    swapped = [old[1], old[0]]
    with services.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE loyalty_draws SET result = :r"),
            {"r": json.dumps({"tickets": tickets, "winners": swapped})},
        )
    assert not services.loyalty.verify_draw(draw_id)


def test_a_draw_not_run_yet_has_nothing_to_verify(services):
    draw_id, _ = services.loyalty.create_draw("Spring", "A bike", 1, 10)
    with pytest.raises(Conflict, match="has not been drawn yet"):
        services.loyalty.verify_draw(draw_id)
    with pytest.raises(NotFound):
        services.loyalty.verify_draw("nope")


# --- the scheme, without a store ----------------------------------------------------------


def exact_chances(
    tickets: dict[str, int], winners: int, monkeypatch: pytest.MonkeyPatch
) -> dict[tuple[str, ...], Fraction]:
    """The chance of each ordered list of winners when the seeded integer is uniform: every
    value it can take at each draw, enumerated, each weighted 1/total."""
    out: dict[tuple[str, ...], Fraction] = {}

    def walk(prefix: list[int]) -> None:
        picks: list[int] = list(prefix)
        totals: list[int] = []

        def uniform(_seed: str, k: int, total: int) -> tuple[int, str]:
            if len(totals) == k:
                totals.append(total)
            return (picks[k] if k < len(picks) else 0), ""

        monkeypatch.setattr(games, "_uniform", uniform)
        chosen = tuple(m for m, _ in draw_winners(tickets, "s", winners))
        if len(prefix) == len(chosen):
            weight = Fraction(1)
            for t in totals:
                weight /= t
            out[chosen] = out.get(chosen, Fraction(0)) + weight
            return
        for r in range(totals[len(prefix)]):
            walk([*prefix, r])

    walk([])
    return dict(out)


def successive_sampling(tickets: dict[str, int], winners: int) -> dict[tuple[str, ...], Fraction]:
    """Each winner by their share of the tickets left (what ranking every ticket by its own
    hash gives)."""
    out: dict[tuple[str, ...], Fraction] = {}

    def walk(chosen: tuple[str, ...], p: Fraction) -> None:
        left = {m: t for m, t in tickets.items() if m not in chosen and t > 0}
        if len(chosen) == winners or not left:
            out[chosen] = out.get(chosen, Fraction(0)) + p
            return
        total = sum(left.values())
        for m, t in left.items():
            walk((*chosen, m), p * Fraction(t, total))

    walk((), Fraction(1))
    return out


@pytest.mark.parametrize(
    ("tickets", "winners"),
    [
        ({"a": 1, "b": 2, "c": 7}, 1),
        ({"a": 1, "b": 2, "c": 7}, 2),
        ({"d": 3, "a": 1, "c": 0, "b": 4}, 3),
        ({"x": 5, "y": 5}, 5),
    ],
)
def test_each_ticket_is_equally_likely(tickets, winners, monkeypatch):
    assert exact_chances(tickets, winners, monkeypatch) == successive_sampling(tickets, winners)


def test_the_seeded_integer_is_uniform_and_rejects_the_biased_tail():
    total = (1 << 255) + 1  # almost half of the digests lie past the last whole multiple
    retried = 0
    for i in range(64):
        r, digest = games._uniform(f"seed-{i}", 0, total)
        assert 0 <= r < total and int(digest, 16) < total
        retried += digest != hashlib.sha256(f"seed-{i}:0:0".encode()).hexdigest()
    assert 0 < retried < 64
    counts = Counter(games._uniform(f"s{i}", 0, 3)[0] for i in range(3000))
    assert set(counts) == {0, 1, 2} and all(900 < n < 1100 for n in counts.values())


@given(
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(0, MOST), max_size=12),
    st.text(max_size=8),
    st.integers(1, 20),
)
def test_winners_are_distinct_entrants_in_any_order_of_the_tickets(tickets, seed, winners):
    drawn = draw_winners(tickets, seed, winners)
    names = [m for m, _ in drawn]
    entrants = {m for m, t in tickets.items() if t > 0}
    assert len(names) == len(set(names)) == min(winners, len(entrants))
    assert set(names) <= entrants
    assert drawn == draw_winners(dict(reversed(list(tickets.items()))), seed, winners)
    assert verify_draw(seed_commitment(seed), seed, tickets, names)


@given(st.lists(st.integers(0, 50), min_size=1, max_size=40), st.data())
def test_the_ticket_tree_finds_the_holder_a_running_sum_finds(counts, data):
    pool = games._Tickets(counts)
    left = list(counts)
    while sum(left):
        r = data.draw(st.integers(0, sum(left) - 1))
        run, holder = 0, -1
        for i, c in enumerate(left):
            if run <= r < run + c:
                holder = i
            run += c
        assert pool.holder(r) == holder and pool.total == sum(left)
        pool.take(holder, left[holder])
        left[holder] = 0


def test_a_hundred_thousand_members_at_the_bound_draw_in_few_hashes(monkeypatch):
    tickets = {f"m{i:06d}": MOST - i for i in range(100_000)}
    budget = HashBudget(2_000)
    monkeypatch.setattr(games, "hashlib", budget)
    drawn = draw_winners(tickets, "seed", 1_000)
    assert len({m for m, _ in drawn}) == 1_000 and budget.used < 1_100


def test_the_stored_scheme_names_how_it_was_drawn():
    tickets = {"a": 2, "b": 1}
    names = [m for m, _ in draw_winners(tickets, "s", 2, TICKET_HASH_SCHEME)]
    commitment = seed_commitment("s")
    assert verify_result(commitment, "s", {"tickets": tickets, "winners": names})
    drawn = [m for m, _ in draw_winners(tickets, "s", 2)]
    assert verify_result(
        commitment, "s", {"scheme": DRAW_SCHEME, "tickets": tickets, "winners": drawn}
    )
    with pytest.raises(InvalidInput, match="unknown scheme 'dice'"):
        verify_result(commitment, "s", {"scheme": "dice", "tickets": tickets, "winners": names})
