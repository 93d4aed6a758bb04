"""``custodes demo-accounts [--json]``: each demo account's sign-in, on a demo database only.

Named with a hyphen for the same reason as seed-demo.py. Prints secrets (passwords, a current TOTP code, API
tokens) by design, so it refuses unless the database carries the DemoMarker that only seed-demo writes.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from custodes.demo import credentials, selectors
from custodes.demo.management.database import require_migrated
from custodes.demo.reports import demo_receipts
from custodes.reporting.receipts import display


class Command(BaseCommand):
    help = "Print each demo account's username, password, roles, current TOTP code and API token (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON list, for scripts and tests.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            selectors.demo_marker()  # first, so that a database without its tables is "not a demo database"
            require_migrated()
            marker, accounts = selectors.demo_accounts()
        except selectors.NotADemoDatabase as exc:
            raise CommandError(str(exc)) from exc
        if not accounts:
            raise CommandError("This demo database has no demo accounts left.")
        for account in accounts:
            for problem in account.problems:
                self.stderr.write(f"{account.username}: {problem}")
        if options["json"]:
            self.stdout.write(json.dumps([self._as_json(account) for account in accounts], indent=2))
        else:
            self._print_listing(marker.seed, accounts)

    @staticmethod
    def _as_json(account: selectors.DemoAccount) -> dict[str, Any]:
        return {
            "username": account.username,
            "password": account.password,
            "roles": [{"role": grant.role, "scope": grant.scope} for grant in account.roles],
            "staff_number": account.staff_number,
            "totp_code": account.totp_code,
            "api_token": account.api_token,
        }

    def _print_listing(self, seed: int, accounts: list[selectors.DemoAccount]) -> None:
        port = os.environ.get("PORT", "8000")
        write = self.stdout.write
        write(f"Demo accounts (fictional estate, seed {seed})")
        write(
            f"Sign in at http://127.0.0.1:{port}/sign-in with a username and password, then the code. Codes change "
            "every 30 seconds: run `.venv/bin/custodes demo-accounts` again for fresh ones."
        )
        for account in accounts:
            write("")
            write(f"{account.username}  ({account.full_name})")
            rows: list[tuple[str, str]] = [
                ("password", account.password or "(cannot be shown: see the message above)"),
                ("roles", "; ".join(grant.describe() for grant in account.roles) or "(none)"),
            ]
            if account.staff_number:
                rows.append(("staff number", account.staff_number))
            if account.totp_code is not None:
                rows.append(("code now", f"{account.totp_code}  (for {account.totp_seconds_left} more seconds)"))
            else:
                rows.append(("code now", "(no authenticator)"))
            rows.append(("API token", account.api_token or "(cannot be shown: see the message above)"))
            for label, value in rows:
                write(f"  {label:<13}{value}")
        self._print_receipts(port)

    def _print_receipts(self, port: str) -> None:
        try:
            secret = credentials.read_secret()
        except credentials.DemoSecretMissing:
            return
        samples = demo_receipts(secret)
        if not samples:
            return
        write = self.stdout.write
        write("")
        write(f"Demo reports: follow one up at http://127.0.0.1:{port}/report/follow-up with its receipt")
        for sample in samples:
            write(f"  {sample.reference}  receipt {display(sample.receipt)}")
