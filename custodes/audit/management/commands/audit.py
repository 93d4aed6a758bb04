"""``custodes audit verify|head|actions``: check the chain, print its head for anchoring, list the actions."""

from __future__ import annotations

import json
import sys
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from custodes.audit import chain
from custodes.audit.registry import all_actions


def _anchor(value: str) -> tuple[int, str]:
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise ArgumentTypeError("an anchor is SEQ:HASH, as printed by `custodes audit head`")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Verify the audit chain, print its head, or list the registered audit actions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Walk the whole chain; exit 1 at the first event that does not fit.")
        verify.add_argument(
            "--anchor", type=_anchor, help="SEQ:HASH kept outside the system; the chain must still reach it"
        )
        verify.add_argument("--json", action="store_true", help="Print the result as JSON")
        verify.add_argument("--batch-size", type=int, default=5000)
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
        started = time.perf_counter()
        result = chain.verify(anchor=options["anchor"], batch_size=options["batch_size"])
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
            sys.stdout.flush()
            raise SystemExit(1)
