"""Who may see which parts of the estate, and who may change it."""

from __future__ import annotations

from typing import Any

from custodes.core.policy import Rule, register
from custodes.core.roles import Role
from custodes.estate.models import Cell, Establishment, Prisoner, StaffMember, Unit

_EVERY_ROLE = frozenset(Role)
# Wings and cells (capacity, not people) for those who act on or oversee conditions.
_ACCOMMODATION = frozenset(
    {Role.GOVERNOR, Role.TRIAGER, Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD, Role.INSPECTOR, Role.ANALYST}
)
# Named prisoners: monitors have the right to see any prisoner; analysts work with aggregates only.
_PRISONERS = frozenset({Role.GOVERNOR, Role.TRIAGER, Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD, Role.INSPECTOR})
# Named staff: those who manage them or investigate them.
_STAFF = frozenset({Role.GOVERNOR, Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD})


def _own_id(obj: Any) -> int | None:
    return int(obj.pk)


def _establishment_id(obj: Any) -> int | None:
    return obj.establishment_id


def _current_establishment_id(obj: Any) -> int | None:
    return obj.current_establishment_id


register(
    Rule(
        action="estate.view_establishment",
        roles=_EVERY_ROLE,
        description="See an establishment's name, category, region and capacity figures",
        model=Establishment,
        establishment_of=_own_id,
        establishment_lookup="pk",
        api_scope="estate:read",
    ),
    Rule(
        action="estate.view_unit",
        roles=_ACCOMMODATION,
        description="See an establishment's wings and units",
        model=Unit,
        establishment_of=_establishment_id,
        establishment_lookup="establishment_id",
        api_scope="estate:read",
    ),
    Rule(
        action="estate.view_cell",
        roles=_ACCOMMODATION,
        description="See cells and their certified and operational capacity",
        model=Cell,
        establishment_of=_establishment_id,
        establishment_lookup="establishment_id",
        api_scope="estate:read",
    ),
    Rule(
        action="estate.view_prisoner",
        roles=_PRISONERS,
        description="See prisoners held at an establishment, with their placements",
        model=Prisoner,
        establishment_of=_current_establishment_id,
        establishment_lookup="current_establishment_id",
        api_scope="estate:read",
    ),
    Rule(
        action="estate.view_staff",
        roles=_STAFF,
        description="See staff members posted to an establishment, with their postings",
        model=StaffMember,
        establishment_of=_current_establishment_id,
        establishment_lookup="current_establishment_id",
        api_scope="estate:read",
    ),
    Rule(
        action="estate.manage",
        roles=frozenset({Role.SYSTEM_ADMINISTRATOR}),
        description="Import and change estate records",
        api_scope="estate:write",
    ),
)
