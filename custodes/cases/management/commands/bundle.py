"""``custodes bundle``: check an evidence bundle, export one, or show the signing key.

    custodes bundle verify FILE.zip [--expect-fingerprint SHA256:...] [--check-audit-hashes]
    custodes bundle export C-2026-000045 --actor USERNAME --recipient "..." --reason "..." -o FILE.zip
    custodes bundle key

``verify`` exits 0 when the bundle is intact and 1, naming each problem, when it is not. It never touches the
database (a recipient has none) and needs no network; ``--check-audit-hashes`` additionally recomputes the audit
events' keyed hashes, which only works where the service's audit key is configured.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404


class Command(BaseCommand):
    help = "Verify an evidence bundle offline, export one for a case, or show the bundle signing key."
    # No system checks: `verify` runs where there is no database, and must not need one.
    requires_system_checks: Any = []

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify = commands.add_parser("verify", help="check a bundle (exit 0 when intact, 1 naming what fails)")
        verify.add_argument("file", help="the bundle's ZIP file")
        verify.add_argument(
            "--expect-fingerprint", help="the signing key's fingerprint, as obtained from the sender by another route"
        )
        verify.add_argument(
            "--check-audit-hashes",
            action="store_true",
            help="also recompute the audit events' keyed hashes (needs this service's CUSTODES_AUDIT_KEY)",
        )
        export = commands.add_parser("export", help="export a case's evidence bundle (recorded as a disclosure)")
        export.add_argument("reference", help="the case reference, e.g. C-2026-000045")
        export.add_argument("--actor", required=True, help="the username the export is made as (policy applies)")
        export.add_argument("--recipient", required=True, help="who the bundle is for")
        export.add_argument("--reason", required=True, help="why it is being shared")
        export.add_argument("-o", "--output", required=True, help="the ZIP file to write (must not exist)")
        commands.add_parser("key", help="print the signing key's fingerprint and public key")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {"verify": self._verify, "export": self._export, "key": self._key}[options["subcommand"]]
        handler(options)

    def _verify(self, options: dict[str, Any]) -> None:
        from custodes.cases.bundle.verify import verify_bundle

        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(f"FAILED: cannot read {path}")
            sys.exit(1)
        audit_hash = None
        if options["check_audit_hashes"]:
            from custodes.cases.bundle.extract import keyed_hash

            audit_hash = keyed_hash
        verdict = verify_bundle(path, expect_fingerprint=options.get("expect_fingerprint"), audit_hash=audit_hash)
        if not verdict.ok:
            for problem in verdict.problems:
                self.stderr.write(f"FAILED: {problem}")
            self.stderr.write(f"{path}: the bundle does not verify ({len(verdict.problems)} problems)")
            sys.exit(1)
        for fact in verdict.facts:
            self.stdout.write(f"ok: {fact}")
        if not options.get("expect_fingerprint"):
            self.stdout.write("Compare the key's fingerprint with the one the sender gave you by another route.")
        self.stdout.write(f"{path}: the bundle verifies")

    def _export(self, options: dict[str, Any]) -> None:
        from custodes.accounts.models import User
        from custodes.cases.bundle.export import export_bundle
        from custodes.cases.evidence.selectors import EXPORT, case_for

        output = Path(options["output"])
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active account {options['actor']!r}.")
        try:
            # The output is claimed before the export (which records the disclosure), so no disclosure is recorded
            # for a file that could not even be created. A failure while copying, after that, removes the partial
            # file but leaves the disclosure recorded (the bundle was made); exporting again records another.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"Cannot create {output}: {exc.strerror}. Nothing was exported.") from None
        try:
            with os.fdopen(descriptor, "wb") as handle:
                case = case_for(actor, options["reference"], EXPORT)
                bundle = export_bundle(actor=actor, case=case, recipient=options["recipient"], reason=options["reason"])
                with bundle.file:
                    shutil.copyfileobj(bundle.file, handle)
        except BaseException as failure:
            output.unlink(missing_ok=True)
            raise _command_error(failure, actor.username, options["reference"]) from None
        self.stdout.write(f"Wrote {output} ({bundle.size:,} bytes)")
        self.stdout.write(f"SHA-256 {bundle.sha256}, recorded as disclosure {bundle.disclosure.pk}")
        self.stdout.write(f"Signing key {bundle.fingerprint}")

    def _key(self, options: dict[str, Any]) -> None:
        from custodes.cases.bundle.layout import readable_fingerprint
        from custodes.cases.bundle.signing import SigningKeyMissing, signing_key

        try:
            key = signing_key()
        except SigningKeyMissing as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(key.fingerprint)
        self.stdout.write(readable_fingerprint(key.fingerprint))
        self.stdout.write(key.public_pem.decode().rstrip())


def _command_error(failure: BaseException, username: str, reference: str) -> BaseException:
    from custodes.cases.bundle.export import BundleRefused
    from custodes.cases.services.evidence import EvidenceIntegrityError

    if isinstance(failure, PermissionDenied):
        return CommandError(f"{username} may not export evidence bundles.")
    if isinstance(failure, Http404):
        return CommandError(f"{username} may not see a case {reference!r}, or there is none.")
    if isinstance(failure, ValidationError):
        return CommandError("; ".join(failure.messages))
    if isinstance(failure, BundleRefused | EvidenceIntegrityError):
        return CommandError(failure.message)
    return failure
