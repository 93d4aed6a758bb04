"""Every read of estate data, always through custodes.core.policy.

Lists start from ``policy.visible(user, action)``, so they can never show what the detail pages would refuse;
single objects come through ``_visible_or_404``, which answers 403 when the user's roles may never take the
action and 404 when the object is out of their scope (or absent: the two are indistinguishable on purpose).

Figures (population, crowding, capacity) are computed by the database with correlated subqueries, so a list
costs the same few queries whatever its length: no query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from custodes.core import policy
from custodes.estate.models import Cell, Establishment, Placement, Posting, Prisoner, StaffMember, Unit

VIEW_ESTABLISHMENT = "estate.view_establishment"
VIEW_UNIT = "estate.view_unit"
VIEW_CELL = "estate.view_cell"
VIEW_PRISONER = "estate.view_prisoner"
VIEW_STAFF = "estate.view_staff"


def _visible_or_404(user: Any, action: str, prepare: Callable[[QuerySet[Any]], QuerySet[Any]], **lookup: Any) -> Any:
    """policy.get_visible_or_404, with the queryset prepared (annotations, joins) so the page costs one query."""
    policy.require(user, action)
    obj = prepare(policy.visible(user, action)).filter(**lookup).first()
    if obj is None:
        raise Http404()
    return obj


def _count(queryset: QuerySet[Any], link: str) -> Coalesce:
    """How many rows of ``queryset`` point at the outer row through ``link``; 0 rather than NULL for none."""
    subquery = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def _sum(queryset: QuerySet[Any], link: str, field: str) -> Coalesce:
    subquery = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Sum(field)).values("n")[:1]
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def crowding_percent(population: int, in_use_cna: int) -> int:
    """Population as a whole percentage of in-use CNA, rounded half up (DESIGN.md §4: 1,600 / 943 is 170%)."""
    if in_use_cna <= 0:
        return 0
    return (population * 200 + in_use_cna) // (2 * in_use_cna)


def _with_figures(queryset: QuerySet[Establishment]) -> QuerySet[Establishment]:
    """population, crowding_percent (rounded half up, integer arithmetic so SQLite and PostgreSQL agree) and
    headroom (operational capacity left; negative when over it)."""
    return queryset.annotate(population=_count(Prisoner.objects.all(), "current_establishment")).annotate(
        crowding_percent=(F("population") * 200 + F("in_use_cna")) / (F("in_use_cna") * 2),
        headroom=F("operational_capacity") - F("population"),
    )


def _with_unit_figures(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    in_use_cells = Cell.objects.filter(in_use=True)
    return queryset.annotate(
        cell_count=_count(Cell.objects.all(), "unit"),
        cells_in_use=_count(in_use_cells, "unit"),
        in_use_cna=_sum(in_use_cells, "unit", "certified_capacity"),
        operational_capacity=_sum(in_use_cells, "unit", "operational_capacity"),
        population=_count(Prisoner.objects.all(), "current_cell__unit"),
    )


def _with_occupancy(queryset: QuerySet[Cell]) -> QuerySet[Cell]:
    return queryset.annotate(occupancy=_count(Prisoner.objects.all(), "current_cell"))


def _unit_rows(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    return _with_unit_figures(queryset.select_related("establishment"))


def _cell_rows(queryset: QuerySet[Cell]) -> QuerySet[Cell]:
    return _with_occupancy(queryset.select_related("establishment", "unit"))


def _prisoner_rows(queryset: QuerySet[Prisoner]) -> QuerySet[Prisoner]:
    return queryset.select_related("current_establishment", "current_cell__unit")


def _staff_rows(queryset: QuerySet[StaffMember]) -> QuerySet[StaffMember]:
    return queryset.select_related("current_establishment")


# --- Establishments --------------------------------------------------------------------------------------------


def establishment_list(user: Any, *, search: str = "", region: str = "", category: str = "") -> QuerySet[Establishment]:
    """Establishments the user may see, with population, crowding_percent and headroom on each. Raises
    PermissionDenied when the user's roles may never see establishments (as every list here does)."""
    policy.require(user, VIEW_ESTABLISHMENT)
    queryset: QuerySet[Establishment] = policy.visible(user, VIEW_ESTABLISHMENT)
    search = search.strip()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(code__iexact=search))
    if region:
        queryset = queryset.filter(region=region)
    if category:
        queryset = queryset.filter(category=category)
    return _with_figures(queryset).order_by("name")


