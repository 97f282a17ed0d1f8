"""``new_id``: 26 characters, unique, and within one process in the order minted, even in one
millisecond (a member's statement reads entries written in one millisecond by id)."""

from __future__ import annotations

import threading

from opencx.core import ids
from opencx.core.ids import new_id


def test_ids_minted_in_one_millisecond_sort_in_the_order_minted(monkeypatch):
    monkeypatch.setattr(ids.time, "time", lambda: 1_700_000_000.0)
    minted = [new_id() for _ in range(1000)]
    assert minted == sorted(minted) and len(set(minted)) == 1000
    assert all(len(i) == 26 and i.isalnum() for i in minted)


def test_a_clock_stepping_back_does_not_reorder_ids(monkeypatch):
    now = [1_700_000_000.5]
    monkeypatch.setattr(ids.time, "time", lambda: now[0])
    first = new_id()
    now[0] -= 10
    assert new_id() > first


def test_ids_minted_in_one_millisecond_have_distinct_18_character_prefixes(monkeypatch):
    """Bulk writers complete ``new_id()[:18]`` with a counter: three prefixes minted in one
    millisecond must not collide (the staged import takes three at once)."""
    monkeypatch.setattr(ids.time, "time", lambda: 1_700_000_000.0)
    heads = [new_id()[:18] for _ in range(1000)]
    assert len(set(heads)) == 1000 and heads == sorted(heads)


def test_the_random_head_running_out_borrows_the_next_millisecond(monkeypatch):
    monkeypatch.setattr(ids.time, "time", lambda: 1_700_000_000.0)
    monkeypatch.setattr(ids, "_last", (1_700_000_000_000, (1 << 60) - 1))
    nxt = new_id()
    assert nxt[:18] == f"{1_700_000_000_001:011x}0000000"


def test_ids_minted_on_several_threads_are_unique():
    out: list[list[str]] = [[] for _ in range(4)]

    def mint(k: int) -> None:
        out[k].extend(new_id() for _ in range(5000))

    threads = [threading.Thread(target=mint, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for part in out for i in part]
    assert len(set(every)) == len(every)
    assert all(part == sorted(part) for part in out)
