"""``opencx loyalty configure FILE`` reads FILE as ``PUT /api/loyalty/program`` reads its body:
arrays and objects nested more than 800 levels (core.text.MAX_JSON_DEPTH) or a lone surrogate
are refused naming the file and the path in the document, found before ``json`` recurses;
a file that is not UTF-8 or not JSON is one line naming the file too. Each is exit 2 and
leaves the stored program as it was. Both stores.

Before, the file went to a bare ``json.loads(path.read_text())``: 100,000 levels were a
RecursionError traceback, a Latin-1 file a UnicodeDecodeError traceback (under a UTF-8
locale), and text that is no JSON exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opencx.app import Services
from opencx.loyalty.cli import app
from opencx.loyalty.domain import program_document
from tests.loyalty.conftest import PROGRAM


def configure(services: Services, path: Path) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["configure", str(path)], obj=services)
    return r.exit_code, r.output.strip()


def deep(levels: int) -> str:
    """The program nested ``levels`` deep: itself, and arrays in its name."""
    text = json.dumps({**PROGRAM, "name": "Deep"})
    return text.replace('"Deep"', "[" * (levels - 1) + "]" * (levels - 1), 1)


@pytest.mark.parametrize("levels", [801, 100_000])
def test_a_file_nested_too_deep_is_refused_naming_the_file_and_path(
    services: Services, tmp_path: Path, levels: int
) -> None:
    before = program_document(services.loyalty.program())
    path = tmp_path / "program.json"
    path.write_text(deep(levels), encoding="utf-8")
    code, said = configure(services, path)
    column = deep(levels).index("[") + 800  # of the 800th array, the 801st level
    assert code == 2, said
    assert said == (
        f"error: {path}: line 1, column {column}: name{'[0]' * 17}...: "
        "arrays and objects nested more than 800 levels deep (at most 800 are read)"
    )
    assert program_document(services.loyalty.program()) == before


def test_800_levels_are_read_as_the_api_reads_them(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "program.json"
    path.write_text(deep(800), encoding="utf-8")
    code, said = configure(services, path)
    assert code == 0 and "program '[[[[" in said, said  # a name, as the API would store it


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            json.dumps(PROGRAM).replace("Club", "Caf\xe9").encode("latin-1"),
            "not UTF-8 text (byte 0xe9 at offset 13): save it as UTF-8",
        ),
        (b'{"name": "Club",}', "not JSON: line 1, column 17: Expecting property name"),
        (b"", "not JSON: line 1, column 1: Expecting value"),
        (b'{"name": "\\ud800"}', "line 1, column 11: name: a lone surrogate (\\ud800"),
    ],
    ids=["latin-1", "trailing comma", "empty", "lone surrogate"],
)
def test_a_file_that_is_not_utf8_or_not_json_is_one_line(
    services: Services, tmp_path: Path, content: bytes, problem: str
) -> None:
    before = program_document(services.loyalty.program())
    path = tmp_path / "program.json"
    path.write_bytes(content)
    code, said = configure(services, path)
    assert code == 2, said
    assert said.startswith(f"error: {path}: {problem}") and "\n" not in said, said
    assert program_document(services.loyalty.program()) == before


def test_a_utf8_file_with_a_byte_order_mark_is_read(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "program.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({**PROGRAM, "name": "Caf\xe9"}).encode())
    code, said = configure(services, path)
    assert code == 0 and "program 'Caf\xe9'" in said, said
