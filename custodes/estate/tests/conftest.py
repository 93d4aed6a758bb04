"""Fixtures for the estate tests. Data is built through the estate's own services (as an operator at the
command line would), so the tests exercise the same code that keeps current_* in step with history."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from custodes import audit
from custodes.accounts.models import ApiToken, User, hash_token
from custodes.estate import services
from custodes.estate.models import Cell, Establishment, EstablishmentCategory, Prisoner, StaffGrade, StaffMember, Unit

SYSTEM = audit.SYSTEM
DAY = dt.date(2025, 1, 6)


@dataclass(frozen=True)
class Prison:
    establishment: Establishment
    unit: Unit
    cell: Cell
    prisoner: Prisoner
    staff_member: StaffMember


def build_prison(code: str, *, n: int = 0, cna: int = 400, capacity: int = 600) -> Prison:
    """One establishment with a wing, a cell, a prisoner held in it and a staff member posted there."""
    establishment = services.save_establishment(
        actor=SYSTEM,
        code=code,
        name=f"HMP Testmoor {code}",
        category=EstablishmentCategory.CATEGORY_B_LOCAL,
        region="Fictional North" if n % 2 == 0 else "Fictional South",
        in_use_cna=cna,
        operational_capacity=capacity,
    )
    unit = services.save_unit(actor=SYSTEM, establishment=establishment, code="A", name="A wing")
    cell = services.save_cell(actor=SYSTEM, unit=unit, label="A-1-01", certified_capacity=1, operational_capacity=2)
    prisoner = services.save_prisoner(
        actor=SYSTEM, prison_number=f"Z{1000 + n:04d}AB", first_name="Corin", last_name=f"Dunmere{code}"
    )
    services.move_prisoner(actor=SYSTEM, prisoner=prisoner, cell=cell, start_date=DAY)
    staff_member = services.save_staff_member(
        actor=SYSTEM,
        staff_number=f"TS{code}{n:03d}",
        first_name="Alder",
        last_name=f"Brackwater{code}",
        grade=StaffGrade.PRISON_OFFICER,
    )
    services.post_staff_member(actor=SYSTEM, staff_member=staff_member, establishment=establishment, start_date=DAY)
    prisoner.refresh_from_db()
    staff_member.refresh_from_db()
    return Prison(establishment, unit, cell, prisoner, staff_member)


@pytest.fixture
def prison_a(db: None) -> Prison:
    return build_prison("QAA", n=1)


@pytest.fixture
def prison_b(db: None) -> Prison:
    return build_prison("QBB", n=2)


def make_token(user: User, *, scopes: tuple[str, ...] = ("estate:read",), revoked: bool = False) -> str:
    """An API token for the user, made directly (the token administration pages are tested elsewhere)."""
    secret = "cst_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name="estate tests",
        prefix=secret[:10],
        token_hash=hash_token(secret),
        scopes=list(scopes),
        revoked_at=timezone.now() if revoked else None,
    )
    return secret


def write_csv(path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
