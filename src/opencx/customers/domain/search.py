"""How a search query meets a customer's name, email and phone, the same on every store.

A name matches in any case and with or without its accents ("elodie" finds "Élodie",
"γιωργος" finds "Γιώργος"): both sides are *folded*. SQLite's ``lower()`` folds only ASCII, so
the store folds there with :func:`fold` registered as an SQL function; PostgreSQL folds with
``translate(x, FOLD_FROM, FOLD_TO)``, a table built here from the same :func:`fold` over the
scripts customers' names are written in (Latin, Greek, Cyrillic), so both stores agree on them
whatever the database's locale. A phone matches on its digits, as the person typed it
("07425 689202" finds "+44 7425 689202").

Sealed names (crypto-shredding) have no folded copy; they are found by their *terms*
(:func:`name_terms`): each folded word and its beginnings of three letters or more, stored only
as blind indexes, so "elo" or "Élodie Mül" finds "Élodie Müller" and nothing in the table
reads as a name without the blind-index key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from opencx.core import InvalidInput

FOLDED_RANGES = (
    (0x41, 0x5A),  # A-Z
    (0xC0, 0x24F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x370, 0x3FF),  # Greek and Coptic
    (0x400, 0x4FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, ...)
    (0x1F00, 0x1FFF),  # Greek Extended (polytonic)
)
PHONE_QUERY = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 6
WORD = re.compile(r"\w+")
MIN_PREFIX = 3  # a word's beginnings shorter than this are not indexed (too many people share them)
MAX_WORD = 40  # longer words are indexed by their first MAX_WORD letters
MAX_WORDS = 8  # of a name; the rest is not indexed


def fold(text: str | None) -> str | None:
    """Lower case without accents: NFKD, combining marks dropped, then ``str.lower``.

    The Greek final sigma folds to σ, as ``str.casefold`` does, so "ΓΙΏΡΓΟΣ" finds "Γιώργος".

    >>> fold("Élodie Müller"), fold("Γιώργος")
    ('elodie muller', 'γιωργοσ')
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).lower().replace("ς", "σ")


def _fold_table() -> tuple[str, str]:
    """Characters whose fold is one other character, for SQL ``translate``; the combining
    marks (a name stored decomposed) come last, without a counterpart, so they are deleted."""
    src: list[str] = []
    dst: list[str] = []
    for start, end in FOLDED_RANGES:
        for code in range(start, end + 1):
            ch = chr(code)
            if unicodedata.category(ch) == "Cn":
                continue
            folded = fold(ch)
            if folded is not None and len(folded) == 1 and folded != ch:
                src.append(ch)
                dst.append(folded)
    marks = "".join(chr(c) for c in range(0x300, 0x370))  # deleted: no counterpart in dst
    return "".join(src) + marks, "".join(dst)


FOLD_FROM, FOLD_TO = _fold_table()


def fold_like(text: str) -> str:
    """The ``LIKE`` pattern (escape ``\\``) finding ``text`` folded anywhere in a folded value."""
    folded = fold(text.strip()) or ""
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def digits(text: str | None) -> str | None:
    """Only the digits of ``text`` ("+44 7425-689202" -> "447425689202")."""
    if text is None:
        return None
    return re.sub(r"\D", "", text)


def phone_digits(query: str) -> str | None:
    """The digits a phone-like query must find in a stored number, or ``None`` when the query
    is not a phone: a national trunk ``0`` and an international ``00``/``+`` prefix are dropped,
    so "07425 689202", "+44 7425 689202" and "0044 7425 689202" all look for "7425689202" or
    "447425689202" inside the number's digits.

    >>> phone_digits("07425 689202"), phone_digits("(0)20 555-0100"), phone_digits("ana")
    ('7425689202', '205550100', None)
    """
    text = query.strip()
    if not PHONE_QUERY.match(text):
        return None
    found = (digits(text.replace("(0)", "")) or "").lstrip("0")
    return found if len(found) >= MIN_PHONE_DIGITS else None


def name_words(text: str | None) -> list[str]:
    """The folded words of a name or a query, in order, each at most ``MAX_WORD`` long.

    >>> name_words("Élodie  Müller-Smith"), name_words("O'Brien")
    (['elodie', 'muller', 'smith'], ['o', 'brien'])
    """
    return [w[:MAX_WORD] for w in WORD.findall(fold(text) or "")]


def name_terms(name: str | None) -> set[str]:
    """What a sealed name is found by: each of its first ``MAX_WORDS`` words whole, and each
    beginning of ``MIN_PREFIX`` letters or more, so a query word finds the names with a word
    that starts with it (:func:`query_terms`).

    >>> sorted(name_terms("Ana Élodie"))
    ['ana', 'elo', 'elod', 'elodi', 'elodie']
    """
    terms: set[str] = set()
    for word in name_words(name)[:MAX_WORDS]:
        terms.add(word)
        terms.update(word[:n] for n in range(MIN_PREFIX, len(word)))
    return terms


def query_terms(text: str) -> list[str] | None:
    """The terms a name query must all find, or ``None`` when it has no word; a word shorter
    than ``MIN_PREFIX`` finds only a whole word ("Li", "Ng").

    >>> query_terms("Élodie Mül"), query_terms("  -- ")
    (['elodie', 'mul'], None)
    """
    words = name_words(text)[:MAX_WORDS]
    return list(dict.fromkeys(words)) or None


def sealed_hint(text: str) -> str | None:
    """Why a query may find no sealed name, or ``None``: a word shorter than ``MIN_PREFIX``
    finds only a name with that whole word (its beginnings are not indexed).

    >>> sealed_hint("el")[:52], sealed_hint("elo")
    ('Names are sealed: a word shorter than 3 letters (el)', None)
    """
    short = [w for w in name_words(text)[:MAX_WORDS] if len(w) < MIN_PREFIX]
    if not short:
        return None
    return (
        f"Names are sealed: a word shorter than {MIN_PREFIX} letters ({', '.join(short)}) "
        f"finds only that whole word; type at least {MIN_PREFIX} letters of a name."
    )


RiskBand = tuple[str, float, float]
"""``(name, low, high)``: a churn-risk band (low included, high excluded, 1.0 in the top band),
defined by the modeling slice and handed over by the composition root."""

SEGMENT_KINDS = ("rfm_segment", "persona", "loyal_type")
"""Score kinds whose latest value per customer is a named segment (``details.name``)."""


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the customer list is narrowed to, besides the search text: the latest named
    segment of each kind, the churn-risk band, the country and the language ("" = any)."""

    rfm_segment: str = ""
    persona: str = ""
    loyal_type: str = ""
    churn_band: str = ""
    country: str = ""
    language: str = ""

    def pairs(self) -> list[tuple[str, str]]:
        """The filter's set fields as ``(name, value)``, for a link that keeps it."""
        return [(f, v) for f in FILTER_FIELDS if (v := getattr(self, f))]

    def band(self, bands: Sequence[RiskBand]) -> RiskBand | None:
        """The chosen churn-risk band among ``bands`` (InvalidInput for an unknown one)."""
        if not self.churn_band:
            return None
        for band in bands:
            if band[0] == self.churn_band:
                return band
        names = ", ".join(b[0] for b in bands) or "none (no churn model bands)"
        raise InvalidInput(f"churn band {self.churn_band!r}: expected one of {names}")


FILTER_FIELDS = ("rfm_segment", "persona", "loyal_type", "churn_band", "country", "language")
