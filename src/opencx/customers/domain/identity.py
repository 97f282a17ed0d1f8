"""Customer identity rules: normalising identities, planning merges, resolving merge chains.

Pure code: no SQL, no clock. The store fetches rows, these functions decide, the service writes.
The 360 profile and the timeline fold live in :mod:`opencx.customers.domain.profile`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SURVIVOR_RULE = "oldest_created_at"
"""The survivor of a merge is the customer created first; ties go to the smaller id."""

IDENTITY_KINDS = ("email", "phone", "external", "device")

# ITU-T E.164 country calling codes for the countries OpenCX customers are usually in.
CALLING_CODES: Mapping[str, str] = {
    "AT": "43", "AU": "61", "BE": "32", "CA": "1", "CH": "41", "CY": "357", "CZ": "420",
    "DE": "49", "DK": "45", "ES": "34", "FI": "358", "FR": "33", "GB": "44", "GR": "30",
    "IE": "353", "IS": "354", "IT": "39", "LU": "352", "NL": "31", "NO": "47", "NZ": "64",
    "PL": "48", "PT": "351", "SE": "46", "US": "1",
}  # fmt: skip

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|x|#)\s*\d+\s*$")


def normalise_email(raw: str | None) -> str | None:
    """Trim and lowercase an email address; ``None`` when it is not an address.

    No provider-specific folding (dots or ``+tags`` in Gmail): two spellings that a mail
    server may treat differently are never merged on a guess.

    >>> normalise_email("  Ann.Smith@Example.COM ")
    'ann.smith@example.com'
    >>> normalise_email("not an email") is None
    True
    """
    if raw is None:
        return None
    value = raw.strip().lower()
    value = value.removeprefix("mailto:")
    return value if _EMAIL.match(value) else None


def normalise_phone(raw: str | None, country: str | None = None) -> str | None:
    """Normalise a phone number to E.164 form (``+`` and 7 to 15 digits), or ``None``.

    ``+`` or ``00`` prefixes carry their own country code. Otherwise ``country`` (ISO 3166-1
    alpha-2) supplies it: a leading trunk ``0`` (or ``(0)``) is dropped and the calling code
    prefixed; digits that already start with it and are long enough keep it. A
    national number without a known country is ambiguous and gives ``None`` (no identity is
    better than a wrong merge). Extensions (``x12``, ``ext. 12``) are dropped.

    >>> normalise_phone("06 1234 5678", "NL")
    '+31612345678'
    >>> normalise_phone("0031 6 12345678")
    '+31612345678'
    >>> normalise_phone("(020) 555-0100") is None
    True

    References
    ----------
    ITU-T Recommendation E.164, *The international public telecommunication numbering plan*.
    """
    if raw is None:
        return None
    text = _EXTENSION.sub("", raw.strip()).replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    if text.startswith("+"):
        pass
    elif digits.startswith("00"):
        digits = digits[2:]
    else:
        code = CALLING_CODES.get((country or "").upper())
        if code is None:
            return None
        if digits.startswith("0"):
            digits = code + digits.lstrip("0")
        elif not digits.startswith(code) or len(digits) - len(code) < 8:
            digits = code + digits  # a national number (those are at least 8 digits long)
    if not 7 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


def normalise_external(source: str, external_id: str) -> str | None:
    """The identity value of an id in another system: ``source:external_id``.

    >>> normalise_external(" Shopify ", " 1001 ")
    'shopify:1001'
    """
    src, ext = source.strip().lower(), external_id.strip()
    if not src or not ext:
        return None
    return f"{src}:{ext}"


@dataclass(frozen=True, slots=True)
class CustomerKey:
    """What identity resolution needs to know about one customer row."""

    id: str
    source: str
    external_id: str
    email: str | None
    phone: str | None
    country: str | None
    created_at: datetime
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Claim:
    """A customer row says: this (kind, value) is me."""

    kind: str
    value: str
    customer_id: str
    source: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value)


@dataclass(frozen=True, slots=True)
class MergePair:
    survivor_id: str
    merged_id: str
    rule: str


@dataclass(frozen=True, slots=True)
class IdentityPlan:
    """What to write: identity rows to insert (already assigned to survivors) and merges."""

    new: tuple[Claim, ...]
    merges: tuple[MergePair, ...]


def claims_of(row: CustomerKey, default_country: str | None = None) -> list[Claim]:
    """Every identity a customer row asserts: email, phone, its own external id, and the extra
    external ids listed in ``attributes["external_ids"]`` (``{source: id}`` or ``["src:id"]``)."""
    found: list[tuple[str, str | None]] = [
        ("email", normalise_email(row.email)),
        ("phone", normalise_phone(row.phone, row.country or default_country)),
        ("external", normalise_external(row.source, row.external_id)),
    ]
    extra = row.attributes.get("external_ids") if row.attributes else None
    if isinstance(extra, Mapping):
        found += [("external", normalise_external(str(s), str(i))) for s, i in extra.items()]
    elif isinstance(extra, list | tuple):
        for item in extra:
            src, _, ext = str(item).partition(":")
            found.append(("external", normalise_external(src, ext)))
    seen: set[tuple[str, str]] = set()
    claims = []
    for kind, value in found:
        if value is not None and (kind, value) not in seen:
            seen.add((kind, value))
            claims.append(Claim(kind, value, row.id, row.source))
    return claims


def survivor_order(created_at: datetime, customer_id: str) -> tuple[datetime, str]:
    """Sort key of :data:`SURVIVOR_RULE`: the smallest key survives."""
    return (created_at, customer_id)


class _Groups:
    """Union-find over customer ids, remembering which identity kinds linked each group."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._kinds: dict[str, set[str]] = {}

    def add(self, x: str) -> str:
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: str, b: str, kind: str) -> None:
        ra, rb = self.add(a), self.add(b)
        root, child = min(ra, rb), max(ra, rb)
        kinds = self._kinds.setdefault(root, set())
        kinds.add(kind)
        if root != child:
            self._parent[child] = root
            kinds |= self._kinds.pop(child, set())

    def components(self) -> list[tuple[list[str], set[str]]]:
        members: dict[str, list[str]] = {}
        for x in list(self._parent):
            members.setdefault(self.add(x), []).append(x)
        return [(m, self._kinds.get(root, set())) for root, m in members.items()]


