"""``opencx feedback create KEY --file FILE`` and ``feedback edit KEY --file FILE`` read FILE as
the API reads a body (``core.text.json_document``, as ``opencx loyalty configure`` does): a
file that is not UTF-8, not JSON, nested more than 800 levels, holding a lone surrogate or no
JSON object is one line naming the file and what is wrong, exit 2, and no survey or version
is stored; a UTF-8 byte order mark is read. Both stores.

Before, the file went to a bare ``json.loads(path.read_text(encoding="utf-8"))``: 100,000
levels were a RecursionError traceback, a Latin-1 file a UnicodeDecodeError traceback, a BOM
'Unexpected UTF-8 BOM' (exit 1), a lone surrogate stored, bad JSON or an array exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opencx.app import Services
from opencx.feedback.cli import app
from opencx.feedback.domain import to_definition

DEEP = "name" + "[0]" * 17 + "...: arrays and objects nested more than 800 levels deep"


def definition(services: Services) -> dict[str, object]:
    services.feedback.create_from_template("csat", "csat-x", "Happy", ["en"])
    return to_definition(services.feedback.survey("csat-x"))


def deep(document: dict[str, object], levels: int) -> str:
    """``document`` nested ``levels`` deep: itself, and arrays in its name."""
    text = json.dumps({**document, "name": "Deep"})
    return text.replace('"Deep"', "[" * (levels - 1) + "]" * (levels - 1), 1)


CASES = [
    ("latin-1", "not UTF-8 text (byte 0xe9 at offset 13): save it as UTF-8"),
    ("trailing comma", "not JSON: line 1, column"),
    ("empty", "not JSON: line 1, column 1: Expecting value"),
    ("lone surrogate", "name: a lone surrogate (\\ud800"),
    ("801 levels", DEEP),
    ("100000 levels", DEEP),
    ("array", "expected a JSON object (a survey definition), not an array"),
    ("string", "expected a JSON object (a survey definition), not a string"),
    ("number", "expected a JSON object (a survey definition), not a number"),
    ("missing", "cannot read it (No such file or directory)"),
]


def content(case: str, document: dict[str, object]) -> bytes | None:
    return {
        "latin-1": '{"name": "Caf\xe9"}'.encode("latin-1"),
        "trailing comma": json.dumps(document).replace("}", ",}", 1).encode(),
        "empty": b"",
        "lone surrogate": json.dumps({**document, "name": "\ud800"}).encode(),
        "801 levels": deep(document, 801).encode(),
        "100000 levels": deep(document, 100_000).encode(),
        "array": json.dumps([document]).encode(),
        "string": b'"csat"',
        "number": b"3",
        "missing": None,
    }[case]


@pytest.mark.parametrize(("case", "problem"), CASES, ids=[c for c, _ in CASES])
@pytest.mark.parametrize("command", ["create", "edit"])
def test_a_file_that_is_no_json_object_is_one_line_naming_it_and_nothing_is_stored(
    services: Services, tmp_path: Path, case: str, problem: str, command: str
) -> None:
    document = definition(services)
    path = tmp_path / "survey.json"
    raw = content(case, document)
    if raw is not None:
        path.write_bytes(raw)
    key = "csat-new" if command == "create" else "csat-x"
    r = CliRunner().invoke(app, [command, key, "--file", str(path)], obj=services)
    said = r.output.strip()
    assert r.exit_code == 2, (said, r.exception)
    assert said.startswith(f"error: {path}: ") and problem in said and "\n" not in said, said
    assert [s["key"] for s in services.feedback.surveys()] == ["csat-x"]
    assert services.feedback.survey("csat-x").version == 1


def test_a_utf8_file_with_a_byte_order_mark_is_read(services: Services, tmp_path: Path) -> None:
    document = definition(services)
    path = tmp_path / "survey.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({**document, "name": "Caf\xe9"}).encode())
    r = CliRunner().invoke(app, ["edit", "csat-x", "--file", str(path)], obj=services)
    assert r.exit_code == 0 and "saved csat-x version 2" in r.output, r.output
    assert services.feedback.survey("csat-x").name == "Caf\xe9"
