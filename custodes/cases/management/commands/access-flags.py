"""``custodes access-flags``: look through the audit chain for accesses outside people's work, and flag them to
the counter-corruption leads (custodes/cases/tracing/flags.py says what is flagged). Run it from cron, daily or
more often: the same account is not flagged twice for the same rule in one window."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from custodes.cases.tracing import flags


class Command(BaseCommand):
    help = "Flag accesses outside people's assignments to the counter-corruption leads."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--window-days", type=int, help="Days of the audit chain to look at (default: setting)")
        parser.add_argument("--threshold", type=int, help="Unexplained cases or reports allowed (default: setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raised = flags.run(window_days=options["window_days"], threshold=options["threshold"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"access flags raised: {len(raised)}")
        for event in raised:
            detail = event.detail if isinstance(event.detail, dict) else {}
            self.stdout.write(f"  #{event.seq} {detail.get('rule')} account {event.target_id}")
