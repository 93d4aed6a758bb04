"""``custodes create-administrator USERNAME --full-name NAME``: the first system administrator, or a new one when
none can sign in.

Only someone who can run commands on the server can do this, and it is audited as the system. The account gets
a one-time password, printed once; at first sign-in its holder chooses their own and sets up an authenticator.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from custodes import audit
from custodes.accounts import services
from custodes.core.roles import Role


class Command(BaseCommand):
    help = "Create a system administrator account with a one-time password (printed once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True, help="The person's full name")
        parser.add_argument("--email", default="", help="Their email address (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                created = services.create_account(
                    actor=audit.SYSTEM,
                    username=options["username"],
                    full_name=options["full_name"],
                    email=options["email"],
                )
                services.grant_role(actor=audit.SYSTEM, user=created.user, role=Role.SYSTEM_ADMINISTRATOR)
        except services.AccountRuleError as problem:
            raise CommandError(problem.message) from problem
        self.stdout.write(f"Created system administrator {created.user.username}.")
        self.stdout.write(f"One-time password (shown only now): {created.one_time_password}")
        self.stdout.write("At first sign-in they choose their own password and set up an authenticator app.")
