"""The stream that decodes a text file as it is read: ASCII blocks pass through unchecked by
Python, and whatever is not ASCII is still decoded and named by its line."""

from __future__ import annotations

import io

import pytest

from opencx.core import InvalidInput
from opencx.ingest.store.formats.encoding import DecodedStream, check_one_encoding

BLOCK = 1 << 20  # what the stream reads at a time


def read_all(data: bytes, encoding: str = "utf-8") -> bytes:
    stream = DecodedStream(io.BytesIO(data), encoding, "f.csv")
    return io.BufferedReader(stream, 1 << 16).read()


def ascii_lines(size: int) -> bytes:
    """``size`` bytes of ASCII lines of 16 bytes (``size`` a multiple of 16)."""
    return b"abcdefghijklmno\n" * (size // 16)


def test_a_character_cut_by_the_block_boundary_passes_through_whole() -> None:
    data = ascii_lines(BLOCK - 16) + b"abcdefghijklmno" + "é\n".encode() + ascii_lines(BLOCK)
    assert data[BLOCK - 1 : BLOCK + 1] == "é".encode()
    assert read_all(data) == data


def test_a_character_left_unfinished_before_an_ascii_block_is_refused_by_line() -> None:
    data = ascii_lines(BLOCK - 16) + b"abcdefghijklmn\n" + b"\xc3" + ascii_lines(BLOCK)
    assert data[BLOCK - 1 : BLOCK + 1] == b"\xc3a"  # the next block is ASCII
    with pytest.raises(InvalidInput, match=r"mixes encodings: line 65537 is UTF-8, line 65537"):
        read_all(data)


def test_a_bad_byte_after_ascii_blocks_is_named_by_its_line() -> None:
    data = ascii_lines(3 * BLOCK) + b"Caf\xe9\n"
    with pytest.raises(InvalidInput) as caught:
        read_all(data)
    assert str(caught.value) == (
        "f.csv: line 196609: bytes b'\\xe9\\n' cannot be decoded as utf-8 "
        "(give the file's encoding with --encoding, e.g. cp1252)"
    )


def test_utf8_then_another_encoding_blocks_later_is_named_as_mixed() -> None:
    data = "Zoë\n".encode() + ascii_lines(2 * BLOCK) + b"Caf\xe9\n"
    with pytest.raises(InvalidInput, match=r"mixes encodings: line 1 is UTF-8, line 131074 is not"):
        read_all(data)


def test_other_encodings_are_decoded_to_utf8() -> None:
    data = ascii_lines(BLOCK) + "Café\n".encode("cp1252")
    assert read_all(data, "cp1252") == ascii_lines(BLOCK) + "Café\n".encode()


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_a_bad_byte_is_named_by_its_line_whatever_the_line_ends(end: bytes) -> None:
    """Lines end in \\n, \\r\\n or a lone \\r (an old Mac file), as the parser ends them; a
    \\r\\n cut by the block boundary is one line end."""
    line = b"abcdefghijklmn" + end
    count = (3 * BLOCK) // len(line)
    data = line * count + b"Caf\xe9" + end
    if end == b"\r\n":  # a \r\n split by the first block boundary
        data = b"x" * (BLOCK - 1) + b"\r\n" + data
        count += 1
    with pytest.raises(InvalidInput, match=rf"f\.csv: line {count + 1}: bytes b'\\xe9"):
        read_all(data)


def test_a_single_byte_file_with_lone_cr_line_ends_that_holds_utf8_lines_is_mixed() -> None:
    """The check for UTF-8 lines in a file read as cp1252 splits lines as the parser does."""
    data = b"id,name\rA,Caf\xe9\r" + b"B,plain\r" * 10 + "C,Zoë\r".encode() + b"D,x\r"
    with pytest.raises(InvalidInput, match=r"mixes encodings: line 13 is UTF-8, line 2 is not"):
        check_one_encoding(data, "cp1252", "f.csv")
