"""A lone half of a UTF-16 pair is found wherever JSON put it: in a string, a key, a list."""

from __future__ import annotations

import json

from opencx.core.text import lone_surrogate


def test_a_lone_surrogate_is_found_in_strings_keys_and_lists() -> None:
    assert lone_surrogate(json.loads('"a\\ud800b"')) == "\ud800"
    assert lone_surrogate(json.loads('{"ok": ["x", {"\\udfff": 1}]}')) == "\udfff"
    assert lone_surrogate(json.loads('[1, 2.5, null, true, {"k": ["\\udc00"]}]')) == "\udc00"


def test_a_pair_and_plain_values_hold_none() -> None:
    assert lone_surrogate(json.loads('{"smile": "\\ud83d\\ude00", "n": [1, "é"]}')) is None
    assert lone_surrogate(None) is None and lone_surrogate(3) is None
