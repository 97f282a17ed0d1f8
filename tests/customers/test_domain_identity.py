"""Identity normalisation and merge planning: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.customers.domain import (
    Claim,
    CustomerKey,
    MergePair,
    claims_of,
    contested,
    final_survivor,
    normalise_email,
    normalise_external,
    normalise_phone,
    plan_identities,
    plan_keyed_moves,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ann.Smith@Example.COM ", "ann.smith@example.com"),
        ("MAILTO:bo@x.dk", "bo@x.dk"),
        ("ann+shop@gmail.com", "ann+shop@gmail.com"),  # no provider folding
        ("no-at-sign.example.com", None),
        ("two@@example.com", None),
        ("spaces in@example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_email_is_trimmed_lowercased_and_validated(raw: str | None, expected: str | None) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("06 1234 5678", "NL", "+31612345678"),
        ("+31 (0)6-1234-5678", None, "+31612345678"),
        ("31612345678", "NL", "+31612345678"),
        ("313123456", "NL", "+31313123456"),  # a Dutch area code that starts with 31
        ("0031 6 12345678", None, "+31612345678"),
        ("+45 20 12 34 56", "NL", "+4520123456"),
        ("20 12 34 56", "DK", "+4520123456"),
        ("4520123456", "DK", "+4520123456"),
        ("07700 900123", "gb", "+447700900123"),
        ("210 123 4567", "GR", "+302101234567"),
        ("(020) 555-0100 ext. 12", "NL", "+31205550100"),
        ("(020) 555-0100", None, None),  # national number, no country: ambiguous
        ("123", "NL", None),
        ("phone", "NL", None),
        (None, "NL", None),
    ],
)
def test_phone_normalises_to_e164(raw: str | None, country: str | None, expected: str) -> None:
    assert normalise_phone(raw, country) == expected


def test_external_id_is_source_colon_id() -> None:
    assert normalise_external("Shopify", " 42 ") == "shopify:42"
    assert normalise_external("shop", "  ") is None


@given(st.emails())
def test_email_normalisation_is_idempotent(email: str) -> None:
    once = normalise_email(email)
    assert once is None or normalise_email(once) == once


@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_phone_normalisation_is_idempotent_on_e164(phone: str) -> None:
    assert normalise_phone(phone) == phone
    assert normalise_phone(phone, "NL") == phone


def key(cid: str, email: str | None = None, phone: str | None = None, **kw: object) -> CustomerKey:
    return CustomerKey(
        id=cid,
        source=str(kw.get("source", "shop")),
        external_id=str(kw.get("external_id", cid)),
        email=email,
        phone=phone,
        country=kw.get("country", "NL"),  # type: ignore[arg-type]
        created_at=T0,
        attributes=kw.get("attributes", {}),  # type: ignore[arg-type]
    )


def test_claims_cover_email_phone_own_and_extra_external_ids() -> None:
    claims = claims_of(
        key("c1", " A@X.nl ", "06 12345678", attributes={"external_ids": {"crm": "77"}})
    )
    assert {(c.kind, c.value) for c in claims} == {
        ("email", "a@x.nl"),
        ("phone", "+31612345678"),
        ("external", "shop:c1"),
        ("external", "crm:77"),
    }
    listed = claims_of(key("c2", attributes={"external_ids": ["pos:9", "pos:9"]}))
    assert [c.value for c in listed if c.kind == "external"] == ["shop:c2", "pos:9"]


def test_plan_merges_customers_sharing_an_identity_into_the_oldest() -> None:
    created = {"new": T0 + timedelta(days=5), "old": T0, "mid": T0 + timedelta(days=1)}
    claims = [
        Claim("email", "a@x.nl", "new", "shop"),
        Claim("phone", "+31612345678", "new", "shop"),
        Claim("phone", "+31612345678", "mid", "crm"),
    ]
    owners = {("email", "a@x.nl"): "old"}
    plan = plan_identities(claims, owners, created)
    assert {(m.survivor_id, m.merged_id) for m in plan.merges} == {("old", "new"), ("old", "mid")}
    assert all(m.rule == "identity:email+phone" for m in plan.merges)
    # the phone is new: inserted once, owned by the survivor
    assert plan.new == (Claim("phone", "+31612345678", "old", "shop"),)


def test_plan_ties_on_created_at_go_to_the_smaller_id() -> None:
    claims = [Claim("email", "a@x.nl", "b", "s"), Claim("email", "a@x.nl", "a", "s")]
    plan = plan_identities(claims, {}, {"a": T0, "b": T0})
    assert plan.merges == (MergePair("a", "b", "identity:email"),)


def test_plan_is_idempotent_once_identities_exist() -> None:
    claims = [Claim("email", "a@x.nl", "a", "s")]
    plan = plan_identities(claims, {("email", "a@x.nl"): "a"}, {"a": T0})
    assert plan.new == () and plan.merges == ()


def test_plan_respects_pairs_kept_apart_by_an_undo() -> None:
    claims = [Claim("email", "a@x.nl", "b", "s")]
    plan = plan_identities(
        claims, {("email", "a@x.nl"): "a"}, {"a": T0, "b": T0}, frozenset({frozenset("ab")})
    )
    assert plan.merges == ()


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from(["e1", "e2", "e3", "p1", "p2"])),
        max_size=20,
    ),
    st.dictionaries(st.sampled_from(["e1", "e2", "p1"]), st.sampled_from("abcdef"), max_size=3),
)
def test_plan_groups_are_connected_components(
    edges: list[tuple[str, str]], owned: dict[str, str]
) -> None:
    created = {c: T0 + timedelta(days=ord(c)) for c in "abcdef"}
    claims = [Claim("email", value, cid, "s") for cid, value in edges]
    owners = {("email", v): c for v, c in owned.items()}
    plan = plan_identities(claims, owners, created)
    survivor = {m.merged_id: m.survivor_id for m in plan.merges}
    # flat: no survivor is merged; every merged customer is younger than its survivor
    assert not set(survivor) & set(survivor.values())
    assert all(created[s] < created[m] for m, s in survivor.items())
    # everyone claiming one value ends with the same final customer, who owns it
    final = {c: survivor.get(c, c) for c in "abcdef"}
    for value in {v for _, v in edges}:
        holders = {final[c] for c, v in edges if v == value}
        if ("email", value) in owners:
            holders.add(final[owners[("email", value)]])
        assert len(holders) == 1
    for claim in plan.new:
        assert final[claim.customer_id] == claim.customer_id
    assert len({c.key for c in plan.new}) == len(plan.new)


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from(["e1", "e2", "e3", "p1", "p2"])),
        max_size=12,
    ),
    st.dictionaries(st.sampled_from(["e1", "e2", "p1"]), st.sampled_from("abcdef"), max_size=3),
    st.sets(st.frozensets(st.sampled_from("abcdef"), min_size=2, max_size=2), max_size=6),
)
def test_only_contested_customers_can_be_merged_or_kept_apart(
    edges: list[tuple[str, str]], owned: dict[str, str], apart: set[frozenset[str]]
) -> None:
    """The undone merges the service reads for the contested customers only (none when no
    one is) give the plan that all of them give: the others meet no one."""
    created = {c: T0 + timedelta(days=ord(c)) for c in "abcdef"}
    claims = [Claim("email", value, cid, "s") for cid, value in edges]
    owners = {("email", v): c for v, c in owned.items()}
    meeting = contested(claims, owners)
    plan = plan_identities(claims, owners, created, frozenset(apart))
    read = frozenset(pair for pair in apart if pair & meeting)
    assert plan_identities(claims, owners, created, read) == plan
    assert {c for m in plan.merges for c in (m.survivor_id, m.merged_id)} <= meeting
    if not meeting:
        assert plan.merges == ()


def test_final_survivor_follows_chains_and_rejects_cycles() -> None:
    assert final_survivor({"a": "b", "b": "c", "c": None}, "a") == "c"
    assert final_survivor({}, "x") == "x"
    with pytest.raises(ValueError, match="cycle"):
        final_survivor({"a": "b", "b": "a"}, "a")


def test_scores_move_only_where_the_survivor_has_none() -> None:
    held = [("m", ("run1", "clv")), ("m", ("run1", "churn")), ("s", ("run1", "clv"))]
    moves = plan_keyed_moves(held, [MergePair("s", "m", "manual")])
    assert moves == [("m", "s", ("run1", "churn"))]


def test_two_merged_customers_with_the_same_score_move_only_one() -> None:
    held = [("m1", ("r", "clv")), ("m2", ("r", "clv"))]
    pairs = [MergePair("s", "m1", "x"), MergePair("s", "m2", "x")]
    assert plan_keyed_moves(held, pairs) == [("m1", "s", ("r", "clv"))]
