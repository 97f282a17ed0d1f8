"""A quote that opens a value in a data row and is never closed takes the rest of the file as
that value (the parser reads a quote still open at the end of the file as closed there): the
file is refused, naming the line and column where it opens, and nothing is written, rejects
allowed or not. A quoted value that holds line breaks and closes is read as before. Both
stores."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from opencx.core.errors import InvalidInput
from opencx.ingest.service import ImportReport
from opencx.ingest.store.formats.delimited import _BlankLines
from opencx.ingest.store.formats.encoding import LINE_END
from opencx.ingest.store.formats.records import MAX_RECORD_BYTES, Tail

HEADER = "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price"
NEVER = 'a quoted value that is never closed (a " without its closing ")'


def _rows(count: int) -> list[str]:
    return [
        f"O{i // 4:06d},C{i // 4 % 97:04d},2024-03-01 10:00:00,EUR,S{i % 4},Product {i % 4},1,2.50"
        for i in range(count)
    ]


def _write(path: Path, lines: list[str], newline: str = "\n", end: str = "\n") -> Path:
    path.write_bytes((newline.join(lines) + end).encode())
    return path


def _refused(run_import: Callable[..., ImportReport], path: Path, **options: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        run_import("orders", path, create_missing_customers=True, **options)
    return str(caught.value)


@pytest.mark.parametrize("allow_rejects", [False, True])
@pytest.mark.parametrize("chunk_rows", [1_000, 50_000])
@pytest.mark.parametrize(
    ("column", "cell"),
    [(6, '"Monitor 27'), (8, '"2.50')],
    ids=["fields short", "last column"],
)
def test_a_quote_never_closed_in_a_data_row_refuses_the_file(
    tmp_path, run_import, nothing_written, allow_rejects, chunk_rows, column, cell
):
    """20,000 rows, line 10,002 opens a quote that nothing closes. Before: 'read 10,001', the
    rest of the file one value of that row, rejected as 'expected 8 fields, found 6' or loaded
    as a product name over 500 characters; 9,999 lines gone from the counts, the rows before
    loaded with --allow-rejects."""
    lines = [HEADER, *_rows(20_000)]
    cells = lines[10_001].split(",")
    cells[column - 1] = cell
    lines[10_001] = ",".join(cells)
    path = _write(tmp_path / "orders.csv", lines)
    message = _refused(run_import, path, chunk_rows=chunk_rows, allow_rejects=allow_rejects)
    name = HEADER.split(",")[column - 1]
    assert message == (
        f"orders.csv: line 10002: column {column} ({name}): a quoted value that is never "
        'closed (a " without its closing "): it would hold the rest of the file, lines '
        "10002-20001"
    )
    assert nothing_written()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("end", ["", "\n\n"])
def test_a_quote_never_closed_on_the_last_line(tmp_path, run_import, nothing_written, newline, end):
    """``"2.50`` on the last line: its value read as ``2.50`` (with no line break at the end)
    loaded as if it were closed."""
    lines = [HEADER, *_rows(3), "", 'O9,C1,2024-03-01 10:00:00,EUR,S1,"a""b",1,"2.50']
    path = _write(tmp_path / "orders.csv", lines, newline, end.replace("\n", newline))
    message = _refused(run_import, path, allow_rejects=True)
    assert message == f"orders.csv: line 6: column 8 (unit_price): {NEVER}"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_line_a_quote_opens_on_inside_a_record_of_several_lines(
    tmp_path, run_import, nothing_written, newline
):
    """The record begins on line 4, its first quoted value closes on line 5, the second
    opens there and never closes."""
    lines = [HEADER, *_rows(2), 'O9,C1,2024-03-01 10:00:00,EUR,S1,"two', 'lines",1,"2.5', "x"]
    path = _write(tmp_path / "orders.csv", lines, newline)
    message = _refused(run_import, path)
    assert message == (
        f"orders.csv: line 5: column 8 (unit_price): {NEVER}: it would hold the rest of the "
        "file, lines 5-6"
    )
    assert nothing_written()


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize(
    "last",
    [
        'O9,C1,2024-03-01 10:00:00,EUR,S1,"two\nlines",1,2.50',
        'O9,C1,2024-03-01 10:00:00,EUR,S1,"ends in a break\n",1,"2.50"',
        'O9,C1,2024-03-01 10:00:00,EUR,S1,"quoted ""x"" ""\n""",1,"2.50"',
        'O9,C1,2024-03-01 10:00:00,EUR,S1,5" screen,1,2.50',
    ],
    ids=["break", "break at the end", "doubled quotes", "quote inside a value"],
)
@pytest.mark.parametrize("end", ["", "\n"])
def test_a_last_record_whose_quotes_close_is_read(tmp_path, run_import, chunk_rows, last, end):
    lines = [HEADER, *_rows(3), last]
    path = _write(tmp_path / "orders.csv", lines, end=end)
    report = run_import("orders", path, create_missing_customers=True, chunk_rows=chunk_rows)
    assert report.status == "loaded", report.problems
    assert report.rows_loaded == 4


