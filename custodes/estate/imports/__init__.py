"""Estate CSV import: validate the whole file, then write all of it or nothing (docs/estate-import.md).

``validate(path)`` reads the file once, streaming, and returns every problem as "line N: column: reason";
``write(path, result)`` carries out a clean validation inside the caller's transaction. The one entry point
that checks who may import and records the audit event is custodes.estate.services.import_file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodes.estate.imports.base import BATCH_SIZE, Counts, Kind, ParsedRow
from custodes.estate.imports.entities import Cells, Establishments, Prisoners, Staff, Units
from custodes.estate.imports.fields import normalise_header
from custodes.estate.imports.periods import Placements, Postings
from custodes.estate.imports.reading import CsvFile, FileProblem, Problem, Record

__all__ = ["KINDS", "FileChanged", "ImportResult", "Problem", "validate", "write"]

KINDS: dict[str, type[Kind]] = {
    kind.name: kind for kind in (Establishments, Units, Cells, Staff, Postings, Prisoners, Placements)
}


class FileChanged(RuntimeError):
    """The file read for writing is not the file that was validated."""


@dataclass
class ImportResult:
    kind: Kind | None
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    sha256: str = ""
    header: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.kind is not None and not self.problems

    @property
    def counts(self) -> Counts:
        return self.kind.counts if self.kind is not None else Counts()

    def audit_detail(self) -> dict[str, Any]:
        # Counts and the file's fingerprint only: the content (names of people) never enters the audit chain.
        return {
            "kind": self.kind.name if self.kind else "",
            "rows": self.rows,
            **self.counts.as_dict(),
            "file_sha256": self.sha256,
        }


def _kind_for(header: list[str], requested: str | None) -> tuple[type[Kind] | None, list[Problem]]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(1, "", "a column has no name: every column of the header needs one"))
        elif name in seen:
            problems.append(Problem(1, name, "appears twice in the header"))
        seen.add(name)
    if problems:
        return None, problems
    if requested is None:
        matches = [kind for kind in KINDS.values() if kind.accepts(header)]
        if len(matches) == 1:
            return matches[0], []
        overlap = {kind: len(set(header) & set(kind.column_names())) for kind in KINDS.values()}
        nearest = max(overlap, key=lambda kind: overlap[kind])
        if not overlap[nearest]:
            message = (
                "the header names no column of any kind of estate file; the kinds are "
                f"{', '.join(KINDS)} (see docs/estate-import.md)"
            )
            return None, [Problem(1, "", message)]
        # Check it as the nearest kind, so the problems say which columns to add, rename or remove.
        message = f"the header matches no kind of estate file exactly; checked as {nearest.name}, the nearest"
        problems.append(Problem(1, "", message))
        kind = nearest
    else:
        kind = KINDS[requested]
    needs = f"a file of {kind.name} needs {', '.join(sorted(kind.required_columns(), key=kind.column_names().index))}"
    for name in sorted(kind.required_columns() - set(header), key=kind.column_names().index):
        problems.append(Problem(1, name, f"is missing ({needs})"))
    for name in header:
        if name not in kind.column_names():
            problems.append(Problem(1, name, f"is not a column of a file of {kind.name}"))
    return (kind if not problems else None), problems


def _parse(kind: Kind, header: list[str], record: Record) -> tuple[ParsedRow | None, list[Problem]]:
    if record.problem:
        return None, [Problem(record.line, "", record.problem)]
    if len(record.values) != len(header):
        message = f"has {len(record.values)} values but the header has {len(header)} columns"
        return None, [Problem(record.line, "", message)]
    problems: list[Problem] = []
    cells = dict(zip(header, record.values, strict=True))
    values: dict[str, Any] = {}
    for column in kind.columns:
        raw = cells.get(column.name, "").strip()
        if not raw:
            if column.required:
                problems.append(Problem(record.line, column.name, "is empty; it is required"))
            values[column.name] = None
            continue
        try:
            values[column.name] = column.parse(raw)
        except ValueError as exc:
            problems.append(Problem(record.line, column.name, str(exc)))
    if not problems:
        problems = [Problem(record.line, column, message) for column, message in kind.check_row(values)]
    return (None if problems else ParsedRow(record.line, values)), problems


def _batches(rows: Iterator[ParsedRow]) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def validate(path: Path, *, kind: str | None = None) -> ImportResult:
    """Check every row of the file. Reads the database, never writes to it."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    source = CsvFile(path)
    result = ImportResult(kind=None)
    records = source.records()
    try:
        first = next(records, None)
        if first is None:
            result.problems.append(Problem(1, "", "the file is empty: the first line must name the columns"))
            return result
        if first.problem:
            result.problems.append(Problem(1, "", first.problem))
            return result
        if len(first.values) == 1 and any(separator in first.values[0] for separator in ";\t|"):
            message = "the columns seem to be separated by something other than commas: save the file as CSV UTF-8"
            result.problems.append(Problem(1, "", message))
            return result
        result.header = [normalise_header(name) for name in first.values]
        if first.blank:
            result.problems.append(Problem(1, "", "the first line is blank: it must name the columns"))
            return result
        kind_class, problems = _kind_for(result.header, kind)
        if kind_class is None:
            result.problems.extend(problems)
            return result
        checker = kind_class()
        seen: dict[tuple[Any, ...], int] = {}

        def good_rows() -> Iterator[ParsedRow]:
            for record in records:
                if not record.problem and record.blank:
                    continue
                result.rows += 1
                row, row_problems = _parse(checker, result.header, record)
                result.problems.extend(row_problems)
                if row is None:
                    continue
                key = checker.key(row.values)
                if key in seen:
                    column = checker.key_columns[-1] if len(key) > 1 else checker.key_columns[0]
                    shown = ", ".join(str(part) for part in key)
                    result.problems.append(Problem(row.line, column, f"{shown} is already on line {seen[key]}"))
                    continue
                seen[key] = row.line
                yield row

        for batch in _batches(good_rows()):
            checker.check_batch(batch)
        if result.rows == 0:
            result.problems.append(Problem(2, "", "there are no rows after the header: nothing to import"))
        if not result.problems and not checker.problems:
            # Checks across rows (overlapping periods, cells over capacity) need every row well-formed and
            # every reference found; until then they could report problems that fixing the others would remove.
            checker.finish_checks()
        result.problems.extend(checker.problems)
        # By line; within a line, in the order found (the kind's column order, then checks against the database).
        result.problems.sort(key=lambda p: p.line)
        result.sha256 = source.sha256
        result.kind = checker
        return result
    except FileProblem as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result


def write(path: Path, result: ImportResult) -> None:
    """Carry out a clean validation. Call inside the transaction that validated it."""
    if not result.ok or result.kind is None:
        raise ValueError("only a validation without problems can be written")
    kind = result.kind
    kind.begin_write()
    if kind.streams:
        source = CsvFile(path)
        records = source.records()
        next(records)  # the header

        def rows() -> Iterator[ParsedRow]:
            for record in records:
                if not record.problem and record.blank:
                    continue
                row, problems = _parse(kind, result.header, record)
                if row is None:
                    raise FileChanged(f"{problems[0]} (the file changed after it was checked)")
                yield row

        for batch in _batches(rows()):
            kind.write_batch(batch)
        if source.sha256 != result.sha256:
            raise FileChanged("the file changed while it was being imported")
    kind.finish_write()
