"""Survey definitions: questions, translations, templates, follow-ups by score, versions.

A survey is identified by its ``key``; every edit makes a new *version* (a new ``surveys`` row),
so a response always points at the exact questions it answered. Question ``key``s are stable: an
edit may add, reword, translate or drop questions, but a key that has answers keeps its type and
scale (:func:`check_edit`), so metrics and text analytics never lose or mix answers.

The definition is stored as JSON (``surveys.definition``); :func:`parse_definition` reads it back
with errors that name the field, and :func:`to_definition` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from opencx.core.errors import Conflict, InvalidInput
from opencx.feedback.domain.strings import SUPPORTED, pick

KINDS = ("nps", "csat", "ces", "enps", "custom", "loyalty")  # loyalty: a study of many items
QUESTION_TYPES = ("nps", "csat", "ces", "rating", "number", "single", "multi", "text")
SCALES: Mapping[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
SCORED = frozenset({"nps", "csat", "ces", "rating", "number"})
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")

Texts = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    text: Texts


@dataclass(frozen=True, slots=True)
class ShowIf:
    """Ask the question only when the answer to ``question`` lies in ``low..high``."""

    question: str
    low: int
    high: int

    def holds(self, score: int | None) -> bool:
        return score is not None and self.low <= score <= self.high


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    type: str
    text: Texts
    scale_min: int | None = None
    scale_max: int | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    show_if: ShowIf | None = None

    @property
    def scored(self) -> bool:
        return self.type in SCORED

    @property
    def scale(self) -> tuple[int, int] | None:
        if self.scale_min is None or self.scale_max is None:
            return None
        return self.scale_min, self.scale_max


@dataclass(frozen=True, slots=True)
class Survey:
    """One version of a survey. ``id`` is empty until stored."""

    key: str
    kind: str
    name: str
    questions: tuple[Question, ...]
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"
    anonymous: bool = False
    texts: Mapping[str, Texts] = field(default_factory=dict)  # intro, thanks, subject
    recontact: Mapping[str, int] = field(default_factory=dict)  # max, period_days
    version: int = 1
    id: str = ""

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise InvalidInput(f"survey {self.key!r}: no question {key!r}")

    @property
    def main(self) -> Question | None:
        """The first scored question: what a one-click score in an email answers."""
        return next((q for q in self.questions if q.scored), None)

    def text(self, name: str, language: str | None) -> str:
        return pick(self.texts.get(name, {}), language, self.default_language)


# --- templates -----------------------------------------------------------------------------

_WORDING: Mapping[str, Texts] = {
    "nps": {
        "en": "How likely are you to recommend us to a friend or colleague?",
        "nl": "Hoe waarschijnlijk is het dat je ons aanbeveelt aan een vriend of collega?",
        "da": "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
        "el": "Πόσο πιθανό είναι να μας συστήσετε σε έναν φίλο ή συνάδελφο;",
    },
    "enps": {
        "en": "How likely are you to recommend us as a place to work?",
        "nl": "Hoe waarschijnlijk is het dat je ons aanbeveelt als werkgever?",
        "da": "Hvor sandsynligt er det, at du vil anbefale os som arbejdsplads?",
        "el": "Πόσο πιθανό είναι να μας συστήσετε ως χώρο εργασίας;",
    },
    "csat": {
        "en": "How satisfied are you with our service?",
        "nl": "Hoe tevreden ben je over onze service?",
        "da": "Hvor tilfreds er du med vores service?",
        "el": "Πόσο ικανοποιημένος είστε από την εξυπηρέτησή μας;",
    },
    "ces": {
        "en": "How easy was it to get what you needed?",
        "nl": "Hoe gemakkelijk was het om te krijgen wat je nodig had?",
        "da": "Hvor nemt var det at få det, du havde brug for?",
        "el": "Πόσο εύκολο ήταν να πάρετε αυτό που χρειαζόσασταν;",
    },
    "comment": {
        "en": "Tell us about your experience.",
        "nl": "Vertel ons over je ervaring.",
        "da": "Fortæl os om din oplevelse.",
        "el": "Πείτε μας για την εμπειρία σας.",
    },
    "why_low": {
        "en": "What should we improve?",
        "nl": "Wat kunnen we verbeteren?",
        "da": "Hvad kan vi forbedre?",
        "el": "Τι πρέπει να βελτιώσουμε;",
    },
    "why_high": {
        "en": "What did you like most?",
        "nl": "Wat vond je het beste?",
        "da": "Hvad kunne du bedst lide?",
        "el": "Τι σας άρεσε περισσότερο;",
    },
}

# score question type, the score range that asks "what should we improve?"
_TEMPLATES: Mapping[str, tuple[str, int]] = {
    "nps": ("nps", 6),
    "enps": ("nps", 6),
    "csat": ("csat", 3),
    "ces": ("ces", 4),
}


def template(kind: str, key: str, name: str, languages: Sequence[str] = SUPPORTED) -> Survey:
    """A ready survey of ``kind`` (nps, csat, ces, enps, custom) in ``languages``.

    Standard kinds ask the score, then a follow-up whose wording depends on the score (what to
    improve for low scores, what was liked for high ones). eNPS is anonymous.

    >>> s = template("ces", "ces-case", "How easy was it?")
    >>> s.main.type, s.main.scale, [q.key for q in s.questions]
    ('ces', (1, 7), ['ces', 'why_low', 'why_high'])
    """
    if kind not in KINDS:
        raise InvalidInput(f"survey kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "custom":
        comment = Question("comment", "text", _WORDING["comment"])
        return validate(Survey(key, kind, name, (comment,), tuple(languages), languages[0]))
    qtype, low_until = _TEMPLATES[kind]
    low, high = SCALES[qtype]
    words = dict(_WORDING[kind])
    main = Question(kind, qtype, words, low, high, required=True)  # key: nps, csat, ces, enps
    follow = (
        Question("why_low", "text", _WORDING["why_low"], show_if=ShowIf(kind, low, low_until)),
        Question(
            "why_high", "text", _WORDING["why_high"], show_if=ShowIf(kind, low_until + 1, high)
        ),
    )
    survey = Survey(
        key, kind, name, (main, *follow), tuple(languages), languages[0], anonymous=kind == "enps"
    )
    return validate(survey)


# --- validation ----------------------------------------------------------------------------


def _check_question(q: Question, where: str, keys: set[str]) -> None:
    if not _KEY.match(q.key):
        raise InvalidInput(f"{where}: key {q.key!r} must be lower-case letters, digits, - or _")
    if q.key in keys:
        raise InvalidInput(f"{where}: key {q.key!r} is used twice")
    if q.type not in QUESTION_TYPES:
        raise InvalidInput(f"{where}: type {q.type!r} is not one of {', '.join(QUESTION_TYPES)}")
    if not q.text:
        raise InvalidInput(f"{where}: the question needs a text in at least one language")
    _check_scale(q, where)


def _check_scale(q: Question, where: str) -> None:
    fixed = SCALES.get(q.type)
    if fixed is not None and q.scale != fixed:
        raise InvalidInput(f"{where}: a {q.type} question has the scale {fixed[0]}–{fixed[1]}")
    if q.type == "rating" and (q.scale is None or not q.scale[0] < q.scale[1] <= 100):
        raise InvalidInput(f"{where}: a rating question needs scale_min < scale_max ≤ 100")
    if q.type == "number" and (q.scale is None or q.scale[0] >= q.scale[1]):
        raise InvalidInput(f"{where}: a number question needs scale_min < scale_max")
    if q.type not in SCORED and q.scale is not None:
        raise InvalidInput(f"{where}: a {q.type} question has no scale")
    _check_choices(q, where)


def _check_choices(q: Question, where: str) -> None:
    if q.type in ("single", "multi") and len(q.choices) < 2:
        raise InvalidInput(f"{where}: a {q.type} question needs at least two choices")
    if q.type not in ("single", "multi") and q.choices:
        raise InvalidInput(f"{where}: only single and multi questions have choices")
    if len({c.key for c in q.choices}) != len(q.choices):
        raise InvalidInput(f"{where}: two choices share a key")


def _check_show_if(q: Question, where: str, earlier: Mapping[str, Question]) -> None:
    if q.show_if is None:
        return
    target = earlier.get(q.show_if.question)
    if target is None or not target.scored:
        raise InvalidInput(
            f"{where}: show_if must name an earlier scored question, not {q.show_if.question!r}"
        )
    low, high = target.scale or (0, 0)
    if not low <= q.show_if.low <= q.show_if.high <= high:
        raise InvalidInput(f"{where}: show_if range must lie within {low}–{high}")


def validate(survey: Survey) -> Survey:
    """Return ``survey`` if every rule holds; otherwise raise :class:`InvalidInput` naming it."""
    name = f"survey {survey.key!r}"
    if not _KEY.match(survey.key):
        raise InvalidInput(f"{name}: key must be lower-case letters, digits, - or _")
    if survey.kind not in KINDS:
        raise InvalidInput(f"{name}: kind {survey.kind!r} is not one of {', '.join(KINDS)}")
    if not survey.name.strip():
        raise InvalidInput(f"{name}: the name is empty")
    if not survey.languages or any(not _LANG.match(lang) for lang in survey.languages):
        raise InvalidInput(f"{name}: languages must be BCP 47 codes such as nl, da, el, en")
    if survey.default_language not in survey.languages:
        raise InvalidInput(f"{name}: default language {survey.default_language!r} not listed")
    if survey.kind == "enps" and not survey.anonymous:
        raise InvalidInput(f"{name}: employee surveys (enps) are anonymous by design")
    if not survey.questions:
        raise InvalidInput(f"{name}: a survey needs at least one question")
    keys: set[str] = set()
    earlier: dict[str, Question] = {}
    for i, q in enumerate(survey.questions, start=1):
        where = f"{name} question {i}"
        _check_question(q, where, keys)
        _check_show_if(q, where, earlier)
        keys.add(q.key)
        earlier[q.key] = q
    if survey.kind in _TEMPLATES and (
        survey.main is None or survey.main.type != _main(survey.kind)
    ):
        raise InvalidInput(
            f"{name}: a {survey.kind} survey starts with a {_main(survey.kind)} score"
        )
    return survey


def _main(kind: str) -> str:
    return _TEMPLATES[kind][0]


def untranslated(survey: Survey) -> list[str]:
    """Texts missing in one of the survey's languages (they fall back): ``question:lang``."""
    gaps = []
    for q in survey.questions:
        texts = [q.text, *(c.text for c in q.choices)]
        for lang in survey.languages:
            if any(lang not in t for t in texts):
                gaps.append(f"{q.key}:{lang}")
    return gaps


