"""``custodes keys rotate``: re-wrap every data key under the current master key (custodes.reporting.services.rotation).

To rotate: put the new master key first in CUSTODES_DATA_KEYS, keep the old one after it, restart the service,
run `custodes keys rotate` until it reports nothing left (``custodes keys status`` says the same without writing),
then remove the old key. See docs/reporting.md.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from custodes import audit
from custodes.core import crypto
from custodes.reporting.services import rotation


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ArgumentTypeError("must be a whole number, 1 or more")
    return int(value)


class Command(BaseCommand):
    help = "Rotate master keys: re-wrap data keys under the current master key, or say how many are left."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rotate = sub.add_parser(
            "rotate", help="Re-wrap every data key not under the current master key (safe while the service runs)."
        )
        rotate.add_argument(
            "--batch-size",
            type=_positive,
            default=rotation.DEFAULT_BATCH_SIZE,
            help="Rows re-wrapped per transaction",
        )
        rotate.add_argument("--json", action="store_true", help="Print the counts as JSON")
        status = sub.add_parser("status", help="Count the data keys still under an older master key; write nothing.")
        status.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keys = crypto.master_keys()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(f"CUSTODES_DATA_KEYS: {exc}") from exc
        if options["subcommand"] == "status":
            left = rotation.pending(keys)
            if options["json"]:
                self.stdout.write(json.dumps({"current_key": keys.current_id, **left}))
            else:
                self.stdout.write(
                    f"Current master key: {keys.current_id}. Still under an older key: "
                    f"{left['reports']} report data keys, {left['identities']} identity data keys."
                )
            return
        result = rotation.rotate_data_keys(actor=audit.SYSTEM, batch_size=options["batch_size"])
        summary = result.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Re-wrapped under {result.current_key}: {result.reports.rewrapped} report data keys, "
                f"{result.identities.rewrapped} identity data keys."
            )
            if result.complete:
                self.stdout.write("Nothing is left under an older master key: the older keys may now be removed.")
        if result.reports.failed or result.identities.failed:
            raise CommandError(
                f"Could not unwrap {len(result.reports.failed)} report and {len(result.identities.failed)} identity "
                "data keys: their master key is not configured, or they were altered. Report ids: "
                f"{result.reports.failed[:20]}; identity ids: {result.identities.failed[:20]}."
            )
        if not result.complete:
            raise CommandError(
                f"{result.reports.remaining} report and {result.identities.remaining} identity data keys are still "
                "under an older key (written during the run): run the command again."
            )
