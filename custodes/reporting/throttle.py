"""A brake on guessing receipts that keeps no addresses: failed look-ups are counted per minute, service-wide.

With 10^16 possible receipts and at most CUSTODES_RECEIPT_GUESS_LIMIT failures a minute, guessing any one of even a
million live receipts would take longer than a lifetime. The cost is that during an attack, follow-up can be
refused for everyone for the rest of the minute: a reporter is told to try again shortly (decision 0007).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from custodes.reporting.models import ReceiptGuessWindow


class TooManyGuesses(Exception):
    """Too many wrong receipts in the last minute, service-wide."""


def _window(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def check_allowed(now: datetime | None = None) -> None:
    now = now or timezone.now()
    failures = (
        ReceiptGuessWindow.objects.filter(window_start=_window(now)).aggregate(total=Sum("failures"))["total"] or 0
    )
    if failures >= settings.CUSTODES_RECEIPT_GUESS_LIMIT:
        raise TooManyGuesses()


def note_failure(now: datetime | None = None) -> None:
    window = _window(now or timezone.now())
    with transaction.atomic():
        if ReceiptGuessWindow.objects.filter(window_start=window).update(failures=F("failures") + 1):
            return
        try:
            with transaction.atomic():
                ReceiptGuessWindow.objects.create(window_start=window, failures=1)
        except IntegrityError:
            ReceiptGuessWindow.objects.filter(window_start=window).update(failures=F("failures") + 1)
    # Old windows are of no further use; keep the table small.
    ReceiptGuessWindow.objects.filter(window_start__lt=window - timedelta(hours=1)).delete()