def check_edit(old: Survey, new: Survey, answered: Iterable[str]) -> Survey:
    """The next version of ``old``: keys with answers keep their type and scale.

    A question that has answers may be reworded, translated, re-ordered or dropped, but not
    change its type or scale, which would silently change what its stored answers mean.
    """
    if new.key != old.key:
        raise InvalidInput(f"an edit keeps the survey key {old.key!r} (got {new.key!r})")
    if new.kind != old.kind:
        raise InvalidInput(f"survey {old.key!r}: an edit keeps the kind {old.kind!r}")
    before = {q.key: q for q in old.questions}
    for key in sorted(set(answered)):
        q_old, q_new = before.get(key), next((q for q in new.questions if q.key == key), None)
        if q_old is None or q_new is None:
            continue
        if (q_new.type, q_new.scale) != (q_old.type, q_old.scale):
            raise Conflict(
                f"survey {old.key!r} question {key!r} has answers: it keeps type {q_old.type} "
                f"and scale {q_old.scale}; add a question with a new key instead"
            )
    return validate(replace(new, version=old.version + 1, id=""))


def unchanged(old: Survey, new: Survey) -> bool:
    """``new`` says what ``old`` says (its version and id aside): no version to make."""
    return to_definition(old) == to_definition(new)


# --- JSON definition -----------------------------------------------------------------------


