"""``custodes import estate FILE.csv [--kind KIND] [--dry-run] [--actor USERNAME]``

Validates the whole file, reports every problem as "line N: column: reason", and imports all of it or
nothing. Exit status: 0 imported (or, with --dry-run, valid); 1 the file has problems, nothing was written;
2 the command was used wrongly (no such file or account, an account that may not import).
The file's columns, one schema per kind, are in docs/estate-import.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from custodes import audit
from custodes.accounts.models import User
from custodes.estate import services
from custodes.estate.imports import KINDS, FileChanged, ImportResult

COMMAND_LINE = audit.SystemActor(label="command line")


class Command(BaseCommand):
    help = "Import records from a CSV file. Subcommand: estate (see docs/estate-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        targets = parser.add_subparsers(dest="target", required=True, metavar="estate")
        estate = targets.add_parser(
            "estate",
            help="Import establishments, units, cells, staff, postings, prisoners or placements from a CSV file.",
            description="Validate the whole file, then import every row or none. Problems are printed as "
            "'line N: column: reason'.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        estate.add_argument("file", type=Path, help="a UTF-8 CSV file whose first line names the columns")
        estate.add_argument(
            "--kind", choices=list(KINDS), help="what the file holds; by default recognised from its header"
        )
        estate.add_argument(
            "--dry-run", action="store_true", help="check the file and say what would change; write nothing"
        )
        estate.add_argument(
            "--actor",
            metavar="USERNAME",
            help="the account the import is recorded against (it must be allowed to manage the estate); "
            "by default the audit trail records the command line",
        )

    def _actor(self, username: str | None) -> Any:
        if not username:
            return COMMAND_LINE
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account is called {username!r}.", returncode=2)
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.", returncode=2)
        actor = self._actor(options.get("actor"))
        try:
            result: ImportResult = services.import_file(
                actor=actor, path=path, kind=options.get("kind"), dry_run=options["dry_run"]
            )
        except PermissionDenied:
            raise CommandError(
                f"{options['actor']} may not import estate records (that needs the system administrator role).",
                returncode=2,
            ) from None
        except FileChanged as exc:
            raise CommandError(f"Nothing was imported: {exc}.", returncode=1) from exc
        except DatabaseError as exc:
            # Constraints are the last line of defence (for example, a concurrent change to the same records).
            raise CommandError(f"Nothing was imported: the database refused it ({exc}).", returncode=1) from exc
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            bad_lines = len({problem.line for problem in result.problems})
            raise CommandError(
                f"{len(result.problems)} problem{'s'[: len(result.problems) != 1]} on {bad_lines} "
                f"line{'s'[: bad_lines != 1]} of {path.name}: nothing was imported.",
                returncode=1,
            )
        counts = result.counts
        summary = f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
        if counts.closed:
            summary += f", {counts.closed} current {result.kind.name if result.kind else ''} ended"
        what = result.kind.name if result.kind else "rows"
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {result.rows} {what} rows are valid ({summary}). Nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} {what} rows: {summary}."))
