"""Every change to the estate: one atomic function each, actor first and keyword-only, audited in the same
transaction, and checked against the policy here (a service never trusts its caller to have checked).

The ``current_*`` fields of StaffMember and Prisoner are a cache of the open Posting and Placement: only the
functions here (and the importer, through ``sync_current_*``) write them, always in the same transaction as the
history rows they summarise.

Periods are days, half-open: a placement from 1 March to 5 March held the prisoner on 1 to 4 March, and the
next placement starts on 5 March. A move therefore ends the current period on the day the new one starts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from custodes import audit
from custodes.audit.actors import SystemActor
from custodes.core import policy
from custodes.estate import imports
from custodes.estate.current import sync_current_placements, sync_current_postings
from custodes.estate.models import (
    Cell,
    Establishment,
    Placement,
    Posting,
    Prisoner,
    StaffMember,
    Unit,
    UnitKind,
)

MANAGE = "estate.manage"


def require_manage(actor: Any) -> None:
    """Only the system administrator changes the estate; the command line acts as the system itself."""
    if isinstance(actor, SystemActor):
        return
    policy.require(actor, MANAGE)


def _apply(obj: Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; return the names of the fields that changed."""
    changed = []
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def _current_establishment(person: StaffMember | Prisoner) -> Establishment | None:
    return person.current_establishment if person.current_establishment_id else None


def _save(obj: Model, created: bool, changed: list[str]) -> None:
    obj.full_clean()  # validators, choices and database constraints, with messages a person can act on
    if created:
        obj.save(force_insert=True)
    else:
        obj.save(update_fields=changed)


# --- Establishments, units and cells ---------------------------------------------------------------------------


@transaction.atomic
def save_establishment(
    *,
    actor: Any,
    code: str,
    name: str,
    category: str,
    region: str,
    in_use_cna: int,
    operational_capacity: int,
    is_active: bool = True,
) -> Establishment:
    """Create the establishment with this NOMIS code, or change it."""
    require_manage(actor)
    establishment = Establishment.objects.select_for_update().filter(code=code).first()
    created = establishment is None
    if establishment is None:
        establishment = Establishment(code=code)
    changed = _apply(
        establishment,
        {
            "name": name,
            "category": category,
            "region": region,
            "in_use_cna": in_use_cna,
            "operational_capacity": operational_capacity,
            "is_active": is_active,
        },
    )
    if created or changed:
        _save(establishment, created, changed)
        audit.record(
            "estate.establishment_changed",
            actor=actor,
            target=establishment,
            establishment=establishment,
            detail={"created": created, "fields": sorted(changed)},
        )
    return establishment


@transaction.atomic
def save_unit(*, actor: Any, establishment: Establishment, code: str, name: str, kind: str = UnitKind.WING) -> Unit:
    require_manage(actor)
    unit = Unit.objects.select_for_update().filter(establishment=establishment, code=code).first()
    created = unit is None
    if unit is None:
        unit = Unit(establishment=establishment, code=code)
    changed = _apply(unit, {"name": name, "kind": kind})
    if created or changed:
        _save(unit, created, changed)
        audit.record(
            "estate.unit_changed",
            actor=actor,
            target=unit,
            establishment=establishment,
            detail={"created": created, "fields": sorted(changed)},
        )
    return unit


@transaction.atomic
def save_cell(
    *,
    actor: Any,
    unit: Unit,
    label: str,
    certified_capacity: int,
    operational_capacity: int,
    in_use: bool = True,
) -> Cell:
    """Create or change a cell. A cell cannot be taken out of use, or its operational capacity cut, below the
    prisoners it holds now: move them first."""
    require_manage(actor)
    cell = Cell.objects.select_for_update().filter(unit=unit, label=label).first()
    created = cell is None
    if cell is None:
        cell = Cell(unit=unit, establishment_id=unit.establishment_id, label=label)
    changed = _apply(
        cell,
        {"certified_capacity": certified_capacity, "operational_capacity": operational_capacity, "in_use": in_use},
    )
    if not created:
        occupancy = Prisoner.objects.filter(current_cell=cell).count()
        if occupancy and not in_use:
            raise ValidationError(
                {"in_use": f"Cell {label} holds {occupancy} now: move them before taking it out of use."}
            )
        if occupancy > operational_capacity:
            raise ValidationError(
                {"operational_capacity": f"Cell {label} holds {occupancy} now, more than {operational_capacity}."}
            )
    if created or changed:
        _save(cell, created, changed)
        audit.record(
            "estate.cell_changed",
            actor=actor,
            target=cell,
            establishment=unit.establishment,
            detail={"created": created, "fields": sorted(changed)},
        )
    return cell


