"""Columns of the estate CSV files and the parsers of their values.

Each parser takes the stripped text of one cell and returns the value, or raises ValueError with a message
that finishes the sentence "line N: column: ..." and says what a good value looks like.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices

from custodes.estate import models

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^\d+$")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
# PostgreSQL's integer and smallint; the SQLite columns are given the same limits so both accept a file.
MAX_INTEGER = 2_147_483_647
MAX_SMALL_INTEGER = 32_767


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    description: str
    example: str
    required: bool = True  # must be in the header, with a value on every row; otherwise blank means "not given"


def normalise_header(name: str) -> str:
    """ "In-use CNA " and "in_use_cna" name the same column."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"is {len(value)} characters long; the most is {max_length}")
        if any(unicodedata.category(char) == "Cc" for char in value):
            raise ValueError("contains a control character (such as a tab or line break)")
        return value

    return parse


def pattern(regex: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return parse


nomis_code = pattern(models.NOMIS_CODE_PATTERN, "a NOMIS code: three capital letters, like WWI")
prison_number = pattern(
    models.PRISON_NUMBER_PATTERN, "a prison number: one capital letter, four digits, two capital letters, like A1234BC"
)
staff_number = pattern(models.STAFF_NUMBER_PATTERN, "a staff number: 4 to 12 capital letters or digits")
unit_code = pattern(
    models.UNIT_CODE_PATTERN, "a unit code: up to 12 letters, digits, dots, dashes or underscores, like A or HB1"
)
cell_label = pattern(
    models.CELL_LABEL_PATTERN, "a cell label: up to 20 letters, digits, dots, dashes or underscores, like A-1-01"
)


def integer(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not _INTEGER.match(value):
            raise ValueError(f"{value!r} is not a whole number (digits only, like 120)")
        number = int(value)
        if not minimum <= number <= maximum:
            raise ValueError(f"{number} is out of range: it must be from {minimum} to {maximum}")
        return number

    return parse


def boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes or no")


def iso_date(value: str) -> dt.date:
    if not _ISO_DATE.match(value):
        raise ValueError(f"{value!r} is not a date written as YYYY-MM-DD, like 2025-03-31")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real date") from None


def choice(choices: type[TextChoices]) -> Callable[[str], str]:
    """Either the stored value (cat_b_local) or the label (Category B local), in any case."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = str(value)
        lookup[str(label).lower()] = str(value)
    allowed = ", ".join(str(value) for value in choices.values)

    def parse(value: str) -> str:
        try:
            return lookup[value.lower()]
        except KeyError:
            raise ValueError(f"{value!r} is not one of: {allowed}") from None

    return parse
