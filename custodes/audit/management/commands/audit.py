"""``custodes audit verify|head|actions``: check the chain, print its head for anchoring, list the actions."""

from __future__ import annotations

import json
import string
import sys
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from custodes.audit import chain, parallel
from custodes.audit.registry import all_actions


def _anchor(value: str) -> tuple[int, str]:
    seq, _, digest = value.strip().partition(":")
    digest = digest.lower()
    if not seq.isdigit() or int(seq) < 1 or len(digest) != 64 or not set(digest) <= set(string.hexdigits):
        raise ArgumentTypeError(
            "an anchor is SEQ:HASH as printed by `custodes audit head` (SEQ 1 or more, HASH 64 hexadecimal digits)"
        )
    return int(seq), digest


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ArgumentTypeError("must be a whole number, 1 or more")
    return int(value)


def _workers(value: str) -> int:
    return parallel.auto_workers() if value == "auto" else _positive(value)


class Command(BaseCommand):
    help = "Verify the audit chain, print its head, or list the registered audit actions."
    # Checking the chain must not wait on (or be blocked by) unrelated configuration checks: in an incident
    # this is the command people reach for. `custodes check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Walk the whole chain; exit 1 at the first event that does not fit.")
        verify.add_argument(
            "--anchor", type=_anchor, help="SEQ:HASH kept outside the system; the chain must still reach it"
        )
        verify.add_argument("--json", action="store_true", help="Print the result as JSON")
        verify.add_argument(
            "--batch-size", type=_positive, default=chain.VERIFY_BATCH_SIZE, help="Events read and hashed at a time"
        )
        verify.add_argument(
            "--workers",
            type=_workers,
            default="auto",
            help="Processes to verify a long chain with on PostgreSQL: a number, or auto (one per CPU, up to "
            f"{parallel.MAX_AUTO_WORKERS}; chains under {2 * parallel.MIN_EVENTS_PER_WORKER:,} events use one)",
        )
        head = sub.add_parser("head", help="Print the newest event's sequence and hash, to keep outside.")
        head.add_argument("--json", action="store_true")
        sub.add_parser("actions", help="List every audit action with its meaning.")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "verify":
            self._verify(options)
        elif subcommand == "head":
            seq, digest = chain.head()
            if options["json"]:
                self.stdout.write(json.dumps({"seq": seq, "hash": digest}))
            else:
                self.stdout.write(f"{seq}:{digest}")
        elif subcommand == "actions":
            for action in all_actions():
                self.stdout.write(f"{action.name}\t{action.description}")
        else:  # pragma: no cover - argparse rejects it first
            raise CommandError(f"unknown subcommand {subcommand}")

    def _verify(self, options: dict[str, Any]) -> None:
        workers = options["workers"]
        if isinstance(workers, str):  # call_command() passes the default through unparsed
            workers = _workers(workers)
        started = time.perf_counter()
        result = chain.verify(anchor=options["anchor"], batch_size=options["batch_size"], workers=workers)
        seconds = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "count": result.count,
                        "head_seq": result.head_seq,
                        "head_hash": result.head_hash,
                        "first_bad_seq": result.first_bad_seq,
                        "reason": result.reason,
                        "reference_checked": result.reference_checked,
                        "seconds": round(seconds, 3),
                    }
                )
            )
        elif result.ok:
            self.stdout.write(
                f"ok: {result.count} events verified in {seconds:.1f}s; head {result.head_seq}:{result.head_hash}"
            )
        else:
            self.stdout.write(
                f"TAMPERED: first bad event {result.first_bad_seq} ({result.reason}); "
                f"{result.count} events before it verified"
            )
        if not result.ok:
            self.stdout.flush()
            sys.stdout.flush()
            raise SystemExit(1)
