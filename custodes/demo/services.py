"""Seeding the fictional demo estate: one atomic, audited write, and safe to run twice.

``seed_demo`` builds the estate of custodes.demo.generator and one demo account per role in a single
transaction, records one ``estate.demo_seeded`` audit event and writes the DemoMarker that
``custodes demo-accounts`` insists on. Run again with the same seed it changes nothing and says so; with another
seed, or on a database that already holds anything real, it refuses before writing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes import audit
from custodes.accounts.models import ApiToken, RoleGrant, User, hash_token
from custodes.audit.actors import SystemActor
from custodes.cases.models import Case
from custodes.core import policy
from custodes.core.models import DemoMarker
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.demo import credentials, names
from custodes.demo.cases import seed_cases
from custodes.demo.generator import EstablishmentPlan, EstatePlan, build_estate
from custodes.demo.reports import seed_reports
from custodes.estate.models import (
    Cell,
    Establishment,
    Placement,
    Posting,
    Prisoner,
    StaffGrade,
    StaffMember,
    Unit,
)
from custodes.reporting.models import Report

SEED_MAX = 2**31 - 1  # DemoMarker.seed is a 32-bit integer on every database
_BATCH_SIZE = 1000
# Names the PostgreSQL advisory lock that makes concurrent seeders queue (SQLite's IMMEDIATE transactions
# already do): the second then sees the first's marker instead of failing half-way on a unique constraint.
_PG_SEED_LOCK = 0x437573746F64656D  # "Custodem"
DEVICE_NAME = "Authenticator app"  # as custodes.accounts.services names the device a person enrols
TOKEN_NAME = "Demo token"  # noqa: S105  (a label, not a secret)


class DemoSeedRefused(Exception):
    """Seeding would mix demo and real records, or replace one demo with another: nothing was written."""


@dataclass(frozen=True)
class SeedResult:
    seed: int
    created: bool  # False: the demo estate for this seed was already here and has been reused
    counts: dict[str, int] = field(default_factory=dict)


def demo_username(role: Role) -> str:
    return "demo-" + role.value.replace("_", "-")


def demo_usernames() -> dict[str, Role]:
    return {demo_username(role): role for role in Role}


def api_scopes_for(role: Role) -> list[str]:
    """Every API scope that some policy rule open to this role asks for: the most its token could ever use."""
    return sorted({rule.api_scope for rule in policy.rules() if role in rule.roles and rule.api_scope})


def _lock_against_concurrent_seeding() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_SEED_LOCK])


def estate_counts() -> dict[str, int]:
    return {
        "establishments": Establishment.objects.count(),
        "units": Unit.objects.count(),
        "cells": Cell.objects.count(),
        "cells_out_of_use": Cell.objects.filter(in_use=False).count(),
        "staff": StaffMember.objects.count(),
        "postings": Posting.objects.count(),
        "prisoners": Prisoner.objects.count(),
        "placements": Placement.objects.count(),
        "accounts": User.objects.filter(username__in=demo_usernames()).count(),
        "reports": Report.objects.count(),
        "cases": Case.objects.count(),
    }


def _refuse_unless_empty() -> None:
    existing = {
        "establishments": Establishment.objects.count(),
        "staff members": StaffMember.objects.count(),
        "prisoners": Prisoner.objects.count(),
        "accounts": User.objects.count(),
    }
    held = ", ".join(f"{count} {what}" for what, count in existing.items() if count)
    if held:
        raise DemoSeedRefused(
            f"This database already holds {held} and is not a demo database. seed-demo builds only on an empty "
            "database, so that fictional records and demo sign-ins never mix with real ones."
        )


def _save_estate(estate: EstatePlan) -> None:
    # In dependency order: each bulk_create sets the primary keys that the next rows' foreign keys point at.
    Establishment.objects.bulk_create([plan.establishment for plan in estate.establishments])
    Unit.objects.bulk_create(estate.units, batch_size=_BATCH_SIZE)
    Cell.objects.bulk_create(estate.cells, batch_size=_BATCH_SIZE)
    StaffMember.objects.bulk_create(estate.staff, batch_size=_BATCH_SIZE)
    Posting.objects.bulk_create(estate.postings, batch_size=_BATCH_SIZE)
    Prisoner.objects.bulk_create(estate.prisoners, batch_size=_BATCH_SIZE)
    Placement.objects.bulk_create(estate.placements, batch_size=_BATCH_SIZE)


def _linked_staff(role: Role, home: EstablishmentPlan, estate: EstatePlan) -> StaffMember | None:
    """The staff record behind the staff and governor demo accounts, at the same establishment."""
    if role is Role.GOVERNOR:
        return estate.governors[home.establishment.code]
    if role is Role.STAFF:
        at_home = [m for m in estate.staff if m.current_establishment is home.establishment]
        officers = [m for m in at_home if m.grade == StaffGrade.PRISON_OFFICER]
        return (officers or [m for m in at_home if m.grade != StaffGrade.GOVERNOR])[0]
    return None


def _create_demo_accounts(estate: EstatePlan, secret: bytes) -> dict[str, str]:
    """One account per role, each with a confirmed authenticator and an API token; returns username -> grant."""
    # Establishment roles are held at the most crowded prison, so the governor, triager and staff member meet
    # the demo's most pressing conditions; roles that may be national are national.
    home = estate.most_crowded()
    # A generator of its own, so that adding an account never shifts the estate drawn from the main one.
    rng = random.Random(f"demo-accounts-{estate.seed}")  # noqa: S311  (fictional names, not secrets)
    grants: dict[str, str] = {}
    for role in Role:
        username = demo_username(role)
        derived = credentials.derive(secret, username)
        staff_member = _linked_staff(role, home, estate)
        if staff_member is not None:
            first, last = staff_member.first_name, staff_member.last_name
        else:
            pool = names.FIRST_NAMES_WOMEN if rng.random() < 0.5 else names.FIRST_NAMES_MEN
            first, last = rng.choice(pool), rng.choice(names.LAST_NAMES)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            full_name=f"{first} {last}",
            staff_member=staff_member,
        )
        user.set_password(derived.password)  # stored only as the configured (Argon2) hash
        user.save()
        establishment = None if ROLE_DEFINITIONS[role].national else home.establishment
        RoleGrant.objects.create(user=user, role=role.value, establishment=establishment)
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, key=derived.totp_key_hex)
        ApiToken.objects.create(
            user=user,
            name=TOKEN_NAME,
            prefix=derived.api_token[:12],
            token_hash=hash_token(derived.api_token),
            scopes=api_scopes_for(role),
        )
        grants[username] = f"{role.value}@{establishment.code if establishment else 'national'}"
    return grants


@transaction.atomic
def seed_demo(*, actor: Any, seed: int, scale: float = 1.0, today: dt.date | None = None) -> SeedResult:
    """Build the demo estate for ``seed`` (or reuse it when already built from the same seed).

    ``scale`` shrinks the people and cells for tests; 1.0 gives about 2,000 prisoners and 600 staff.
    Raises DemoSeedRefused, having written nothing, when the database holds another demo or real records.
    """
    if not isinstance(actor, SystemActor):
        # No account, whatever its roles, may build demo sign-ins: only an operator at the command line.
        raise PermissionDenied("the demo estate is seeded from the command line only")
    if not 0 <= seed <= SEED_MAX:
        raise ValueError(f"seed must be between 0 and {SEED_MAX}")
    _lock_against_concurrent_seeding()
    marker = DemoMarker.objects.filter(pk=1).first()
    if marker is not None:
        if marker.seed == seed:
            return SeedResult(seed=seed, created=False, counts=estate_counts())
        raise DemoSeedRefused(
            f"This database already holds the demo estate built from seed {marker.seed}, not {seed}. "
            f"Use --seed {marker.seed}, or start from an empty database to build another."
        )
    if settings.PRODUCTION:
        raise DemoSeedRefused(
            "seed-demo refuses to run with CUSTODES_ENV=production: demo accounts have sign-ins anyone with the "
            "demo secret can print."
        )
    _refuse_unless_empty()

    secret = credentials.read_or_create_secret()
    estate = build_estate(seed, scale=scale, today=today or timezone.localdate())
    _save_estate(estate)
    grants = _create_demo_accounts(estate, secret)
    rng = random.Random(f"demo-reports-{seed}")  # noqa: S311  (fictional stories, not secrets)
    seed_reports(rng=rng, secret=secret, count=max(3, round(30 * scale)))
    seed_cases(rng=random.Random(f"demo-cases-{seed}"), scale=scale)  # noqa: S311  (fictional, not secrets)
    marker = DemoMarker.objects.create(seed=seed)
    counts = estate_counts()
    audit.record(
        "estate.demo_seeded",
        actor=actor,
        target=marker,
        # Counts and grants only: the audit detail never holds credentials.
        detail={"seed": seed, "scale": str(scale), "counts": counts, "accounts": grants},
    )
    return SeedResult(seed=seed, created=True, counts=counts)
