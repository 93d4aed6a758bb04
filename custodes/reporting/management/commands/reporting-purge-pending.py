"""``custodes reporting-purge-pending``: delete files chosen on the public journey but never sent.

Files held for a journey (custodes.reporting.public.pending) are sealed under a key only the reporter's browser
had, so once the journey has expired they can never be used. They are also purged a few at a time whenever
someone uploads; run this daily (from cron or the task worker) so that a quiet service purges too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from custodes.reporting.public import pending


class Command(BaseCommand):
    help = "Delete files held for public reports that were never sent (older than a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = pending.purge()
        self.stdout.write(f"Deleted {count} held file(s) that were never sent.")
