"""Keeping the ``current_*`` fields of prisoners and staff in step with their open Placement and Posting.

Called by custodes.estate.services and the importer, inside their transactions, after they change history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from custodes.estate.models import Placement, Posting, Prisoner, StaffMember

_BATCH = 500


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def sync_current_placements(prisoner_ids: Iterable[int]) -> int:
    """Set current_establishment and current_cell from each prisoner's open placement (none: held nowhere).

    Called inside the caller's transaction; returns how many prisoners changed. Per 500 prisoners: one query to
    find those out of step and one UPDATE that copies from their open placement in the database (an UPDATE per
    row, or Django's bulk_update with its CASE per row, is many times slower for a large import)."""
    changed = 0
    for batch in _batches(sorted(set(prisoner_ids))):
        open_ = Placement.objects.filter(prisoner_id=OuterRef("pk"), end_date__isnull=True)
        stale = [
            pk
            for pk, establishment_id, cell_id, open_establishment_id, open_cell_id in Prisoner.objects.filter(
                pk__in=batch
            )
            .annotate(
                open_establishment_id=Subquery(open_.values("establishment_id")[:1]),
                open_cell_id=Subquery(open_.values("cell_id")[:1]),
            )
            .values_list("pk", "current_establishment_id", "current_cell_id", "open_establishment_id", "open_cell_id")
            if (establishment_id, cell_id) != (open_establishment_id, open_cell_id)
        ]
        if stale:
            changed += Prisoner.objects.filter(pk__in=stale).update(
                current_establishment_id=Subquery(open_.values("establishment_id")[:1]),
                current_cell_id=Subquery(open_.values("cell_id")[:1]),
            )
    return changed


def sync_current_postings(staff_ids: Iterable[int]) -> int:
    """Set current_establishment from each staff member's open posting (none: not posted anywhere)."""
    changed = 0
    for batch in _batches(sorted(set(staff_ids))):
        open_ = Posting.objects.filter(staff_member_id=OuterRef("pk"), end_date__isnull=True)
        stale = [
            pk
            for pk, establishment_id, open_establishment_id in StaffMember.objects.filter(pk__in=batch)
            .annotate(open_establishment_id=Subquery(open_.values("establishment_id")[:1]))
            .values_list("pk", "current_establishment_id", "open_establishment_id")
            if establishment_id != open_establishment_id
        ]
        if stale:
            changed += StaffMember.objects.filter(pk__in=stale).update(
                current_establishment_id=Subquery(open_.values("establishment_id")[:1])
            )
    return changed
