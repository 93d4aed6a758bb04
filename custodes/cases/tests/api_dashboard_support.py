"""Helpers for the cases API, dashboard and randomized need-to-know tests: reports made through the real intake,
cases through the lifecycle services, and clients signed in or holding a token.

Outcomes, tasks and duty statuses are written through custodes.cases.services.work when it exists; until then
the few tests that need an outcome write the row directly (``add_outcome``), as no other path exists yet.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.test import Client
from django.utils import timezone

from custodes import audit
from custodes.accounts.models import ApiToken, User, hash_token
from custodes.cases.models import Case, CaseSubject, CaseType, Outcome
from custodes.cases.services import lifecycle
from custodes.estate.models import Establishment, Prisoner, StaffMember
from custodes.reporting import services as reporting
from custodes.reporting.intake import Submission
from custodes.reporting.models import Category, Report
from custodes.testing.personas import signed_in_client

HOST = "127.0.0.1"
NATIONAL_CATEGORY = "inappropriate-relationship"  # staff corruption: routed to the national team
ESTABLISHMENT_CATEGORY = "overcrowding"  # conditions: routed to the establishment


def make_report(
    establishment: Establishment,
    *,
    category: str = NATIONAL_CATEGORY,
    staff: Sequence[StaffMember] = (),
    prisoners: Sequence[Prisoner] = (),
    narrative: str = "A fictional account written for a test.",
) -> Report:
    submitted = reporting.submit_report(
        actor=audit.AnonymousActor(),
        submission=Submission(
            category=category,
            establishment=establishment.code,
            narrative=narrative,
            staff_numbers=tuple(member.staff_number for member in staff),
            prison_numbers=tuple(prisoner.prison_number for prisoner in prisoners),
        ),
    )
    return submitted.report


def open_case(
    lead: User,
    establishment: Establishment,
    *,
    title: str = "Items conveyed on nights",
    category: str | None = NATIONAL_CATEGORY,
    case_type: str = CaseType.STAFF_MISCONDUCT,
    restricted: bool = False,
    reports: Sequence[Report] = (),
    staff: Sequence[StaffMember] = (),
    prisoners: Sequence[Prisoner] = (),
    summary: str = "A fictional summary written for a test.",
) -> Case:
    return lifecycle.open_case(
        actor=lead,
        case_type=case_type,
        title=title,
        establishment=establishment,
        summary=summary,
        category=Category.objects.get(code=category) if category else None,
        restricted=restricted,
        reports=reports,
        staff_subjects=staff,
        prisoner_subjects=prisoners,
    )


def add_outcome(case: Case, *, kind: str, effective_on: dt.date, by: User) -> Outcome:
    """An outcome for the case's first subject (the outcome services arrive with custodes.cases.services.work)."""
    subject = case.subjects.order_by("pk").first()
    if subject is None:
        raise ValueError("the case needs a subject before an outcome")
    return Outcome.objects.create(
        case=case, subject=subject, kind=kind, recorded_by=by, recorded_at=timezone.now(), effective_on=effective_on
    )


def subject_of(case: Case) -> CaseSubject:
    subject: CaseSubject = case.subjects.order_by("pk").first()  # type: ignore[assignment]
    return subject


def make_token(user: User, *scopes: str) -> str:
    secret = "cst_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=f"tests {secrets.token_hex(4)}",
        prefix=secret[:10],
        token_hash=hash_token(secret),
        scopes=list(scopes),
    )
    return secret


def bearer(user: User, *scopes: str) -> Client:
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {make_token(user, *scopes)}")


def browser(user: User) -> Client:
    return signed_in_client(user)


def link_staff(user: User, member: StaffMember) -> User:
    """Give an account its staff record (so need-to-know knows who they are)."""
    user.staff_member = member
    user.save(update_fields=["staff_member"])
    return user


def as_json(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()
