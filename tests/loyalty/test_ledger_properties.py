"""Ledger invariants under random sequences of earn, spend, expire, return and transfer."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.loyalty.domain import (
    Entry,
    InsufficientPoints,
    MemberState,
    capped_reversal,
    plan_credit,
    plan_debit,
    plan_expiries,
    rebuild,
    reversal_points,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Book:
    """A reference ledger of two members: entries by key, states applied one at a time."""

    floor: int | None
    now: datetime = T0
    states: dict[str, MemberState] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    keys: dict[str, Entry] = field(default_factory=dict)
    orders: list[tuple[str, str, int, int]] = field(default_factory=list)  # member, lot, pts, value
    returned: dict[int, tuple[int, int]] = field(default_factory=dict)  # value back, pts reversed
    n: int = 0

    def state(self, m: str) -> MemberState:
        return self.states.get(m, MemberState())

    def append(self, entry: Entry) -> Entry:
        if entry.idempotency_key in self.keys:
            return self.keys[entry.idempotency_key]
        self.keys[entry.idempotency_key] = entry
        self.states[entry.member_id] = self.state(entry.member_id).apply(entry)
        self.entries.setdefault(entry.member_id, []).append(entry)
        return entry

    def next_id(self) -> str:
        self.n += 1
        return f"e{self.n:06d}"


cmd = st.one_of(
    st.tuples(st.just("earn"), st.sampled_from("AB"), st.integers(1, 500), st.integers(0, 3)),
    st.tuples(st.just("spend"), st.sampled_from("AB"), st.integers(1, 600), st.just(0)),
    st.tuples(st.just("wait"), st.just("A"), st.integers(1, 400), st.just(0)),
    st.tuples(st.just("return"), st.integers(0, 30), st.integers(1, 100), st.just(0)),
    st.tuples(st.just("transfer"), st.sampled_from("AB"), st.integers(1, 300), st.just(0)),
    st.tuples(st.just("retry"), st.integers(0, 200), st.just(0), st.just(0)),
)


def run(book: Book, c: tuple[object, ...]) -> None:
    kind = c[0]
    if kind == "earn":
        _, m, pts, pending = c
        eid = book.next_id()
        e = plan_credit(
            book.state(m),
            entry_id=eid,
            member_id=m,
            kind="earn",
            points=pts,
            at=book.now,
            key=f"order:{eid}",
            available_at=book.now + timedelta(days=10 * pending),
            expires_at=book.now + timedelta(days=365),
            origin=f"order:{eid}",
        )
        book.append(e)
        book.orders.append((m, eid, pts, pts * 2))
    elif kind == "spend":
        _, m, pts, _ = c
        with suppress(InsufficientPoints):
            book.append(
                plan_debit(
                    book.state(m),
                    entry_id=book.next_id(),
                    member_id=m,
                    kind="spend",
                    points=pts,
                    at=book.now,
                    key=f"k{book.n}",
                    floor=book.floor,
                )
            )
    elif kind == "wait":
        book.now += timedelta(days=c[2])
        for m in list(book.states):
            ids = (book.next_id() for _ in range(10_000))
            for e in plan_expiries(book.state(m), member_id=m, at=book.now, new_id=ids):
                book.append(e)
    elif kind == "return" and book.orders:
        i = c[1] % len(book.orders)
        m, lot, earned, value = book.orders[i]
        back, done = book.returned.get(i, (0, 0))
        back = min(value, back + c[2])
        pts = reversal_points(earned, value, back, done)
        pts = capped_reversal(book.state(m), pts, book.now, book.floor, lot)
        if pts:
            book.append(
                plan_debit(
                    book.state(m),
                    entry_id=book.next_id(),
                    member_id=m,
                    kind="reverse",
                    points=pts,
                    at=book.now,
                    key=f"return:{lot}:{done + pts}",
                    floor=book.floor,
                    first_lot=lot,
                )
            )
        book.returned[i] = (back, done + pts)
    elif kind == "transfer":
        _, m, pts, _ = c
        other = "B" if m == "A" else "A"
        with suppress(InsufficientPoints):
            out = plan_debit(
                book.state(m),
                entry_id=book.next_id(),
                member_id=m,
                kind="transfer_out",
                points=pts,
                at=book.now,
                key=f"t{book.n}:out",
                floor=0,
            )
            book.append(out)
            book.append(
                plan_credit(
                    book.state(other),
                    entry_id=book.next_id(),
                    member_id=other,
                    kind="transfer_in",
                    points=pts,
                    at=book.now,
                    key=f"{out.idempotency_key}:in",
                    expires_at=book.now + timedelta(days=365),
                )
            )
    elif kind == "retry" and book.keys:
        # a retried request: the same key returns the first entry and changes nothing
        key = sorted(book.keys)[c[1] % len(book.keys)]
        before = dict(book.states)
        first = book.keys[key]
        assert book.append(first) is first
        assert book.states == before


def check(book: Book) -> None:
    for m, entries in book.entries.items():
        s = book.state(m)
        assert s.balance == sum(e.points for e in entries)
        assert s.balance == s.liability - s.debt  # no point created or lost
        assert all(0 <= s.remaining(lot) <= s.lots[lot].points for lot in s.lots)
        assert all(d > 0 for d in s.debts.values())
        if book.floor is not None:
            assert s.balance >= book.floor
        assert rebuild(entries) == s  # the projection equals a rebuild from the facts
        for e in entries:  # every debit is paid in full by lots or debt
            if e.points < 0:
                paid = sum(a.points for x in entries for a in x.allocations if a.debit_id == e.id)
                assert paid == -e.points


@settings(max_examples=150, deadline=None)
@given(st.lists(cmd, max_size=60), st.sampled_from([0, -200, None]))
def test_every_sequence_keeps_every_invariant(
    cmds: list[tuple[object, ...]], floor: int | None
) -> None:
    book = Book(floor)
    for c in cmds:
        run(book, c)
        check(book)


def test_spend_takes_earliest_expiry_first() -> None:
    s = MemberState()
    late = plan_credit(
        s,
        entry_id="late",
        member_id="m",
        kind="earn",
        points=50,
        at=T0,
        key="a",
        expires_at=T0 + timedelta(days=300),
    )
    s = s.apply(late)
    early = plan_credit(
        s,
        entry_id="early",
        member_id="m",
        kind="earn",
        points=50,
        at=T0,
        key="b",
        expires_at=T0 + timedelta(days=30),
    )
    s = s.apply(early)
    spend = plan_debit(s, entry_id="s", member_id="m", kind="spend", points=70, at=T0, key="c")
    assert [(a.lot_id, a.points) for a in spend.allocations] == [("early", 50), ("late", 20)]


def test_pending_points_cannot_be_spent_but_count_as_liability() -> None:
    s = MemberState().apply(
        plan_credit(
            MemberState(),
            entry_id="x",
            member_id="m",
            kind="earn",
            points=80,
            at=T0,
            key="a",
            available_at=T0 + timedelta(days=14),
        )
    )
    assert s.spendable(T0) == 0 and s.pending(T0) == 80 and s.liability == 80
    try:
        plan_debit(s, entry_id="s", member_id="m", kind="spend", points=1, at=T0, key="b")
    except InsufficientPoints as exc:
        assert "0 spendable" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("spent pending points")
    assert s.spendable(T0 + timedelta(days=14)) == 80


def test_negative_balance_is_settled_by_the_next_credit() -> None:
    s = MemberState()
    d = plan_debit(
        s, entry_id="d", member_id="m", kind="adjust_out", points=30, at=T0, key="a", floor=None
    )
    s = s.apply(d)
    assert s.balance == -30 and s.debt == 30
    c = plan_credit(s, entry_id="c", member_id="m", kind="earn", points=100, at=T0, key="b")
    s = s.apply(c)
    assert s.balance == 70 and s.debt == 0 and s.remaining("c") == 70


def test_partial_returns_add_up_to_one_return() -> None:
    assert reversal_points(100, 90, 30, 0) == 33
    assert reversal_points(100, 90, 60, 33) == 33
    assert reversal_points(100, 90, 90, 66) == 34
    assert reversal_points(100, 90, 500, 100) == 0