# --- Staff and postings ----------------------------------------------------------------------------------------


@transaction.atomic
def save_staff_member(*, actor: Any, staff_number: str, first_name: str, last_name: str, grade: str) -> StaffMember:
    require_manage(actor)
    staff_member = StaffMember.objects.select_for_update().filter(staff_number=staff_number).first()
    created = staff_member is None
    if staff_member is None:
        staff_member = StaffMember(staff_number=staff_number)
    changed = _apply(staff_member, {"first_name": first_name, "last_name": last_name, "grade": grade})
    if created or changed:
        _save(staff_member, created, changed)
        # Field names only: names of people stay out of the audit chain, which can never be erased.
        audit.record(
            "estate.staff_changed",
            actor=actor,
            target=staff_member,
            establishment=_current_establishment(staff_member),
            detail={"created": created, "fields": sorted(changed)},
        )
    return staff_member


def _check_start(latest: Posting | Placement | None, start_date: dt.date, what: str) -> None:
    if latest is None:
        return
    # The newest period may still be open (it will be ended on start_date) or already ended.
    earliest_allowed = latest.end_date or latest.start_date
    if start_date < earliest_allowed:
        when = "ended" if latest.end_date else "started"
        message = f"The new {what} must start on or after {earliest_allowed.isoformat()}, when the last one {when}."
        raise ValidationError({"start_date": message})


PeriodT = TypeVar("PeriodT", Posting, Placement)


def _start_period(model: type[PeriodT], *, owner: dict[str, Any], start_date: dt.date, **where: Any) -> PeriodT:
    """Open a period from start_date, closing the open one then. On the latest period's own first day, correct
    it instead: periods are whole days, so a second start that day (even after a release that same day, which
    left a period that began and ended on it) replaces the first."""
    latest = model.objects.filter(**owner).order_by("-start_date").first()
    _check_start(latest, start_date, model.__name__.lower())
    if latest is not None and latest.start_date == start_date:
        for field, value in where.items():
            setattr(latest, field, value)
        latest.end_date = None
        latest.save(update_fields=[*where, "end_date"])
        return latest
    if latest is not None and latest.end_date is None:
        latest.end_date = start_date
        latest.save(update_fields=["end_date"])
    return model.objects.create(**owner, start_date=start_date, **where)


@transaction.atomic
def post_staff_member(
    *,
    actor: Any,
    staff_member: StaffMember,
    establishment: Establishment,
    unit: Unit | None = None,
    start_date: dt.date,
) -> Posting:
    """Post a staff member to an establishment (and unit) from start_date, ending the current posting then.

    A new posting on the day the current one began corrects it instead: periods are whole days.
    """
    require_manage(actor)
    if unit is not None and unit.establishment_id != establishment.pk:
        raise ValidationError({"unit": f"Unit {unit.code} is not at {establishment.code}."})
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    posting = _start_period(
        Posting, owner={"staff_member": staff_member}, start_date=start_date, establishment=establishment, unit=unit
    )
    previous = staff_member.current_establishment_id
    sync_current_postings([staff_member.pk])
    audit.record(
        "estate.staff_changed",
        actor=actor,
        target=staff_member,
        establishment=establishment,
        detail={
            "change": "posted",
            "posting": posting.pk,
            "from_establishment": previous,
            "to_establishment": establishment.pk,
        },
    )
    return posting


@transaction.atomic
def end_posting(*, actor: Any, staff_member: StaffMember, end_date: dt.date) -> Posting:
    """The staff member leaves their current posting (and the estate) on end_date."""
    require_manage(actor)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    posting = Posting.objects.filter(staff_member=staff_member, end_date__isnull=True).first()
    if posting is None:
        raise ValidationError({"end_date": "This staff member has no current posting to end."})
    if end_date < posting.start_date:
        raise ValidationError({"end_date": f"The posting began on {posting.start_date.isoformat()}."})
    posting.end_date = end_date
    posting.save(update_fields=["end_date"])
    sync_current_postings([staff_member.pk])
    audit.record(
        "estate.staff_changed",
        actor=actor,
        target=staff_member,
        establishment=posting.establishment,
        detail={"change": "posting_ended", "posting": posting.pk},
    )
    return posting


# --- Prisoners and placements ----------------------------------------------------------------------------------