def _texts(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInput(f"{where}: expected a text or a {{language: text}} object")
    return {k.lower(): v for k, v in value.items() if v.strip()}


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where}: expected a whole number, got {value!r}")
    return value


def _show_if(value: Any, where: str) -> ShowIf | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or "question" not in value:
        raise InvalidInput(f"{where}.show_if: expected {{question, min, max}}")
    low, high = _int(value.get("min"), where + ".show_if.min"), _int(value.get("max"), where)
    if low is None or high is None:
        raise InvalidInput(f"{where}.show_if: min and max are required")
    return ShowIf(str(value["question"]), low, high)


def parse_question(raw: Any, where: str) -> Question:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: expected an object")
    qtype = str(raw.get("type", ""))
    low, high = SCALES.get(qtype, (None, None))
    choices = tuple(
        Choice(str(c.get("key", "")), _texts(c.get("text"), f"{where}.choices[{i}]"))
        for i, c in enumerate(raw.get("choices") or [])
        if isinstance(c, Mapping)
    )
    return Question(
        key=str(raw.get("key", "")),
        type=qtype,
        text=_texts(raw.get("text"), f"{where}.text"),
        scale_min=_int(raw.get("scale_min", low), f"{where}.scale_min"),
        scale_max=_int(raw.get("scale_max", high), f"{where}.scale_max"),
        choices=choices,
        required=bool(raw.get("required", False)),
        show_if=_show_if(raw.get("show_if"), where),
    )