def test_a_quote_never_closed_in_a_record_longer_than_a_block(
    tmp_path, run_import, nothing_written
):
    """The rest of the file is more than the parser reads at once: it said 'cannot be read as
    delimited text: straddling object straddles two block boundaries (try to increase block
    size?)'."""
    lines = [HEADER, *_rows(10), 'O9,C1,2024-03-01 10:00:00,EUR,S1,"Monitor 27,1,2.50']
    lines += _rows(40_000)  # 3 MiB
    path = _write(tmp_path / "orders.csv", lines)
    for chunk_rows in (1, 50_000):
        message = _refused(run_import, path, chunk_rows=chunk_rows, allow_rejects=True)
        assert message == (
            f"orders.csv: line 12: column 6 (product_name): {NEVER}: it would hold the rest of "
            "the file, lines 12-40012"
        )
    assert nothing_written()


def test_a_quote_never_closed_in_the_first_row_longer_than_a_block(
    tmp_path, run_import, nothing_written
):
    lines = [HEADER, "", 'O9,C1,2024-03-01 10:00:00,EUR,S1,1,1,"2.5', *_rows(40_000)]
    path = _write(tmp_path / "orders.csv", lines)
    message = _refused(run_import, path, chunk_rows=1)
    assert message.startswith("orders.csv: line 3: column 8 (unit_price): a quoted value that")


def test_a_quoted_value_longer_than_a_block_that_closes(tmp_path, run_import, nothing_written):
    """A quote closed 40,000 lines on (by a stray quote): a record of 2.2 MiB, longer than the
    1 MiB the parser is given at once with chunk_rows 1."""
    lines = [HEADER, *_rows(10), 'O9,C1,2024-03-01 10:00:00,EUR,S1,"Monitor 27,1,2.50']
    lines += [*_rows(40_000), 'x",1,2.50', *_rows(10)]
    path = _write(tmp_path / "orders.csv", lines)
    message = _refused(run_import, path, chunk_rows=1)
    assert message == (
        "orders.csv: lines 12-40013: a record of 2.2 MiB, longer than the 1 MiB the reader takes "
        'at once (a " not closed where it should be?)'
    )
    assert nothing_written()


def test_a_quote_not_closed_within_the_bytes_read_to_find_it(tmp_path, run_import):
    lines = [HEADER, *_rows(10), 'O9,C1,2024-03-01 10:00:00,EUR,S1,"Monitor 27,1,2.50']
    lines += _rows(MAX_RECORD_BYTES // 50)
    path = _write(tmp_path / "orders.csv", [*lines, '",1,2.50'])
    message = _refused(run_import, path, chunk_rows=1)
    assert message == (
        "orders.csv: line 12: column 6 (product_name): a quoted value that does not close "
        'within 16 MiB (a " without its closing "?)'
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("at", [50_000, 99_990])
def test_a_quote_never_closed_near_the_end_of_a_larger_file(
    tmp_path, run_import, nothing_written, newline, at
):
    """100,000 rows (6 MiB): the last record is read again from the last blocks the parser was
    given (two of 1 MiB), or from the file when it begins before them."""
    lines = [HEADER, *_rows(100_000)]
    lines[at - 1] = lines[at - 1].replace(",Product ", ',"Product ')
    path = _write(tmp_path / "orders.csv", lines, newline)
    message = _refused(run_import, path, allow_rejects=True)
    assert message == (
        f"orders.csv: line {at}: column 6 (product_name): {NEVER}: it would hold the rest of "
        f"the file, lines {at}-100001"
    )
    assert nothing_written()


def test_a_quote_never_closed_in_a_gzip_file_read_again_from_its_line(
    tmp_path, run_import, nothing_written
):
    """The last record begins before the blocks kept: read again from the file, through
    gzip."""
    import gzip

    lines = [HEADER, *_rows(100_000)]
    lines[49_999] = lines[49_999].replace(",Product ", ',"Product ')
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    message = _refused(run_import, path)
    assert message == (
        f"orders.csv.gz: line 50000: column 6 (product_name): {NEVER}: it would hold the rest "
        "of the file, lines 50000-100001"
    )
    assert nothing_written()


@pytest.mark.parametrize("seed", range(40))
def test_the_tail_kept_gives_the_text_from_a_line(seed):
    """Blocks cut anywhere (a \\r\\n among them), 40 bytes kept before the last: the text
    from each line the blocks kept hold, as the file has it (always for a line that begins in
    the last block or the 40 bytes before it); None for a line that begins before them."""
    rng = random.Random(seed)
    lines = [("x" * rng.randrange(0, 5)) for _ in range(100)]
    text = "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in lines)
    text = text[: -rng.randrange(0, 3) or None]  # the last line end, or not
    data = text.encode()
    cuts = sorted(rng.sample(range(1, len(data)), 12))
    tail = Tail(keep=40)
    blanks = _BlankLines(7, tail)
    for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
        blanks.see(data[start:end], False)
    blanks.see(b"", True)
    starts = [0] + [m.end() for m in LINE_END.finditer(text)]
    found = [tail.text_from(number) for number in range(7, 7 + len(starts))]
    assert all(f in (None, text[begins:]) for f, begins in zip(found, starts, strict=True))
    # the last block: a \r that ends the text alone (held back for a \n), or from the last cut
    # (a \r before it held back with it)
    last = len(data) - 1 if text.endswith("\r") else cuts[-1] - (data[cuts[-1] - 1] == 13)
    assert all(f is not None for f, b in zip(found, starts, strict=True) if b >= last - 40)
    assert found[0] is None or len(data) < 80
