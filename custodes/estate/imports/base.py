"""What every kind of estate file has in common: its columns, its natural key, and the two phases.

Validation (``check_batch`` for each batch of well-formed rows, then ``finish_checks``) may read the database
but never writes. Writing (``write_batch`` / ``finish_write``) runs only when validation found no problem, in
the importer's transaction. Database work is done per batch of rows (a few queries per 500 rows), never per
row, so a file of a hundred thousand prisoners costs hundreds of queries, not hundreds of thousands.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Model

from custodes.estate.imports.fields import Column
from custodes.estate.imports.reading import Problem

BATCH_SIZE = 500
Row = dict[str, Any]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class ParsedRow:
    line: int
    values: Row
    # Filled in by the kind while checking: ids of referenced rows, the existing object, and so on.
    resolved: dict[str, Any] = field(default_factory=dict)
    bad: bool = False


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # existing open postings or placements ended by a later one in the file

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "closed": self.closed}


class Lookup(Generic[K, V]):
    """Finds referenced rows in batches and remembers them (misses too), so a file naming the same
    establishment on every row costs one query, not one per row."""

    def __init__(self, fetch: Callable[[list[K]], dict[K, V]]) -> None:
        self._fetch = fetch
        self._found: dict[K, V | None] = {}

    def load(self, keys: Iterable[K]) -> None:
        wanted = sorted({key for key in keys if key not in self._found}, key=repr)
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            found = self._fetch(chunk)
            for key in chunk:
                self._found[key] = found.get(key)

    def get(self, key: K) -> V | None:
        return self._found.get(key)


def apply_values(obj: Model, values: dict[str, Any]) -> set[str]:
    changed = set()
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


class Kind(ABC):
    """One kind of estate file. An instance lives for one import: validation leaves what writing needs."""

    name: ClassVar[str]
    description: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    key_columns: ClassVar[tuple[str, ...]]
    # True: writing reads the file again, a batch at a time. False: validation kept the (compact) plan that
    # writing carries out, because checking the rows needed all of them at once anyway.
    streams: ClassVar[bool] = True
    rules: ClassVar[tuple[str, ...]] = ()  # business rules, in plain English, for the documentation

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.counts = Counts()

    @classmethod
    def required_columns(cls) -> set[str]:
        return {column.name for column in cls.columns if column.required}

    @classmethod
    def column_names(cls) -> list[str]:
        return [column.name for column in cls.columns]

    @classmethod
    def accepts(cls, header: Iterable[str]) -> bool:
        names = set(header)
        return cls.required_columns() <= names <= set(cls.column_names())

    def key(self, row: Row) -> tuple[Any, ...]:
        return tuple(row[name] for name in self.key_columns)

    def problem(self, row: ParsedRow, column: str, message: str) -> None:
        row.bad = True
        self.problems.append(Problem(row.line, column, message))

    def check_row(self, row: Row) -> list[tuple[str, str]]:
        """Rules about one row on its own, as (column, message); run before any database check."""
        return []

    @abstractmethod
    def check_batch(self, rows: list[ParsedRow]) -> None:
        """Database checks for a batch of well-formed, non-duplicate rows; counts what would change."""

    def finish_checks(self) -> None:  # noqa: B027  (an optional step)
        """Checks that need every row (periods that overlap, cells over capacity)."""

    def begin_write(self) -> None:
        self.counts = Counts()

    def write_batch(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    def finish_write(self) -> None:  # noqa: B027  (an optional step)
        """Work after the last batch (for example, bringing current_* fields into step)."""