@transaction.atomic
def save_prisoner(*, actor: Any, prison_number: str, first_name: str, last_name: str) -> Prisoner:
    require_manage(actor)
    prisoner = Prisoner.objects.select_for_update().filter(prison_number=prison_number).first()
    created = prisoner is None
    if prisoner is None:
        prisoner = Prisoner(prison_number=prison_number)
    changed = _apply(prisoner, {"first_name": first_name, "last_name": last_name})
    if created or changed:
        _save(prisoner, created, changed)
        audit.record(
            "estate.prisoner_changed",
            actor=actor,
            target=prisoner,
            establishment=_current_establishment(prisoner),
            detail={"created": created, "fields": sorted(changed)},
        )
    return prisoner


@transaction.atomic
def place_prisoner(
    *,
    actor: Any,
    prisoner: Prisoner,
    establishment: Establishment,
    cell: Cell | None = None,
    start_date: dt.date,
) -> Placement:
    """Hold a prisoner at an establishment (in a cell, when known) from start_date, ending the current
    placement then. The cell must be in use and have room below its operational capacity.

    A placement on the day the current one began corrects it instead: periods are whole days.
    """
    require_manage(actor)
    if cell is not None:
        # Locking the cell makes concurrent moves into it queue, so two cannot both take its last place.
        cell = Cell.objects.select_for_update().get(pk=cell.pk)
        if cell.establishment_id != establishment.pk:
            raise ValidationError({"cell": f"Cell {cell.label} is not at {establishment.code}."})
        if not cell.in_use:
            raise ValidationError({"cell": f"Cell {cell.label} is out of use."})
        others = Prisoner.objects.filter(current_cell=cell).exclude(pk=prisoner.pk).count()
        if others >= cell.operational_capacity:
            raise ValidationError({"cell": f"Cell {cell.label} is full: it holds {others}, its operational capacity."})
    prisoner = Prisoner.objects.select_for_update().get(pk=prisoner.pk)
    placement = _start_period(
        Placement, owner={"prisoner": prisoner}, start_date=start_date, establishment=establishment, cell=cell
    )
    previous = prisoner.current_establishment_id
    sync_current_placements([prisoner.pk])
    audit.record(
        "estate.prisoner_changed",
        actor=actor,
        target=prisoner,
        establishment=establishment,
        detail={
            "change": "placed",
            "placement": placement.pk,
            "from_establishment": previous,
            "to_establishment": establishment.pk,
            "cell": cell.pk if cell is not None else None,
        },
    )
    return placement


def move_prisoner(*, actor: Any, prisoner: Prisoner, cell: Cell, start_date: dt.date) -> Placement:
    """Move a prisoner to a cell (in the same or another establishment) from start_date."""
    return place_prisoner(
        actor=actor, prisoner=prisoner, establishment=cell.establishment, cell=cell, start_date=start_date
    )


@transaction.atomic
def release_prisoner(*, actor: Any, prisoner: Prisoner, end_date: dt.date) -> Placement:
    """The prisoner leaves custody on end_date: the current placement ends and they are held nowhere."""
    require_manage(actor)
    prisoner = Prisoner.objects.select_for_update().get(pk=prisoner.pk)
    placement = Placement.objects.filter(prisoner=prisoner, end_date__isnull=True).first()
    if placement is None:
        raise ValidationError({"end_date": "This prisoner has no current placement to end."})
    if end_date < placement.start_date:
        raise ValidationError({"end_date": f"The placement began on {placement.start_date.isoformat()}."})
    placement.end_date = end_date
    placement.save(update_fields=["end_date"])
    sync_current_placements([prisoner.pk])
    audit.record(
        "estate.prisoner_changed",
        actor=actor,
        target=prisoner,
        establishment=placement.establishment,
        detail={"change": "released", "placement": placement.pk},
    )
    return placement


# --- Import ----------------------------------------------------------------------------------------------------


def import_file(*, actor: Any, path: Path, kind: str | None = None, dry_run: bool = False) -> imports.ImportResult:
    """Validate an estate CSV file completely, then (unless a dry run, or any row is bad) import it all in one
    transaction with one ``estate.imported`` audit event (docs/estate-import.md)."""
    require_manage(actor)
    if dry_run:
        # Read-only and outside any transaction: a dry run of a large file must not hold the write lock.
        return imports.validate(path, kind=kind)
    with transaction.atomic():
        # Validated inside the transaction that writes, so what was checked is what is written.
        result = imports.validate(path, kind=kind)
        if not result.ok or result.kind is None:
            return result
        imports.write(path, result)
        audit.record(
            "estate.imported",
            actor=actor,
            target_type="estate.import",
            target_id=result.kind.name,
            detail=result.audit_detail(),
        )
    return result