def contested(claims: Iterable[Claim], owners: Mapping[tuple[str, str], str]) -> set[str]:
    """The customers a claim links to another customer (the identity's owner, or another
    claim of the batch), as :func:`plan_identities` groups them: the only ones a merge can
    involve. Empty when every claim is new and the batch's claims name no value twice.

    >>> a, b = Claim("email", "x@y.z", "a", "s"), Claim("email", "x@y.z", "b", "s")
    >>> sorted(contested([a, b], {})), contested([a], {}), contested([a], {a.key: "a"})
    (['a', 'b'], set(), set())
    """
    found: set[str] = set()
    first: dict[tuple[str, str], str] = {}
    for claim in claims:
        other = owners.get(claim.key) or first.setdefault(claim.key, claim.customer_id)
        if other != claim.customer_id:
            found |= {claim.customer_id, other}
    return found


def plan_identities(
    claims: Iterable[Claim],
    owners: Mapping[tuple[str, str], str],
    created: Mapping[str, datetime],
    kept_apart: frozenset[frozenset[str]] = frozenset(),
) -> IdentityPlan:
    """Decide which identities to insert and which customers to merge.

    Parameters
    ----------
    claims
        Identities asserted by the customers being indexed (their final survivors' ids).
    owners
        Current owner (a final survivor) of each existing identity that a claim mentions.
    created
        ``created_at`` of every customer named in ``claims`` or ``owners``.
    kept_apart
        Pairs whose merge was undone by a person: they are never merged again automatically.

    Customers sharing any identity form one connected group (union-find); its member created
    first survives (:data:`SURVIVOR_RULE`) and every other member is merged into it.
    """
    groups = _Groups()
    first_claim: dict[tuple[str, str], Claim] = {}
    for claim in claims:
        groups.add(claim.customer_id)
        other = owners.get(claim.key) or first_claim.setdefault(claim.key, claim).customer_id
        if other != claim.customer_id:
            groups.join(claim.customer_id, other, claim.kind)
    target: dict[str, str] = {}
    merges = []
    for members, kinds in groups.components():
        survivor = min(members, key=lambda m: survivor_order(created[m], m))
        rule = "identity:" + "+".join(sorted(kinds))
        for member in sorted(members):
            if member == survivor or frozenset((member, survivor)) in kept_apart:
                target[member] = member
                continue
            target[member] = survivor
            merges.append(MergePair(survivor, member, rule))
    new = tuple(
        Claim(c.kind, c.value, target.get(c.customer_id, c.customer_id), c.source)
        for key, c in first_claim.items()
        if key not in owners
    )
    return IdentityPlan(new=new, merges=tuple(merges))


def final_survivor(merged_into: Mapping[str, str | None], customer_id: str) -> str:
    """Follow ``merged_into`` links (A→B→C) to the customer that was not merged.

    >>> final_survivor({"a": "b", "b": "c", "c": None}, "a")
    'c'
    """
    seen = {customer_id}
    current = customer_id
    while (nxt := merged_into.get(current)) is not None:
        if nxt in seen:
            raise ValueError(f"merge cycle through customer {nxt!r}")
        seen.add(nxt)
        current = nxt
    return current


def plan_keyed_moves(
    held: Iterable[tuple[str, tuple[Any, ...]]], pairs: Iterable[MergePair]
) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Which rows of a table keyed by customer move in a merge: ``(merged_id, survivor_id, key)``.

    ``held`` gives each row's customer and the rest of its primary key (``customer_scores``:
    model run and kind). A merged customer's row moves only when the survivor has no row with
    that key yet; the others stay on the merged customer (a model run scores each customer
    once, so the survivor's own score wins).
    """
    survivor_of = {p.merged_id: p.survivor_id for p in pairs}
    rows = list(held)
    taken = {(c, k) for c, k in rows if c not in survivor_of}
    moves = []
    for customer, key in sorted(rows):
        survivor = survivor_of.get(customer)
        if survivor is not None and (survivor, key) not in taken:
            taken.add((survivor, key))
            moves.append((customer, survivor, key))
    return moves


@dataclass(frozen=True, slots=True)
class Merge:
    """A recorded merge. ``moved`` lists, per table, exactly which rows moved to the survivor
    (ids; the rest of the primary key for a table keyed by customer, ``[model_run_id, kind]``
    for ``customer_scores``; for ``customers``, the ids of customers earlier merged into the
    merged one, whose link now points at the survivor)."""

    id: str
    survivor_id: str
    merged_id: str
    rule: str
    at: datetime
    undone_at: datetime | None
    moved: Mapping[str, Any]
