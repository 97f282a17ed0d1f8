"""Language detection for short comments in the languages OpenCX serves, with no model download.

Greek is told by its script. Latin-script text is scored against small lists of the most common
function words of Dutch, Danish and English (closed-class words every comment needs, so a dozen
words suffice): the language with the most hits wins; a tie or no hit gives ``None`` (unknown),
and the caller falls back to the respondent's profile language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

FUNCTION_WORDS: Mapping[str, frozenset[str]] = {
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "ik",
            "je",
            "is",
            "niet",
            "dat",
            "op",
            "te",
            "zijn",
            "voor",
            "met",
            "er",
            "maar",
            "ook",
            "was",
            "heel",
            "geen",
            "wel",
            "nog",
            "bij",
            "als",
            "dan",
            "om",
            "naar",
            "mijn",
            "heb",
            "hebben",
            "wordt",
            "werd",
            "goed",
            "snel",
            "erg",
        ]
    ),
    "da": frozenset(
        [
            "og",
            "i",
            "jeg",
            "det",
            "er",
            "at",
            "en",
            "til",
            "ikke",
            "på",
            "med",
            "som",
            "for",
            "den",
            "de",
            "har",
            "var",
            "af",
            "meget",
            "men",
            "også",
            "kan",
            "blev",
            "godt",
            "hurtig",
            "min",
            "mig",
            "der",
            "et",
            "vi",
            "jer",
            "fik",
            "ingen",
            "nu",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "i",
            "it",
            "is",
            "to",
            "a",
            "of",
            "not",
            "was",
            "for",
            "my",
            "with",
            "but",
            "very",
            "that",
            "this",
            "on",
            "you",
            "have",
            "are",
            "be",
            "so",
            "they",
            "no",
            "good",
            "fast",
            "great",
            "we",
            "our",
            "all",
        ]
    ),
}


GREEK_WORDS = frozenset(
    [
        "και",
        "το",
        "η",
        "ο",
        "να",
        "σε",
        "με",
        "για",
        "την",
        "τα",
        "του",
        "της",
        "είναι",
        "δεν",
        "πολύ",
        "από",
        "που",
        "θα",
        "στο",
        "στην",
        "τον",
        "οι",
        "ένα",
        "μια",
        "αλλά",
        "όμως",
        "ήταν",
        "έχει",
        "ότι",
        "πιο",
    ]
)
EXTRA_STOP = frozenset(
    [
        "in",
        "at",
        "an",
        "as",
        "by",
        "from",
        "or",
        "if",
        "its",
        "it's",
        "i'm",
        "me",
        "was",
        "were",
        "been",
        "het",
        "een",
        "des",
        "der",
        "die",
        "das",
        "den",
        "til",
        "fra",
        "på",
        "af",
        "om",
        "over",
        "under",
        "also",
        "very",
        "too",
        "just",
        "really",
        "quite",
    ]
)
STOP_WORDS: frozenset[str] = frozenset().union(*FUNCTION_WORDS.values(), GREEK_WORDS, EXTRA_STOP)
"""Words that carry no theme: the function words above, Greek ones and a few more."""


def _greek_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    greek = sum(1 for ch in letters if "GREEK" in unicodedata.name(ch, ""))
    return greek / len(letters)


def detect(text: str) -> str | None:
    """The language of ``text`` (nl, da, el, en) or None when it cannot tell.

    >>> detect("Η παράδοση ήταν γρήγορη")
    'el'
    >>> detect("De levering was heel snel en het product is goed")
    'nl'
    >>> detect("Meget hurtig levering og god service")
    'da'
    >>> detect("ok")
    """
    if _greek_share(text) > 0.5:
        return "el"
    words = [w.casefold() for w in _WORD.findall(text)]
    hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in FUNCTION_WORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
