"""Survey definitions: templates, validation naming the field, translations, versions."""

from __future__ import annotations

import pytest

from opencx.core import Conflict, InvalidInput
from opencx.feedback.domain import (
    SUPPORTED,
    check_edit,
    parse_definition,
    pick,
    template,
    to_definition,
    untranslated,
)
from opencx.feedback.domain.strings import SYSTEM, missing_translations


@pytest.mark.parametrize(
    ("kind", "qtype", "scale"),
    [
        ("nps", "nps", (0, 10)),
        ("csat", "csat", (1, 5)),
        ("ces", "ces", (1, 7)),
        ("enps", "nps", (0, 10)),
    ],
)
def test_templates_ask_the_score_then_a_follow_up_by_score(kind, qtype, scale) -> None:
    s = template(kind, f"{kind}-x", "X")
    assert s.main is not None and (s.main.type, s.main.scale) == (qtype, scale)
    low, high = s.question("why_low"), s.question("why_high")
    assert low.show_if and high.show_if
    assert low.show_if.low == scale[0] and high.show_if.high == scale[1]
    assert low.show_if.high + 1 == high.show_if.low  # every score gets exactly one follow-up
    assert untranslated(s) == []  # nl, da, el, en complete
    assert s.anonymous == (kind == "enps")


def test_every_system_string_exists_in_every_supported_language() -> None:
    assert missing_translations(SYSTEM, SUPPORTED) == []


def test_fallback_rule_exact_then_base_then_default_then_english() -> None:
    texts = {"en": "E", "nl": "N", "da": "D"}
    assert pick(texts, "nl-BE") == "N"
    assert pick(texts, "el", default="da") == "D"
    assert pick(texts, "el") == "E"
    assert pick({"da": "D"}, "el") == "D"  # anything rather than a blank


def test_definition_round_trips() -> None:
    s = template("nps", "nps-order", "After your order")
    again = parse_definition(to_definition(s))
    assert again == s


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "Bad Key"}, "key must be"),
        ({"kind": "poll"}, "kind 'poll'"),
        ({"questions": []}, "at least one question"),
        ({"questions": [{"key": "a", "type": "rating", "text": "A"}]}, "rating question needs"),
        (
            {
                "questions": [
                    {
                        "key": "a",
                        "type": "single",
                        "text": "A",
                        "choices": [{"key": "x", "text": "X"}],
                    }
                ]
            },
            "at least two choices",
        ),
        (
            {
                "questions": [
                    {"key": "a", "type": "text", "text": "A"},
                    {"key": "a", "type": "text", "text": "B"},
                ]
            },
            "used twice",
        ),
        (
            {
                "questions": [
                    {
                        "key": "a",
                        "type": "text",
                        "text": "A",
                        "show_if": {"question": "a", "min": 0, "max": 1},
                    }
                ]
            },
            "show_if",
        ),
        ({"languages": ["english"]}, "BCP 47"),
    ],
)
def test_bad_definitions_are_refused_naming_the_problem(change, message) -> None:
    raw = {
        "key": "s",
        "kind": "custom",
        "name": "S",
        "questions": [{"key": "q", "type": "text", "text": "Q"}],
        **change,
    }
    with pytest.raises(InvalidInput, match=message):
        parse_definition(raw)


def test_enps_is_anonymous_by_design() -> None:
    raw = to_definition(template("enps", "pulse", "Pulse"))
    raw["anonymous"] = False
    with pytest.raises(InvalidInput, match="anonymous"):
        parse_definition(raw)


def test_an_edit_keeps_answered_keys_meaning_and_bumps_the_version() -> None:
    old = template("csat", "csat-case", "Help")
    raw = to_definition(old)
    raw["questions"][0]["text"]["en"] = "How happy are you?"
    raw["questions"].append(
        {"key": "speed", "type": "rating", "text": "Speed", "scale_min": 1, "scale_max": 5}
    )
    new = check_edit(old, parse_definition(raw), answered={"csat"})
    assert new.version == 2 and new.question("csat").text["en"] == "How happy are you?"
    raw["questions"][0] = {
        "key": "csat",
        "type": "rating",
        "text": "?",
        "scale_min": 1,
        "scale_max": 10,
    }
    raw["kind"] = "custom"
    with pytest.raises(InvalidInput):
        check_edit(old, parse_definition(raw), answered={"csat"})  # kind changed
    raw["kind"] = "csat"
    raw["questions"].insert(0, {"key": "csat2", "type": "csat", "text": "?"})
    with pytest.raises(Conflict, match="has answers"):
        check_edit(old, parse_definition(raw), answered={"csat"})
