"""The 360 profile, the timeline and search on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, InvalidInput, Money, NotFound
from opencx.customers import service

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)


@pytest.fixture
def ann(engine: Engine, bus: EventBus, seed: Any) -> dict[str, str]:
    """Ann: two orders and a return, visits, a case with messages, NPS and CSAT answers."""
    ann = seed.customer(
        name="Ann de Vries",
        email="ann@example.nl",
        phone="0612345678",
        country="NL",
        language="nl",
        consent_email=True,
        attributes={"tier": "gold"},
    )
    other = seed.customer(created=5, source="crm", email="ann@example.nl")
    ids = {"ann": ann, "other": other}
    ids["o1"] = seed.order(ann, seed.day(10), [(2, "20.00", True), (1, "4.95", False)])
    ids["o2"] = seed.order(other, seed.day(20), [(1, "50.00", True)], channel="store")
    ids["r1"] = seed.order(other, seed.day(25), [(-1, "50.00", True)])
    ids["i1"] = seed.interaction(ann, seed.day(11), "app", kind="page_view", touchpoint="checkout")
    ids["k1"] = seed.case(
        ann,
        seed.day(12),
        subject="Broken mug",
        events=[
            (seed.day(12, 1), "message_in", "It arrived broken"),
            (seed.day(13), "message_out", "Sorry Ann, a new one is on its way"),
        ],
    )
    ids["n1"] = seed.response(ann, seed.day(14), [("nps", 3, "Slow delivery")])
    ids["n2"] = seed.response(other, seed.day(30), [("nps", 9, None), ("csat", 5, "Great")])
    run = seed.model_run(seed.day(31))
    seed.score(ann, run, "clv", 123.5)
    with engine.begin() as conn:
        service.index_identities(conn, [ann, other], now=NOW, bus=bus)
    return ids


def test_profile_folds_every_source_of_the_merged_person(engine: Engine, ann: Any) -> None:
    with engine.connect() as conn:
        found = service.profile(conn, ann["other"])
    p = found.profile
    assert found.merged and p.customer.id == ann["ann"]
    assert p.merged_ids == (ann["other"],)
    assert p.orders == 2
    assert p.revenue == (Money(Decimal("40.00"), "EUR"),)  # 40 + 50 - 50, postage excluded
    assert p.average_order_value == (Money(Decimal("20.00"), "EUR"),)
    assert (p.first_purchase, p.last_purchase) == (
        datetime(2025, 1, 11, tzinfo=UTC),
        datetime(2025, 1, 21, tzinfo=UTC),
    )
    assert p.channels == ("app", "store", "web")
    assert p.last_contact == datetime(2025, 1, 14, tzinfo=UTC)  # the agent's reply
    assert [(a.question_type, a.score) for a in p.latest] == [("nps", 9), ("csat", 5)]
    assert p.open_cases == 1
    assert [(s.kind, s.value) for s in p.scores] == [("clv", 123.5)]
    assert {i.kind for i in p.identities} == {"email", "phone", "external"}
    assert p.customer.consent_email and p.customer.attributes == {"tier": "gold"}


def test_timeline_lists_every_touchpoint_newest_first(engine: Engine, ann: Any) -> None:
    with engine.connect() as conn:
        page = service.timeline(conn, ann["ann"], limit=50)
    kinds = [(e.kind, e.ref_id) for e in page.entries]
    assert kinds[0] == ("response", ann["n2"])
    assert kinds[-1] == ("order", ann["o1"])
    assert len(kinds) == 9  # 3 orders, 1 interaction, 1 case, 2 case events, 2 responses
    by_ref = {e.ref_id: e for e in page.entries}
    assert by_ref[ann["o1"]].amount == Money(Decimal("44.95"), "EUR")
    assert by_ref[ann["n2"]].scores == (("csat", 5), ("nps", 9))
    assert by_ref[ann["n1"]].detail == "Slow delivery"
    assert [e.at for e in page.entries] == sorted((e.at for e in page.entries), reverse=True)


def test_timeline_pages_join_up(engine: Engine, ann: Any) -> None:
    with engine.connect() as conn:
        everything = service.timeline(conn, ann["ann"], limit=100).entries
        pages, cursor = [], None
        while True:
            page = service.timeline(conn, ann["other"], limit=3, before=cursor)
            pages += page.entries
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert pages == list(everything)
    with pytest.raises(InvalidInput), engine.connect() as conn:
        service.timeline(conn, ann["ann"], limit=0)


def test_search_by_name_email_phone_and_ids(
    engine: Engine, bus: EventBus, ann: Any, seed: Any
) -> None:
    bo = seed.customer(name="Bo Jensen", email="bo@example.dk", source="pos", external_id="X-9")
    with engine.begin() as conn:
        service.index_identities(conn, [bo], now=NOW, bus=bus)

    def hits(text: str) -> list[str]:
        with engine.connect() as conn:
            return [c.id for c in service.search(conn, text, default_country="NL").customers]

    assert hits("de vries") == [ann["ann"]]  # merged customers are not listed twice
    assert hits("ANN@EXAMPLE.NL") == [ann["ann"]]
    assert hits("+31 6 12345678") == [ann["ann"]]
    assert hits("06-12345678") == [ann["ann"]]
    assert hits(bo) == [bo]
    assert hits("X-9") == [bo]
    assert hits("pos:X-9") == [bo]
    assert hits(ann["other"]) == [ann["ann"]]  # a merged id finds its survivor
    assert hits("example") == [bo, ann["ann"]]
    assert hits("%") == []  # LIKE wildcards are literal
    assert hits("nobody") == []


def test_search_pages_by_id(engine: Engine, seed: Any) -> None:
    ids = [seed.customer(name=f"Person {n}") for n in range(7)]
    seen, after = [], None
    with engine.connect() as conn:
        while True:
            page = service.search(conn, "person", limit=3, after=after)
            seen += [c.id for c in page.customers]
            if page.next_after is None:
                break
            after = page.next_after
    assert seen == sorted(ids, reverse=True)


def test_search_folds_case_and_accents_in_every_script(
    engine: Engine, bus: EventBus, seed: Any
) -> None:
    """SQLite's lower() knows only ASCII: names in Greek or with accents are found anyway, by
    any case and with or without the accents, the same on both stores."""
    giorgos = seed.customer(name="Γιώργος Παπαδόπουλος", email="giorgos@example.gr")
    elodie = seed.customer(name="Élodie Dupré", email="Elodie.Dupre@example.fr")
    sorensen = seed.customer(name="SØREN Ærø", email="soren@example.dk")
    decomposed = seed.customer(name="Zoe\u0301 Nun\u0303ez")  # "Zoé Nuñez", stored as NFD

    def hits(text: str) -> list[str]:
        with engine.connect() as conn:
            return [c.id for c in service.search(conn, text).customers]

    for text in ("Γιώργος", "γιώργος", "ΓΙΏΡΓΟΣ", "γιωργος", "παπαδοπουλος"):
        assert hits(text) == [giorgos], text
    for text in ("Élodie", "élodie", "ELODIE", "elodie dupre", "DUPRÉ"):
        assert hits(text) == [elodie], text
    assert hits("søren ærø") == [sorensen]
    assert hits("zoé nuñez") == hits("zoe nunez") == [decomposed]
    assert hits("elodie.dupre@") == [elodie]  # email in any case


def test_search_finds_a_phone_as_displayed(engine: Engine, bus: EventBus, seed: Any) -> None:
    """A number typed as it is shown, with or without the trunk 0 or the country code, and
    without a default country to normalise it with."""
    uk = seed.customer(name="Amy", phone="07425 689202", country="GB")
    gr = seed.customer(name="Nikos", phone="+30 694 123 4567", country="GR")
    with engine.begin() as conn:
        service.index_identities(conn, [uk, gr], now=NOW, bus=bus)

    def hits(text: str) -> list[str]:
        with engine.connect() as conn:
            return [c.id for c in service.search(conn, text).customers]

    for text in ("07425 689202", "07425689202", "+44 7425 689202", "0044 7425-689202"):
        assert hits(text) == [uk], text
    for text in ("694 123 4567", "6941234567", "+306941234567"):
        assert hits(text) == [gr], text
    assert hits("12345") == []  # too short to be a phone
    assert hits("shop:" + uk) == [uk]  # source:id


def test_search_counts_and_pages_both_ways(engine: Engine, seed: Any) -> None:
    ids = sorted((seed.customer(name=f"Person {n}") for n in range(7)), reverse=True)
    seed.customer(name="Someone else")
    with engine.connect() as conn:
        first = service.search(conn, "person", limit=3)
        second = service.search(conn, "person", limit=3, after=first.next_after)
        third = service.search(conn, "person", limit=3, after=second.next_after)
        back = service.search(conn, "person", limit=3, before=third.prev_before)
        start = service.search(conn, "person", limit=3, before=back.prev_before)
        everyone = service.search(conn, "", limit=3)
    assert [(p.first, p.last, p.total) for p in (first, second, third)] == [
        (1, 3, 7),
        (4, 6, 7),
        (7, 7, 7),
    ]
    assert [c.id for c in third.customers] == ids[6:] and third.next_after is None
    assert first.prev_before is None and third.prev_before == ids[6]
    assert back.customers == second.customers and (back.first, back.total) == (4, 7)
    assert start.customers == first.customers and start.prev_before is None
    assert everyone.total == 8


def test_unknown_customer_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound, match="nobody"), engine.connect() as conn:
        service.profile(conn, "nobody")


def test_timeline_names_custom_questions_by_their_key(engine: Engine, seed: Any) -> None:
    """A rating or number question shows its own key (``q_rating``), not just its type."""
    who = seed.customer()
    rid = seed.response(who, seed.day(3), [("nps", 8, None), ("rating", 7, None)])
    with engine.connect() as conn:
        page = service.timeline(conn, who, limit=10)
    entry = next(e for e in page.entries if e.ref_id == rid)
    assert entry.scores == (("nps", 8), ("q_rating", 7))
