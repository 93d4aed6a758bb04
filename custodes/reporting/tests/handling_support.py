"""Fixtures and helpers for the signed-in reporting tests (handler pages, API, permissions, subjects, rotation,
encryption at rest). Reports are made through custodes.reporting.services.submit_report, as every channel makes
them, so the tests exercise the real intake: encryption, sealing, receipts, files and audit.

Import the fixtures a test module needs by name (``from .handling_support import world, file_store``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image, PngImagePlugin

from custodes import audit
from custodes.accounts.models import ApiToken, User, hash_token
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.estate.models import Establishment, StaffMember
from custodes.reporting import services
from custodes.reporting.intake import Contact, Submission, UploadedContent
from custodes.reporting.models import Anonymity, Channel, Report, ReporterRole
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona, signed_in_client

# Seeded by the taxonomy migration: conditions go to the establishment, staff corruption to the national team.
ESTABLISHMENT_CATEGORY = "overcrowding"
NATIONAL_CATEGORY = "bribery-favours"
HOST = "127.0.0.1"


def png_with_comment(comment: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A small PNG whose text chunk carries ``comment`` in the clear (metadata the clean copy must not keep)."""
    image = Image.new("RGB", size, (200, 30, 30))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", comment)
    info.add_text("Author", comment)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture
def file_store(settings: Any, tmp_path: Path) -> Path:
    """The file store (Django's default storage) in a fresh folder of its own, so tests can read every file."""
    root = tmp_path / "file-store"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@dataclass
class World:
    """Two prisons, A and B, and a staff member at A who has an account (and so can be a report's subject)."""

    a: Establishment
    b: Establishment
    subject_member: StaffMember
    made: list[Report] = field(default_factory=list)

    def submission(
        self,
        *,
        where: str = "A",
        routed: str = "establishment",
        narrative: str = "The heating on B wing has been off for a week.",
        **overrides: Any,
    ) -> Submission:
        establishment = self.a if where == "A" else self.b
        category = ESTABLISHMENT_CATEGORY if routed == "establishment" else NATIONAL_CATEGORY
        base = Submission(
            category=category,
            establishment=establishment.code,
            narrative=narrative,
            involved="An officer on the night shift",
            place="B wing landing 2",
            reporter_role=ReporterRole.PRISONER,
            channel=Channel.WEB,
        )
        return replace(base, **overrides)

    def report(self, *, actor: Any = None, filer: Any = None, recorded_by: Any = None, **kwargs: Any) -> Report:
        submitted = self.submit(actor=actor, filer=filer, recorded_by=recorded_by, **kwargs)
        return submitted.report

    def submit(
        self, *, actor: Any = None, filer: Any = None, recorded_by: Any = None, **kwargs: Any
    ) -> services.SubmittedReport:
        acting = actor or filer or recorded_by or audit.AnonymousActor()
        submitted = services.submit_report(
            actor=acting, submission=self.submission(**kwargs), filer=filer, recorded_by=recorded_by
        )
        self.made.append(submitted.report)
        return submitted

    def about_subject(self, **kwargs: Any) -> Report:
        """A report naming the subject staff member by staff number."""
        return self.report(staff_numbers=(self.subject_member.staff_number,), **kwargs)

    def with_file(self, **kwargs: Any) -> Report:
        upload = UploadedContent(name="wing-photo.png", content=png_with_comment("taken by a fictional officer"))
        return self.report(files=(upload,), **kwargs)

    def confidential(self, **kwargs: Any) -> Report:
        contact = Contact(name="Elowen Fallowfield", phone="07700 900123", preferred="phone")
        return self.report(anonymity=Anonymity.CONFIDENTIAL, contact=contact, **kwargs)


@pytest.fixture
def world(db: None, file_store: Path) -> World:
    a = EstablishmentFactory(code="QAA", name="HMP Testmoor A")
    b = EstablishmentFactory(code="QBB", name="HMP Testmoor B")
    member = StaffMemberFactory(staff_number="TSUBJ001", current_establishment=a)
    return World(a=a, b=b, subject_member=member)


def scopes(role: Role) -> list[str]:
    definition = ROLE_DEFINITIONS[role]
    return (["national"] if definition.national else []) + (["A"] if definition.establishment else [])


def holder(role: Role, scope: str, world: World, **user_fields: Any) -> User:
    return persona(role, world.a if scope == "A" else None, **user_fields)


def make_token(user: User, *scopes_: str) -> str:
    secret = "cst_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name="reporting tests",
        prefix=secret[:10],
        token_hash=hash_token(secret),
        scopes=list(scopes_ or ("reports:read", "reports:write", "reports:file")),
    )
    return secret


def bearer(user: User, *scopes_: str) -> Client:
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {make_token(user, *scopes_)}")


def anonymous_client() -> Client:
    return Client(HTTP_HOST=HOST)


def browser(user: User) -> Client:
    return signed_in_client(user)


_VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(rb'nonce="[^"]+"'),
    re.compile(rb"/reports/[A-Z]{1,4}-\d{4}-\d{6,}[^\s\"<]*"),  # the address asked for, where a page echoes it
]


def normalised(content: bytes) -> bytes:
    """A page's body without what differs on every response (CSRF token, CSP nonce) or echoes the request."""
    for pattern in _VOLATILE:
        content = pattern.sub(b"", content)
    return content


def same_as_missing(client: Client, path: str, missing_path: str, method: str = "get", **kwargs: Any) -> None:
    """``path`` (a hidden report's) answers exactly as ``missing_path`` (one that does not exist) does: 404, or
    403 where the account's roles may never take that action at all."""
    hidden = getattr(client, method)(path, **kwargs)
    missing = getattr(client, method)(missing_path, **kwargs)
    assert hidden.status_code == missing.status_code, (path, hidden.status_code, missing.status_code)
    assert hidden.status_code in (403, 404), (path, hidden.status_code)
    assert normalised(hidden.content) == normalised(missing.content), path
    ignored = {"X-Request-ID", "Content-Security-Policy", "Content-Length"}
    hidden_headers = {k: v for k, v in hidden.headers.items() if k not in ignored}
    missing_headers = {k: v for k, v in missing.headers.items() if k not in ignored}
    assert hidden_headers == missing_headers, path


def references_in(content: bytes | str, reports: Iterable[Report]) -> set[str]:
    text = content.decode() if isinstance(content, bytes) else content
    return {report.reference for report in reports if report.reference in text}


def set_received(report: Report, received_at: Any, **extra: Any) -> Report:
    """Move a report's receipt (and its deadlines with it) to ``received_at``: a fixed clock for deadline tests."""
    from custodes.reporting.services.intake import add_months

    Report.objects.filter(pk=report.pk).update(
        received_at=received_at,
        acknowledgement_due=received_at + dt.timedelta(days=7),
        feedback_due=add_months(received_at, 3),
        **extra,
    )
    report.refresh_from_db()
    return report