def parse_definition(raw: Mapping[str, Any], *, version: int = 1, id: str = "") -> Survey:
    """A :class:`Survey` from its JSON form (as stored, or as sent to the API), validated."""
    key = str(raw.get("key", ""))
    languages = tuple(str(x).lower() for x in raw.get("languages") or ("en",))
    questions = raw.get("questions")
    if not isinstance(questions, list):
        raise InvalidInput(f"survey {key!r}: 'questions' must be a list")
    texts = raw.get("texts") or {}
    recontact = raw.get("recontact") or {}
    survey = Survey(
        key=key,
        kind=str(raw.get("kind", "custom")),
        name=str(raw.get("name", "")),
        questions=tuple(
            parse_question(q, f"survey {key!r} question {i}") for i, q in enumerate(questions, 1)
        ),
        languages=languages,
        default_language=str(raw.get("default_language") or languages[0]).lower(),
        anonymous=bool(raw.get("anonymous", raw.get("kind") == "enps")),
        texts={str(k): _texts(v, f"survey {key!r} texts.{k}") for k, v in texts.items()},
        recontact={str(k): int(v) for k, v in recontact.items()},
        version=version,
        id=id,
    )
    return validate(survey)


def _question_json(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"key": q.key, "type": q.type, "text": dict(q.text)}
    if q.scale is not None:
        out["scale_min"], out["scale_max"] = q.scale
    if q.choices:
        out["choices"] = [{"key": c.key, "text": dict(c.text)} for c in q.choices]
    if q.required:
        out["required"] = True
    if q.show_if is not None:
        out["show_if"] = {
            "question": q.show_if.question,
            "min": q.show_if.low,
            "max": q.show_if.high,
        }
    return out


def to_definition(survey: Survey) -> dict[str, Any]:
    """The JSON form of ``survey`` (what :func:`parse_definition` reads)."""
    return {
        "key": survey.key,
        "kind": survey.kind,
        "name": survey.name,
        "languages": list(survey.languages),
        "default_language": survey.default_language,
        "anonymous": survey.anonymous,
        "texts": {k: dict(v) for k, v in survey.texts.items()},
        "recontact": dict(survey.recontact),
        "questions": [_question_json(q) for q in survey.questions],
    }
