"""Estate read endpoints, at /api/v1/estate/. Read-only; every one goes through custodes.estate.selectors,
so the API shows exactly what the pages show. A token needs the scope ``estate:read`` (the policy's rules say
so: a token without it is refused 403 by the policy itself, not by code here).

Lists are paged with ``limit`` (at most MAX_LIMIT) and ``offset`` and answer ``{count, limit, offset, items}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from custodes.estate import selectors
from custodes.estate.models import (
    Cell,
    Establishment,
    EstablishmentCategory,
    Placement,
    Posting,
    Prisoner,
    StaffGrade,
    StaffMember,
    Unit,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

router = Router(tags=["estate"])


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    """The one error shape of the whole API (custodes.api.errors)."""

    error: ErrorBody


_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}")
    offset: int = Field(0, ge=0, description="How many items to skip")


class EstablishmentOut(Schema):
    code: str
    name: str
    category: EstablishmentCategory
    region: str
    is_active: bool
    in_use_cna: int
    operational_capacity: int
    population: int
    crowding_percent: int  # population as a whole percentage of in-use CNA, rounded half up
    headroom: int  # operational capacity minus population; negative when over it


class UnitOut(Schema):
    id: int
    establishment: str
    code: str
    name: str
    kind: str
    cell_count: int
    cells_in_use: int
    in_use_cna: int
    operational_capacity: int
    population: int


class CellOut(Schema):
    id: int
    establishment: str
    unit: str
    label: str
    certified_capacity: int
    operational_capacity: int
    in_use: bool
    occupancy: int


class PrisonerOut(Schema):
    prison_number: str
    first_name: str
    last_name: str
    establishment: str | None
    unit: str | None
    cell: str | None


class PlacementOut(Schema):
    establishment: str
    unit: str | None
    cell: str | None
    start_date: dt.date
    end_date: dt.date | None


class PrisonerDetailOut(PrisonerOut):
    placements: list[PlacementOut]


class StaffOut(Schema):
    staff_number: str
    first_name: str
    last_name: str
    grade: StaffGrade
    establishment: str | None


class PostingOut(Schema):
    establishment: str
    unit: str | None
    start_date: dt.date
    end_date: dt.date | None


class StaffDetailOut(StaffOut):
    postings: list[PostingOut]


class EstablishmentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EstablishmentOut]


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class CellPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CellOut]


class PrisonerPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PrisonerOut]


class StaffPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StaffOut]


# --- Turning rows into responses (explicit, so the wire format never follows a model change by accident) -------


def _establishment(e: Establishment) -> dict[str, Any]:
    row: Any = e
    return {
        "code": e.code,
        "name": e.name,
        "category": e.category,
        "region": e.region,
        "is_active": e.is_active,
        "in_use_cna": e.in_use_cna,
        "operational_capacity": e.operational_capacity,
        "population": row.population,
        "crowding_percent": row.crowding_percent,
        "headroom": row.headroom,
    }


def _unit(u: Unit) -> dict[str, Any]:
    row: Any = u
    return {
        "id": u.pk,
        "establishment": u.establishment.code,
        "code": u.code,
        "name": u.name,
        "kind": u.kind,
        "cell_count": row.cell_count,
        "cells_in_use": row.cells_in_use,
        "in_use_cna": row.in_use_cna,
        "operational_capacity": row.operational_capacity,
        "population": row.population,
    }


def _cell(c: Cell) -> dict[str, Any]:
    return {
        "id": c.pk,
        "establishment": c.establishment.code,
        "unit": c.unit.code,
        "label": c.label,
        "certified_capacity": c.certified_capacity,
        "operational_capacity": c.operational_capacity,
        "in_use": c.in_use,
        "occupancy": c.occupancy,  # type: ignore[attr-defined]
    }


def _prisoner(p: Prisoner) -> dict[str, Any]:
    cell = p.current_cell
    return {
        "prison_number": p.prison_number,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "establishment": p.current_establishment.code if p.current_establishment else None,
        "unit": cell.unit.code if cell else None,
        "cell": cell.label if cell else None,
    }


def _placement(p: Placement) -> dict[str, Any]:
    return {
        "establishment": p.establishment.code,
        "unit": p.cell.unit.code if p.cell else None,
        "cell": p.cell.label if p.cell else None,
        "start_date": p.start_date,
        "end_date": p.end_date,
    }


def _staff(s: StaffMember) -> dict[str, Any]:
    return {
        "staff_number": s.staff_number,
        "first_name": s.first_name,
        "last_name": s.last_name,
        "grade": s.grade,
        "establishment": s.current_establishment.code if s.current_establishment else None,
    }


def _posting(p: Posting) -> dict[str, Any]:
    return {
        "establishment": p.establishment.code,
        "unit": p.unit.code if p.unit else None,
        "start_date": p.start_date,
        "end_date": p.end_date,
    }


def _page(queryset: QuerySet[Any], page: PageParams, convert: Any) -> dict[str, Any]:
    return {
        "count": queryset.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": [convert(row) for row in queryset[page.offset : page.offset + page.limit]],
    }


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


# --- Endpoints -------------------------------------------------------------------------------------------------


@router.get("/establishments", response={200: EstablishmentPage, **_ERRORS}, summary="Establishments")
def list_establishments(
    request: HttpRequest,
    page: Query[PageParams],
    search: str = Query("", max_length=120, description="Part of the name, or the whole NOMIS code"),
    region: str = Query("", max_length=80),
    category: EstablishmentCategory | None = None,
) -> dict[str, Any]:
    """Establishments you may see, by name, with population, crowding and operational-capacity headroom."""
    queryset = selectors.establishment_list(_user(request), search=search, region=region, category=category or "")
    return _page(queryset, page, _establishment)


@router.get("/establishments/{code}", response={200: EstablishmentOut, **_ERRORS}, summary="One establishment")
def get_establishment(request: HttpRequest, code: str) -> dict[str, Any]:
    return _establishment(selectors.establishment_by_code(_user(request), code=code))


@router.get("/units", response={200: UnitPage, **_ERRORS}, summary="Units (wings, house blocks)")
def list_units(
    request: HttpRequest,
    page: Query[PageParams],
    establishment: str = Query("", max_length=3, description="NOMIS code"),
) -> dict[str, Any]:
    return _page(selectors.unit_list(_user(request), establishment=establishment), page, _unit)


@router.get("/units/{unit_id}", response={200: UnitOut, **_ERRORS}, summary="One unit")
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    return _unit(selectors.unit_by_id(_user(request), unit_id=unit_id))


@router.get("/cells", response={200: CellPage, **_ERRORS}, summary="Cells, with how many each holds now")
def list_cells(
    request: HttpRequest,
    page: Query[PageParams],
    establishment: str = Query("", max_length=3, description="NOMIS code"),
    unit: str = Query("", max_length=12, description="Unit code"),
    in_use: bool | None = None,
) -> dict[str, Any]:
    queryset = selectors.cell_list(_user(request), establishment=establishment, unit=unit, in_use=in_use)
    return _page(queryset, page, _cell)


@router.get("/cells/{cell_id}", response={200: CellOut, **_ERRORS}, summary="One cell")
def get_cell(request: HttpRequest, cell_id: int) -> dict[str, Any]:
    return _cell(selectors.cell_by_id(_user(request), cell_id=cell_id))


@router.get("/prisoners", response={200: PrisonerPage, **_ERRORS}, summary="Prisoners")
def list_prisoners(
    request: HttpRequest,
    page: Query[PageParams],
    prison_number: str = Query("", max_length=7, description="A prison number, or its start"),
    name: str = Query("", max_length=120, description="Words each found in the first or last name"),
    establishment: str = Query("", max_length=3, description="NOMIS code of where they are held now"),
) -> dict[str, Any]:
    queryset = selectors.prisoner_list(
        _user(request), prison_number=prison_number, name=name, establishment=establishment
    )
    return _page(queryset, page, _prisoner)


@router.get("/prisoners/{prison_number}", response={200: PrisonerDetailOut, **_ERRORS}, summary="One prisoner")
def get_prisoner(request: HttpRequest, prison_number: str) -> dict[str, Any]:
    """A prisoner, with every placement, newest first."""
    detail = selectors.prisoner_detail(_user(request), prison_number=prison_number)
    return {**_prisoner(detail.prisoner), "placements": [_placement(p) for p in detail.placements]}


@router.get("/staff", response={200: StaffPage, **_ERRORS}, summary="Staff members")
def list_staff(
    request: HttpRequest,
    page: Query[PageParams],
    staff_number: str = Query("", max_length=12, description="A staff number, or its start"),
    name: str = Query("", max_length=120, description="Words each found in the first or last name"),
    grade: StaffGrade | None = None,
    establishment: str = Query("", max_length=3, description="NOMIS code of where they are posted now"),
) -> dict[str, Any]:
    queryset = selectors.staff_list(
        _user(request), staff_number=staff_number, name=name, grade=grade or "", establishment=establishment
    )
    return _page(queryset, page, _staff)


@router.get("/staff/{staff_number}", response={200: StaffDetailOut, **_ERRORS}, summary="One staff member")
def get_staff_member(request: HttpRequest, staff_number: str) -> dict[str, Any]:
    """A staff member, with every posting, newest first."""
    detail = selectors.staff_detail(_user(request), staff_number=staff_number)
    return {**_staff(detail.staff_member), "postings": [_posting(p) for p in detail.postings]}
