"""Reading an estate CSV file: streamed a row at a time, checked as UTF-8, hashed as it is read.

Line numbers are the row numbers a spreadsheet shows: the header is line 1 and each record is one line, even
when a quoted value spans several lines of the file. Blank rows count as lines (a spreadsheet shows them) and
are skipped.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_BOM = "\ufeff"
# Excel's "CSV UTF-16" and "Unicode text" start with one of these: every line would fail, so say it once.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS_UTF8 = "save it from your spreadsheet as 'CSV UTF-8 (comma delimited)'"


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a file cannot be imported, as a person fixing the spreadsheet needs it."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"line {self.line}: {self.column}: {self.message}"
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Record:
    line: int
    values: list[str]
    problem: str = ""  # set when the record could not be read; values are then unreliable

    @property
    def blank(self) -> bool:
        return not any(value.strip() for value in self.values)


class FileProblem(Exception):
    """The file as a whole cannot be read (missing, a directory, UTF-16): nothing row by row to report."""


class CsvFile:
    """One pass over a CSV file. ``sha256`` is the hash of every byte, once the records are exhausted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._hash = hashlib.sha256()
        self._records_read = 0
        self._undecodable = ""
        self.finished = False

    @property
    def sha256(self) -> str:
        if not self.finished:
            raise RuntimeError("the file has not been read to the end yet")
        return self._hash.hexdigest()

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        first = True
        for raw in handle:
            # Splitting bytes on b"\n" is safe for UTF-8: no multi-byte character contains that byte.
            self._hash.update(raw)
            if first and raw.startswith(_UTF16_BOMS):
                raise FileProblem(f"The file is UTF-16 text, not UTF-8: {_SAVE_AS_UTF8}.")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace")
                if not self._undecodable:
                    self._undecodable = (
                        f"is not UTF-8 text (byte 0x{raw[exc.start]:02X} at position {exc.start + 1}): {_SAVE_AS_UTF8}"
                    )
            if first:
                text = text.removeprefix(_BOM)
                first = False
            yield text

    def records(self) -> Iterator[Record]:
        """Every record, header included, numbered from 1. Problems are reported per record, and reading goes
        on, so that one pass finds every bad line."""
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise FileProblem(f"Cannot open {self.path}: {exc.strerror or exc}.") from exc
        with handle:
            reader = csv.reader(self._lines(handle), strict=True)
            while True:
                line = self._records_read + 1
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    # The reader starts afresh on the next line of the file after an error.
                    self._records_read += 1
                    self._undecodable = ""
                    yield Record(line, [], f"is not valid CSV: {exc}")
                    continue
                self._records_read += 1
                problem, self._undecodable = self._undecodable, ""
                yield Record(line, values, problem)
        self.finished = True
