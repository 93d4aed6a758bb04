"""``custodes notify-due``: remind assignees of tasks due soon or overdue, and send any email still unsent.

Run it from cron (for example every morning, and hourly if you like: each reminder is sent once). Exit 0 with a
one-line summary.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from custodes.notifications import email, reminders


class Command(BaseCommand):
    help = "Remind assignees of tasks due today, tomorrow or overdue, and send unsent notification emails."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD), for a missed day")

    def handle(self, *args: Any, **options: Any) -> None:
        today: dt.date | None = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date, YYYY-MM-DD") from None
        reminded = reminders.remind_due_tasks(today=today)
        sent = email.deliver()
        self.stdout.write(f"reminders: {reminded.due} due, {reminded.overdue} overdue; emails sent: {sent}")
