"""Text decoding: the encoding detected on a sample (or given), and a stream that decodes as it
reads, so an undecodable byte is reported with its line instead of surfacing as a parser error."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable
from itertools import islice
from typing import IO, Any

from opencx.core.errors import InvalidInput
from opencx.ingest.domain.mapping import COMMAND_ADVICE

SAMPLE_BYTES = 256 * 1024


_WESTERN = {"latin_1", "iso8859_1", "iso8859_15", "cp1252", "windows_1252", "cp1250", "mac_roman"}


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: a BOM wins, then UTF-8, then charset-normalizer's guess.

    Western single-byte guesses are read as cp1252 (a superset of latin-1's printable range),
    or latin-1 when the sample holds bytes cp1252 leaves undefined.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if sample.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best else "cp1252"
    if guess in _WESTERN or best is None:
        return "latin-1" if any(b in sample for b in b"\x81\x8d\x8f\x90\x9d") else "cp1252"
    return guess


# a UTF-8 multi-byte sequence: in a single-byte file it is mojibake waiting to happen ("Ã©")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = re.compile(rb"[\x80-\xff]")


def line_ends(data: bytes) -> int:
    """The line ends in ``data``: ``\n``, ``\r\n`` or a lone ``\r`` (an old Mac file), as the
    parser ends lines (counted in C; a file with no \r is counted once)."""
    ends = data.count(b"\n")
    if b"\r" in data:
        ends += data.count(b"\r") - data.count(b"\r\n")
    return ends


def last_line_end(data: bytes) -> int:
    """Where the last line end of ``data`` is (-1: none)."""
    return max(data.rfind(b"\n"), data.rfind(b"\r"))


LINE_END = re.compile(r"\r\n|\r|\n")
"""A line end as the parser ends lines: ``\\n``, ``\\r\\n`` or a lone ``\\r`` (an old Mac file)."""


_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def _mixed_lines(data: bytes, first_line: int = 1) -> tuple[int, int] | None:
    """(a line that is UTF-8 with non-ASCII text, a line that is not UTF-8), or None."""
    utf8 = other = None
    for number, line in enumerate(_LINE_END_BYTES.split(data), start=first_line):
        if not _HIGH.search(line):
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other = other or number
        else:
            if _UTF8_SEQUENCE.search(line):
                utf8 = utf8 or number
        if utf8 and other:
            return utf8, other
    return None


def mixed_encodings(name: str, utf8_line: int, other_line: int, other: str) -> InvalidInput:
    return InvalidInput(
        f"{name}: mixes encodings: line {utf8_line} is UTF-8, line {other_line} is not "
        f"(it reads as {other}); convert the file to one encoding (e.g. iconv -f {other} "
        "-t utf-8 on the lines that are not UTF-8) and import it again"
    )


def check_one_encoding(sample: bytes, encoding: str, name: str, first_line: int = 1) -> None:
    """InvalidInput when a file guessed to be single-byte (cp1252, latin-1) also holds UTF-8
    lines, which it would load as mojibake without a word ("Ã©lodie"); ``sample`` begins on
    line ``first_line``."""
    if codecs.lookup(encoding).name.startswith("utf"):
        return
    end = last_line_end(sample)
    cut = sample[:end] if end >= 0 else sample
    found = _mixed_lines(cut, first_line)
    if found:
        raise mixed_encodings(name, *found, encoding)


class DecodedStream(io.RawIOBase):
    """UTF-8 bytes from a file in any encoding; an undecodable byte raises with its line.
    ``observe`` is given each block of those bytes as it is made, and True with the last.
    ``skip_lines``: the first lines are left out (the empty lines before a header and the
    header, however long: the parser can skip rows only within its first block)."""

    def __init__(
        self,
        raw: IO[bytes],
        encoding: str,
        name: str,
        *,
        whitespace: bool = False,
        observe: Callable[[bytes, bool], None] | None = None,
        skip_lines: int = 0,
        advice: str = COMMAND_ADVICE.encoding,
    ):
        self._raw = raw
        self._advice = advice
        self._name = name
        self._encoding = encoding
        self._passthrough = codecs.lookup(encoding).name == "utf-8" and not whitespace
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._whitespace = whitespace
        self._pending = b""
        self._offset = 0  # how much of ``_pending`` was read
        self._tail = ""  # whitespace mode: an incomplete last line
        self._line = 1
        self._cr = False  # the last block ended in \r: a \n that starts the next ends no line
        self._eof = False
        self._first_utf8: int | None = None  # UTF-8 mode: the first line with non-ASCII text
        self._observe = observe
        self._skip = skip_lines  # lines still to leave out
        self._skip_lf = False  # the last line left out ended a block in \r: a \n may follow

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while self._offset == len(self._pending) and not self._eof:
            self._fill()
        start = self._offset
        n = min(len(buffer), len(self._pending) - start)
        buffer[:n] = memoryview(self._pending)[start : start + n]
        self._offset = start + n
        return n

    def _fill(self) -> None:
        block = self._raw.read(1 << 20)
        final = not block
        self._offset = 0
        if self._passthrough and block.isascii() and block and not self._decoder.getstate()[0]:
            # ASCII after whole characters is UTF-8 as it is, with no non-ASCII line: checked
            # in C at gigabytes a second (decoding it cost 0.2 s of CPU per 40 MB)
            self._count_lines(block)
            self._pending = self._skipped(block)
            if self._observe is not None:
                self._observe(self._pending, False)
            return
        try:
            text = self._decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            line = self._line + self._ends(block[: exc.start])
            bad = block[exc.start : exc.start + 4]
            first = self._first_utf8 or _first_high_line(block[: exc.start], self._line)
            if self._passthrough and first is not None:  # UTF-8 so far, then another encoding
                raise mixed_encodings(self._name, first, line, "cp1252") from None
            raise InvalidInput(
                f"{self._name}: line {line}: bytes {bad!r} cannot be decoded as "
                f"{self._encoding} ({self._advice})"
            ) from None
        if self._passthrough and self._first_utf8 is None:
            self._first_utf8 = _first_high_line(block, self._line)
        self._count_lines(block)
        if self._whitespace:
            text = self._tail + text
            # the last line end (\n, \r\n or a lone \r; a \r that ends the block may be the
            # first half of a \r\n): the lines before it are whole
            cut = len(text) if final else max(text.rfind("\n"), text.rfind("\r", 0, -1)) + 1
            head, self._tail = text[:cut], text[cut:]
            text = "\n".join(",".join(line.split()) for line in LINE_END.split(head))
        self._pending = self._skipped(block if self._passthrough else text.encode("utf-8"))
        self._eof = final
        if self._observe is not None:
            self._observe(self._pending, final)

    def _skipped(self, data: bytes) -> bytes:
        """``data`` less the lines still to leave out (a \r\n cut by blocks ends one line)."""
        if self._skip_lf and data:
            self._skip_lf = False
            data = data.removeprefix(b"\n")
        if not self._skip or not data:
            return data
        ends = line_ends(data)
        if ends < self._skip:
            self._skip -= ends
            self._skip_lf = data.endswith(b"\r")
            return b""
        last = next(islice(_LINE_END_BYTES.finditer(data), self._skip - 1, None))
        self._skip = 0
        self._skip_lf = last.end() == len(data) and data.endswith(b"\r")
        return data[last.end() :]

    def _ends(self, data: bytes) -> int:
        """The line ends in ``data``, which follows the blocks read so far."""
        return line_ends(data) - (self._cr and data.startswith(b"\n"))

    def _count_lines(self, block: bytes) -> None:
        self._line += self._ends(block)
        if block:
            self._cr = block.endswith(b"\r")


def _first_high_line(data: bytes, first_line: int) -> int | None:
    if data.isascii():
        return None
    match = _HIGH.search(data)
    return None if match is None else first_line + line_ends(data[: match.start()])
