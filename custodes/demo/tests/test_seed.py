"""``seed_demo`` and ``custodes seed-demo``: what lands in the database, once, audited, and only where it may."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q, Sum

from custodes import audit
from custodes.accounts.models import User
from custodes.audit import chain
from custodes.audit.models import AuditEvent
from custodes.core.models import DemoMarker
from custodes.core.roles import Role
from custodes.demo import credentials, services
from custodes.demo.generator import build_estate
from custodes.demo.tests.conftest import TEST_SCALE, TODAY
from custodes.estate.current import sync_current_placements, sync_current_postings
from custodes.estate.models import (
    NOMIS_CODE_PATTERN,
    PRISON_NUMBER_PATTERN,
    STAFF_NUMBER_PATTERN,
    Cell,
    Establishment,
    Placement,
    Posting,
    Prisoner,
    StaffMember,
    Unit,
)
from custodes.testing.factories import EstablishmentFactory, UserFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


def database_snapshot() -> dict[str, Any]:
    return {
        "establishments": list(
            Establishment.objects.order_by("code").values_list("code", "name", "in_use_cna", "operational_capacity")
        ),
        "prison_numbers": sorted(Prisoner.objects.values_list("prison_number", flat=True)),
        "staff_numbers": sorted(StaffMember.objects.values_list("staff_number", flat=True)),
        "counts": services.estate_counts(),
    }


def run_seed_command(*args: str) -> str:
    out = io.StringIO()
    call_command("seed-demo", *args, stdout=out)
    return out.getvalue()


def test_the_database_holds_exactly_the_estate_the_seed_describes(seeded: services.SeedResult):
    plan = build_estate(7, scale=TEST_SCALE, today=TODAY)
    assert seeded.created
    snapshot = database_snapshot()
    assert snapshot["establishments"] == sorted(
        (p.establishment.code, p.establishment.name, p.establishment.in_use_cna, p.establishment.operational_capacity)
        for p in plan.establishments
    )
    assert snapshot["prison_numbers"] == sorted(p.prison_number for p in plan.prisoners)
    assert snapshot["staff_numbers"] == sorted(m.staff_number for m in plan.staff)
    assert snapshot["counts"] == {
        "establishments": len(plan.establishments),
        "units": len(plan.units),
        "cells": len(plan.cells),
        "cells_out_of_use": sum(not c.in_use for c in plan.cells),
        "staff": len(plan.staff),
        "postings": len(plan.postings),
        "prisoners": len(plan.prisoners),
        "placements": len(plan.placements),
        "accounts": 9,
        "reports": 3,  # the smallest demo inbox, at test scale
        "cases": 14,  # the ten featured cases and the smallest history (custodes.demo.cases)
    }
    assert seeded.counts == snapshot["counts"]


def test_capacity_figures_agree_with_the_cells_and_the_roll(seeded: services.SeedResult):
    over_150 = 0
    for establishment in Establishment.objects.all():
        in_use = Cell.objects.filter(establishment=establishment, in_use=True).aggregate(
            cna=Sum("certified_capacity"), op=Sum("operational_capacity")
        )
        assert establishment.in_use_cna == in_use["cna"]
        assert establishment.operational_capacity == in_use["op"]
        population = Prisoner.objects.filter(current_establishment=establishment).count()
        assert 0 < population <= establishment.operational_capacity
        over_150 += population / establishment.in_use_cna > 1.5
    assert over_150 >= 2
    # Nobody in a cell that is out of use, or in a cell beyond its operational capacity.
    assert not Prisoner.objects.filter(current_cell__in_use=False).exists()
    crowded_cells = Cell.objects.annotate(held=Count("current_occupants")).filter(held__gt=0)
    assert crowded_cells.exists()
    for cell in crowded_cells:
        assert cell.held <= cell.operational_capacity


def test_current_fields_match_the_open_placement_and_posting(seeded: services.SeedResult):
    open_placements = {p.prisoner_id: p for p in Placement.objects.filter(end_date__isnull=True)}
    prisoners = list(Prisoner.objects.all())
    assert len(open_placements) == len(prisoners)
    for prisoner in prisoners:
        placement = open_placements[prisoner.pk]
        assert prisoner.current_establishment_id == placement.establishment_id
        assert prisoner.current_cell_id == placement.cell_id is not None
    # Every placement's cell is in that placement's establishment.
    assert not Placement.objects.exclude(cell__establishment=F("establishment")).exists()
    open_postings = {p.staff_member_id: p for p in Posting.objects.filter(end_date__isnull=True)}
    staff = list(StaffMember.objects.all())
    assert len(open_postings) == len(staff)
    for member in staff:
        assert member.current_establishment_id == open_postings[member.pk].establishment_id
    assert not Posting.objects.filter(unit__isnull=False).exclude(unit__establishment=F("establishment")).exists()
    assert not Cell.objects.exclude(unit__establishment=F("establishment")).exists()
    # The estate's own bookkeeping agrees: re-deriving the current fields from the history changes nothing.
    assert sync_current_placements(Prisoner.objects.values_list("pk", flat=True)) == 0
    assert sync_current_postings(StaffMember.objects.values_list("pk", flat=True)) == 0


def test_identifiers_are_well_formed(seeded: services.SeedResult):
    assert all(re.fullmatch(NOMIS_CODE_PATTERN, c) for c in Establishment.objects.values_list("code", flat=True))
    assert all(re.fullmatch(PRISON_NUMBER_PATTERN, n) for n in Prisoner.objects.values_list("prison_number", flat=True))
    assert all(
        re.fullmatch(STAFF_NUMBER_PATTERN, n) for n in StaffMember.objects.values_list("staff_number", flat=True)
    )
    assert Establishment.objects.filter(region="Wales").exists()
    assert Establishment.objects.filter(category="female_closed").count() == 1
    assert Unit.objects.filter(kind="segregation").exists()


def test_one_seeding_event_records_the_seed_without_secrets(seeded: services.SeedResult, demo_var_dir: Path):
    # The demo reports and cases arrive through the real intake, handling, triage and case services, each with
    # its own events.
    events = list(
        AuditEvent.objects.exclude(action__startswith="reporting.")
        .exclude(action__startswith="cases.")
        .exclude(action__startswith="triage.")
    )
    assert [event.action for event in events] == ["estate.demo_seeded"]
    assert AuditEvent.objects.filter(action="reporting.submitted").count() == seeded.counts["reports"]
    assert AuditEvent.objects.filter(action="cases.opened").count() == seeded.counts["cases"]
    detail = events[0].detail
    assert detail["seed"] == 7
    assert detail["counts"] == seeded.counts
    assert detail["accounts"]["demo-governor"].startswith("governor@Z")
    assert detail["accounts"]["demo-system-administrator"] == "system_administrator@national"
    secret = credentials.read_secret(demo_var_dir)
    for username in services.demo_usernames():
        derived = credentials.derive(secret, username)
        assert derived.password not in str(detail)
        assert derived.api_token not in str(detail)
    assert chain.verify().ok


def test_the_marker_records_the_seed(seeded: services.SeedResult):
    assert DemoMarker.objects.get().seed == 7


def test_the_demo_secret_file_is_private(seeded: services.SeedResult, demo_var_dir: Path):
    path = demo_var_dir / "demo_secret"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(credentials.read_secret(demo_var_dir)) == 32
    # Made once: a second read (or create) returns the same secret.
    assert credentials.read_or_create_secret(demo_var_dir) == credentials.read_secret(demo_var_dir)


def test_seeding_again_with_the_same_seed_reuses_the_estate(seeded: services.SeedResult):
    before = database_snapshot()
    events = AuditEvent.objects.count()
    again = services.seed_demo(actor=audit.SYSTEM, seed=7, scale=TEST_SCALE, today=TODAY)
    assert not again.created
    assert again.counts == seeded.counts
    assert database_snapshot() == before
    assert AuditEvent.objects.count() == events
    assert "Reusing the demo estate already built from seed 7" in run_seed_command("--seed", "7")
    assert database_snapshot() == before


def test_another_seed_on_a_demo_database_is_refused_and_changes_nothing(seeded: services.SeedResult):
    before = database_snapshot()
    events = AuditEvent.objects.count()
    with pytest.raises(services.DemoSeedRefused, match="seed 7, not 8"):
        services.seed_demo(actor=audit.SYSTEM, seed=8, scale=TEST_SCALE, today=TODAY)
    with pytest.raises(CommandError, match="Use --seed 7"):
        run_seed_command("--seed", "8", "--scale", str(TEST_SCALE))
    assert database_snapshot() == before
    assert AuditEvent.objects.count() == events
    assert DemoMarker.objects.get().seed == 7


def test_a_database_with_a_real_estate_is_refused(demo_var_dir: Path):
    EstablishmentFactory(code="WWI", name="A real-looking prison")
    with pytest.raises(CommandError, match="1 establishments and is not a demo database"):
        run_seed_command("--seed", "1", "--scale", str(TEST_SCALE))
    assert Establishment.objects.count() == 1
    assert not DemoMarker.objects.exists()
    assert not AuditEvent.objects.filter(action="estate.demo_seeded").exists()
    assert not User.objects.exists()
    # Refused before anything was made, the demo secret included.
    assert not (demo_var_dir / "demo_secret").exists()


def test_a_database_with_real_accounts_is_refused():
    UserFactory(username="a.real.person")
    with pytest.raises(services.DemoSeedRefused, match="1 accounts"):
        services.seed_demo(actor=audit.SYSTEM, seed=1, scale=TEST_SCALE, today=TODAY)
    assert not Establishment.objects.exists()
    assert not DemoMarker.objects.exists()


def test_only_the_command_line_may_seed():
    administrator = persona(Role.SYSTEM_ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        services.seed_demo(actor=administrator, seed=1, scale=TEST_SCALE, today=TODAY)
    assert not Establishment.objects.exists()


def test_production_settings_are_refused(settings: Any):
    settings.PRODUCTION = True
    with pytest.raises(services.DemoSeedRefused, match="CUSTODES_ENV=production"):
        services.seed_demo(actor=audit.SYSTEM, seed=1, scale=TEST_SCALE, today=TODAY)
    assert not Establishment.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "between 0 and"),
        (["--seed", str(2**31)], "between 0 and"),
        (["--seed", "one"], "whole number"),
        (["--scale", "0"], "above 0"),
        (["--scale", "big"], "must be a number"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(args: list[str], message: str):
    with pytest.raises(CommandError, match=message):
        run_seed_command(*args)
    assert not Establishment.objects.exists()


def test_the_command_reports_what_it_built():
    output = run_seed_command("--seed", "3", "--scale", str(TEST_SCALE))
    assert re.match(r"Built the fictional demo estate from seed 3 in [0-9.]+ s: 8 establishments, ", output)
    assert "9 demo accounts" in output


def test_the_full_size_estate_seeds_well_under_a_minute():
    started = time.perf_counter()
    result = services.seed_demo(actor=audit.SYSTEM, seed=1)
    elapsed = time.perf_counter() - started
    # Not a benchmark: a guard against seeding becoming row-by-row again. It takes about 2 s on SQLite.
    assert elapsed < 60
    assert 1900 <= result.counts["prisoners"] <= 2100
    assert 570 <= result.counts["staff"] <= 630
    assert result.counts["establishments"] >= 6
    crowded = [
        e
        for e in Establishment.objects.annotate(held=Count("current_prisoners"))
        if e.held / e.in_use_cna > 1.5 and e.held <= e.operational_capacity
    ]
    assert len(crowded) >= 2
    assert (
        not Establishment.objects.annotate(held=Count("current_prisoners"))
        .filter(held__gt=F("operational_capacity"))
        .exists()
    )
    assert Prisoner.objects.filter(~Q(current_cell__establishment=F("current_establishment"))).count() == 0


def test_the_demo_inbox_shows_every_duty_state_and_keeps_the_governor_out_of_a_report_naming_them():
    from django.test import Client  # noqa: F401  (kept local: only this test reads the handler side)

    from custodes import audit
    from custodes.core import policy
    from custodes.demo import credentials
    from custodes.demo.reports import demo_receipts
    from custodes.reporting import services as reporting
    from custodes.reporting.models import Report

    services.seed_demo(actor=audit.SYSTEM, seed=11, scale=0.2, today=TODAY)
    reports = Report.objects.all()
    assert reports.count() == 6
    assert reports.filter(acknowledged_at__isnull=False).exists()
    assert reports.filter(acknowledged_at__isnull=True).exists()
    governor = User.objects.get(username="demo-governor")
    named = reports.get(subjects__staff_member__account=governor)
    assert not policy.can(governor, "reporting.view_report", named)
    triager = User.objects.get(username="demo-triager")
    assert policy.can(triager, "reporting.view_report", named)
    sample = demo_receipts(credentials.read_secret(), limit=1)[0]
    assert reporting.open_follow_up(receipt=sample.receipt).report.reference == sample.reference