def establishment_choices(user: Any) -> list[tuple[str, str]]:
    """(code, name) of the establishments the user may see: the options of establishment filters."""
    return list(policy.visible(user, VIEW_ESTABLISHMENT).order_by("name").values_list("code", "name"))


def region_choices(user: Any) -> list[str]:
    return list(policy.visible(user, VIEW_ESTABLISHMENT).order_by("region").values_list("region", flat=True).distinct())


def establishment_by_code(user: Any, *, code: str) -> Establishment:
    """One establishment with its figures (population, crowding_percent, headroom), and nothing else."""
    establishment: Establishment = _visible_or_404(user, VIEW_ESTABLISHMENT, _with_figures, code=code)
    return establishment


def may_at(user: Any, action: str, establishment: Establishment) -> bool:
    """May the user take this action on things at this establishment? Asked of the policy with an unsaved
    stand-in object, so that a user whose grants differ by role (analyst nationally, governor at one prison)
    is told exactly what the detail pages would allow, without a query."""
    model = policy.rule(action).model
    if model is Unit or model is Cell:
        probe: Any = model(establishment=establishment)
    elif model is Prisoner or model is StaffMember:
        probe = model(current_establishment=establishment)
    else:
        probe = establishment
    return policy.can(user, action, probe)


@dataclass(frozen=True)
class EstablishmentDetail:
    establishment: Establishment  # annotated with population, crowding_percent and headroom
    units: list[Unit] | None  # None: the user may not see units; each annotated by _with_unit_figures
    without_cell: int  # prisoners held there but not placed in a cell (reception, court, hospital)
    may_see_prisoners: bool
    may_see_staff: bool

    @property
    def over_operational_capacity(self) -> int:
        """How many more are held than the operational capacity allows (0 when within it)."""
        return max(0, -int(self.establishment.headroom))  # type: ignore[attr-defined]


def establishment_detail(user: Any, *, code: str) -> EstablishmentDetail:
    establishment = establishment_by_code(user, code=code)
    units: list[Unit] | None = None
    without_cell = 0
    if may_at(user, VIEW_UNIT, establishment):
        units = list(_with_unit_figures(policy.visible(user, VIEW_UNIT).filter(establishment=establishment)))
        without_cell = establishment.population - sum(unit.population for unit in units)  # type: ignore[attr-defined]
    return EstablishmentDetail(
        establishment=establishment,
        units=units,
        without_cell=without_cell,
        may_see_prisoners=may_at(user, VIEW_PRISONER, establishment),
        may_see_staff=may_at(user, VIEW_STAFF, establishment),
    )


# --- Units and cells -------------------------------------------------------------------------------------------


def unit_list(user: Any, *, establishment: str = "") -> QuerySet[Unit]:
    policy.require(user, VIEW_UNIT)
    queryset: QuerySet[Unit] = policy.visible(user, VIEW_UNIT)
    if establishment:
        queryset = queryset.filter(establishment__code=establishment)
    return _unit_rows(queryset).order_by("establishment__name", "code")


def unit_by_id(user: Any, *, unit_id: int) -> Unit:
    unit: Unit = _visible_or_404(user, VIEW_UNIT, _unit_rows, pk=unit_id)
    return unit


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit  # annotated by _with_unit_figures
    cells: list[Cell] | None  # each annotated with occupancy; None: the user may not see cells


def unit_detail(user: Any, *, establishment_code: str, unit_code: str) -> UnitDetail:
    unit: Unit = _visible_or_404(user, VIEW_UNIT, _unit_rows, establishment__code=establishment_code, code=unit_code)
    cells: list[Cell] | None = None
    if may_at(user, VIEW_CELL, unit.establishment):
        cells = list(_with_occupancy(policy.visible(user, VIEW_CELL).filter(unit=unit)).order_by("label"))
    return UnitDetail(unit=unit, cells=cells)


