"""A lone half of a UTF-16 pair is found wherever JSON put it: in a string, a key, a list."""

from __future__ import annotations

import json

from opencx.core.text import json_path, lone_surrogate


def test_a_lone_surrogate_is_found_in_strings_keys_and_lists() -> None:
    assert lone_surrogate(json.loads('"a\\ud800b"')) == "\ud800"
    assert lone_surrogate(json.loads('{"ok": ["x", {"\\udfff": 1}]}')) == "\udfff"
    assert lone_surrogate(json.loads('[1, 2.5, null, true, {"k": ["\\udc00"]}]')) == "\udc00"


def test_a_pair_and_plain_values_hold_none() -> None:
    assert lone_surrogate(json.loads('{"smile": "\\ud83d\\ude00", "n": [1, "é"]}')) is None
    assert lone_surrogate(None) is None and lone_surrogate(3) is None


def test_json_path_names_the_first_item_wanted_in_document_order() -> None:
    data = json.loads('{"data": {"a": [0, {"b": null}], "c": null}, "d": null}')
    assert json_path(data, lambda item: item is None) == "data.a[1].b"
    assert json_path([[1], [2, 3]], lambda item: item == 3) == "[1][1]"
    assert json_path(data, lambda item: item == 7) is None
    assert json_path(7, lambda item: item == 7) == ""


def test_json_path_walks_thousands_deep() -> None:
    deep: object = None
    for _ in range(5000):
        deep = [deep]
    assert json_path(deep, lambda item: item is None) == "[0]" * 5000
