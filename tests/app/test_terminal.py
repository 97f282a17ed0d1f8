"""``opencx.terminal.Listing``: tables that fit the terminal without cutting a value."""

from __future__ import annotations

import io

from rich.console import Console

from opencx.terminal import Listing

COLUMNS = ("job", "schedule", "status", "result", "next run")
ROW = {
    "job": "customers.scrub_after_erasure",
    "schedule": "every 1h",
    "status": "ok",
    "result": "scrubbed 3 tables after 2 erasures, vacuumed, checkpointed the WAL",
    "next run": "2026-12-06 11:00",
}


def shown(width: int, **options: object) -> str:
    listing = Listing(COLUMNS, [ROW], **options)  # type: ignore[arg-type]
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(listing.table(width))
    return console.export_text()


def test_a_long_wrapping_column_folds_beside_the_others_instead_of_pushing_them_out() -> None:
    text = shown(90, optional=("schedule",), wrapping=("result",))
    lines = text.splitlines()
    assert lines[0].split() == ["job", "schedule", "status", "result", "next", "run"]
    assert all(len(line) <= 90 for line in lines)
    assert "customers.scrub_after_erasure" in lines[1] and "2026-12-06 11:00" in lines[1]
    assert len(lines) >= 4  # the result folds onto several lines


def test_optional_columns_go_first_and_are_named_then_rows_become_blocks() -> None:
    text = shown(80, optional=("schedule",), wrapping=("result",))
    assert "schedule" not in text.splitlines()[0]
    assert "not shown at 80 columns: schedule" in text
    blocks = shown(40, optional=("schedule",), wrapping=("result",))
    assert "job       customers.scrub_after_erasure" in blocks  # a block per row, nothing cut
    assert all(len(line) <= 40 for line in blocks.splitlines())


def test_a_column_that_does_not_wrap_is_never_cut() -> None:
    text = shown(80, optional=("schedule",))  # result may not wrap: it is too long for 80
    assert ROW["result"] in text  # on one line, whole: the rows became blocks
    assert all(len(line) <= 80 for line in text.splitlines())