def cell_list(user: Any, *, establishment: str = "", unit: str = "", in_use: bool | None = None) -> QuerySet[Cell]:
    policy.require(user, VIEW_CELL)
    queryset: QuerySet[Cell] = policy.visible(user, VIEW_CELL)
    if establishment:
        queryset = queryset.filter(establishment__code=establishment)
    if unit:
        queryset = queryset.filter(unit__code=unit)
    if in_use is not None:
        queryset = queryset.filter(in_use=in_use)
    return _cell_rows(queryset).order_by("establishment__name", "unit__code", "label")


def cell_by_id(user: Any, *, cell_id: int) -> Cell:
    cell: Cell = _visible_or_404(user, VIEW_CELL, _cell_rows, pk=cell_id)
    return cell


@dataclass(frozen=True)
class CellDetail:
    cell: Cell  # annotated with occupancy
    occupants: list[Prisoner] | None  # None: the user may see the cell's figures but not named prisoners


def cell_detail(user: Any, *, establishment_code: str, unit_code: str, label: str) -> CellDetail:
    cell: Cell = _visible_or_404(
        user, VIEW_CELL, _cell_rows, establishment__code=establishment_code, unit__code=unit_code, label=label
    )
    occupants: list[Prisoner] | None = None
    if may_at(user, VIEW_PRISONER, cell.establishment):
        occupants = list(
            policy.visible(user, VIEW_PRISONER).filter(current_cell=cell).order_by("last_name", "first_name")
        )
    return CellDetail(cell=cell, occupants=occupants)


# --- Prisoners -------------------------------------------------------------------------------------------------


def _name_filter(name: str) -> Q:
    """Every word must match the first or the last name, so "Dace Ashgrove" finds Dace Ashgrove."""
    condition = Q()
    for word in name.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


def prisoner_list(user: Any, *, prison_number: str = "", name: str = "", establishment: str = "") -> QuerySet[Prisoner]:
    policy.require(user, VIEW_PRISONER)
    queryset: QuerySet[Prisoner] = _prisoner_rows(policy.visible(user, VIEW_PRISONER))
    prison_number = prison_number.strip().upper()
    if prison_number:
        queryset = queryset.filter(prison_number__startswith=prison_number)
    if name.strip():
        queryset = queryset.filter(_name_filter(name))
    if establishment:
        queryset = queryset.filter(current_establishment__code=establishment)
    return queryset.order_by("last_name", "first_name", "prison_number")


@dataclass(frozen=True)
class PrisonerDetail:
    prisoner: Prisoner
    placements: list[Placement]  # newest first, with establishment and cell (and its unit) joined


def prisoner_detail(user: Any, *, prison_number: str) -> PrisonerDetail:
    prisoner: Prisoner = _visible_or_404(user, VIEW_PRISONER, _prisoner_rows, prison_number=prison_number)
    placements = list(
        Placement.objects.filter(prisoner=prisoner)
        .select_related("establishment", "cell__unit")
        .order_by("-start_date", "-pk")
    )
    return PrisonerDetail(prisoner=prisoner, placements=placements)


# --- Staff -----------------------------------------------------------------------------------------------------


def staff_list(
    user: Any, *, staff_number: str = "", name: str = "", grade: str = "", establishment: str = ""
) -> QuerySet[StaffMember]:
    policy.require(user, VIEW_STAFF)
    queryset: QuerySet[StaffMember] = _staff_rows(policy.visible(user, VIEW_STAFF))
    staff_number = staff_number.strip().upper()
    if staff_number:
        queryset = queryset.filter(staff_number__startswith=staff_number)
    if name.strip():
        queryset = queryset.filter(_name_filter(name))
    if grade:
        queryset = queryset.filter(grade=grade)
    if establishment:
        queryset = queryset.filter(current_establishment__code=establishment)
    return queryset.order_by("last_name", "first_name", "staff_number")


@dataclass(frozen=True)
class StaffDetail:
    staff_member: StaffMember
    postings: list[Posting]  # newest first, with establishment and unit joined


def staff_detail(user: Any, *, staff_number: str) -> StaffDetail:
    staff_member: StaffMember = _visible_or_404(user, VIEW_STAFF, _staff_rows, staff_number=staff_number)
    postings = list(
        Posting.objects.filter(staff_member=staff_member)
        .select_related("establishment", "unit")
        .order_by("-start_date", "-pk")
    )
    return StaffDetail(staff_member=staff_member, postings=postings)
