"""Human-friendly references (R-2026-000123): a prefix, the year, and a number that restarts each year."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from custodes.core.models import ReferenceCounter

REFERENCE_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{1,4})-(?P<year>\d{4})-(?P<number>\d{6,})$")


def next_reference(prefix: str, *, at: datetime | None = None) -> str:
    """Issue the next reference for ``prefix``; call inside the transaction that stores the referenced object."""
    if not re.fullmatch(r"[A-Z]{1,4}", prefix):
        raise ValueError("a reference prefix is 1 to 4 capital letters")
    year = timezone.localtime(at or timezone.now()).year
    with transaction.atomic():
        updated = ReferenceCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(prefix=prefix, year=year, last=1)
            except IntegrityError:  # another writer created the year's counter first
                ReferenceCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        number = ReferenceCounter.objects.get(prefix=prefix, year=year).last
    return f"{prefix}-{year}-{number:06d}"


def is_reference(value: str, prefix: str | None = None) -> bool:
    match = REFERENCE_PATTERN.match(value.strip().upper())
    if match is None:
        return False
    return prefix is None or match.group("prefix") == prefix


class ReferenceConverter:
    """A URL converter for a reference as people quote it (R-2026-000123, c-2026-000045), upper-cased: only that
    shape matches, so fixed addresses beside it (/reports/new) can never be taken for one. Each URL module
    registers it under its own name."""

    regex = r"[A-Za-z]{1,4}-[0-9]{4}-[0-9]{6,12}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value
