"""The fictional demo estate, built in memory from one seed. Nothing here touches the database.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so a seed always gives the same prisons,
cells, people and history (dates are counted back from ``today``, so they move with the calendar while the shape
stays put). custodes.demo.services saves the result in one transaction.

How the numbers hang together, per establishment (DESIGN.md §4):

* the residential cells in use add up to the in-use CNA; a closed landing is out of use and counts for nothing;
* operational capacity is the sum of the in-use cells' operational capacities;
* the population is the in-use CNA times a crowding ratio drawn from the establishment's range, never above
  operational capacity, and every prisoner sits in a cell that is within its own operational capacity.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from custodes.demo import names
from custodes.demo.names import EstablishmentSpec, Layout
from custodes.estate.models import (
    Cell,
    Establishment,
    Placement,
    Posting,
    Prisoner,
    StaffGrade,
    StaffMember,
    Unit,
    UnitKind,
)

TOTAL_PRISONERS = 2000
TOTAL_STAFF = 600
# Floors so that even a small test-scale estate has real wings, crowding that rounds sensibly, and a governor
# plus officers in every establishment.
MIN_IN_USE_CNA = 10
MIN_STAFF = 4

# (certified capacity, operational capacity) of a cell, with weights, by layout.
_CELL_TYPES: dict[Layout, tuple[tuple[tuple[int, int], int], ...]] = {
    Layout.DOUBLED: (((1, 2), 85), ((1, 1), 10), ((2, 3), 5)),
    Layout.SINGLE: (((1, 1), 92), ((1, 2), 8)),
    Layout.OPEN: (((1, 1), 80), ((2, 2), 20)),
}
_CELLS_PER_WING = (45, 70)  # at full scale
# Segregation and healthcare cells, as a share of the residential cells.
_SEGREGATION_SHARE = 0.03
_HEALTHCARE_SHARE = 0.02
_UPPER = string.ascii_uppercase
_T = TypeVar("_T")


@dataclass
class EstablishmentPlan:
    spec: EstablishmentSpec
    establishment: Establishment
    residential_units: list[Unit] = field(default_factory=list)
    special_units: list[Unit] = field(default_factory=list)  # segregation, healthcare
    cells: list[Cell] = field(default_factory=list)
    population: int = 0

    @property
    def in_use_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.in_use]

    @property
    def crowding(self) -> float:
        return self.population / self.establishment.in_use_cna


@dataclass
class EstatePlan:
    seed: int
    scale: float
    establishments: list[EstablishmentPlan] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    postings: list[Posting] = field(default_factory=list)
    prisoners: list[Prisoner] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    # The governing governor of each establishment, by code (demo accounts are linked to some of them).
    governors: dict[str, StaffMember] = field(default_factory=dict)

    def most_crowded(self) -> EstablishmentPlan:
        return max(self.establishments, key=lambda plan: (plan.crowding, plan.establishment.code))


def _weighted(rng: random.Random, choices: Sequence[tuple[_T, int]]) -> _T:
    values = [value for value, _ in choices]
    weights = [weight for _, weight in choices]
    return rng.choices(values, weights)[0]


def _cell_type(rng: random.Random, layout: Layout) -> tuple[int, int]:
    return _weighted(rng, _CELL_TYPES[layout])


def _unit_names(spec: EstablishmentSpec, count: int) -> list[tuple[str, str, str]]:
    """(code, name, kind) of each residential unit."""
    if spec.unit_style == "house":
        return [
            (house.upper(), f"{house} house", UnitKind.HOUSE_BLOCK.value)
            for house in names.HOUSE_NAMES[: min(count, len(names.HOUSE_NAMES))]
        ]
    if spec.unit_style == "house_block":
        return [(f"HB{n}", f"House block {n}", UnitKind.HOUSE_BLOCK.value) for n in range(1, count + 1)]
    return [(letter, f"{letter} wing", UnitKind.WING.value) for letter in _UPPER[:count]]


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def _build_establishment(rng: random.Random, spec: EstablishmentSpec, scale: float) -> EstablishmentPlan:
    # Capacity figures are filled in from the cells at the end.
    establishment = Establishment(code=spec.code, name=spec.name, category=spec.category, region=spec.region)
    plan = EstablishmentPlan(spec=spec, establishment=establishment)
    crowding = rng.uniform(*spec.crowding)
    # The segregation and healthcare cells (below) add to the in-use CNA too: leave room for them.
    special_share = (0.0 if spec.layout is Layout.OPEN else _SEGREGATION_SHARE) + (
        _HEALTHCARE_SHARE if spec.has_healthcare_unit else 0.0
    )
    population_target = TOTAL_PRISONERS * spec.population_share * scale
    target_cna = max(MIN_IN_USE_CNA, round(population_target / crowding / (1 + special_share)))

    # Residential cells in use, until their certified places reach the target in-use CNA.
    cell_types: list[tuple[int, int]] = []
    while sum(cna for cna, _ in cell_types) < target_cna:
        cell_types.append(_cell_type(rng, spec.layout))

    # How many units: from the full-scale size, so a small test-scale estate keeps the same wings, only emptier.
    full_scale_cells = TOTAL_PRISONERS * spec.population_share / sum(spec.crowding) * 2
    unit_count = max(2, round(full_scale_cells / rng.randint(*_CELLS_PER_WING)))
    unit_names = _unit_names(spec, unit_count)
    landing_counts: list[int] = []
    for (code, name, kind), size in zip(unit_names, _split(len(cell_types), len(unit_names)), strict=True):
        unit = Unit(establishment=establishment, code=code, name=name, kind=kind)
        plan.residential_units.append(unit)
        landings = rng.choice((3, 4)) if size >= 12 else 1
        landing_counts.append(landings)
        per_landing = math.ceil(size / landings) if size else 1
        for n in range(size):
            cna, op = cell_types.pop()
            landing, number = divmod(n, per_landing)
            plan.cells.append(
                Cell(
                    unit=unit,
                    establishment=establishment,
                    label=f"{code}-{landing + 1}-{number + 1:02d}",
                    certified_capacity=cna,
                    operational_capacity=op,
                )
            )

    # One landing closed for refurbishment: out of use, so outside the in-use CNA and holding nobody.
    resident_count = len(plan.cells)
    closed_index = rng.randrange(len(plan.residential_units))
    closed_unit = plan.residential_units[closed_index]
    closed_landing = landing_counts[closed_index] + 1
    for number in range(max(1, round(resident_count * rng.uniform(0.02, 0.06)))):
        cna, op = _cell_type(rng, spec.layout)
        plan.cells.append(
            Cell(
                unit=closed_unit,
                establishment=establishment,
                label=f"{closed_unit.code}-{closed_landing}-{number + 1:02d}",
                certified_capacity=cna,
                operational_capacity=op,
                in_use=False,
            )
        )

    # Single cells for segregation (closed prisons) and healthcare, certified and used for one.
    special: list[tuple[str, str, str, int]] = []
    if spec.layout is not Layout.OPEN:
        special.append(
            ("SEG", "Segregation unit", UnitKind.SEGREGATION.value, max(1, round(resident_count * _SEGREGATION_SHARE)))
        )
    if spec.has_healthcare_unit:
        special.append(
            ("HCC", "Healthcare centre", UnitKind.HEALTHCARE.value, max(1, round(resident_count * _HEALTHCARE_SHARE)))
        )
    for code, name, kind, size in special:
        unit = Unit(establishment=establishment, code=code, name=name, kind=kind)
        plan.special_units.append(unit)
        plan.cells.extend(
            Cell(
                unit=unit,
                establishment=establishment,
                label=f"{code}-1-{number + 1:02d}",
                certified_capacity=1,
                operational_capacity=1,
            )
            for number in range(size)
        )

    in_use = plan.in_use_cells
    establishment.in_use_cna = sum(cell.certified_capacity for cell in in_use)
    establishment.operational_capacity = sum(cell.operational_capacity for cell in in_use)
    plan.population = min(round(establishment.in_use_cna * crowding), establishment.operational_capacity)
    return plan


def _person_name(rng: random.Random, *, women: bool | None) -> tuple[str, str]:
    if women is None:  # staff: either list
        pool = names.FIRST_NAMES_MEN if rng.random() < 0.55 else names.FIRST_NAMES_WOMEN
    else:
        pool = names.FIRST_NAMES_WOMEN if women else names.FIRST_NAMES_MEN
    return rng.choice(pool), rng.choice(names.LAST_NAMES)


def _unique(rng: random.Random, seen: set[str], make: Callable[[random.Random], str]) -> str:
    while True:
        value = make(rng)
        if value not in seen:
            seen.add(value)
            return value


def _prison_number(rng: random.Random) -> str:
    # One letter, four digits, two letters (DESIGN.md §4); always "Z" first, like the demo's establishment
    # codes, so a demo prison number cannot be a real person's.
    return f"Z{rng.randrange(10000):04d}{rng.choice(_UPPER)}{rng.choice(_UPPER)}"


def _staff_number(rng: random.Random) -> str:
    return f"ZS{rng.randrange(100000):05d}"


def _cell_slots(rng: random.Random, plan: EstablishmentPlan) -> list[Cell]:
    """The cell of each prisoner: every certified place is filled before any cell is doubled up."""
    in_use = plan.in_use_cells
    certified = [cell for cell in in_use for _ in range(cell.certified_capacity)]
    rng.shuffle(certified)
    if plan.population <= len(certified):
        return certified[: plan.population]
    extra = [cell for cell in in_use for _ in range(cell.operational_capacity - cell.certified_capacity)]
    rng.shuffle(extra)
    return certified + extra[: plan.population - len(certified)]


def _add_prisoners(rng: random.Random, estate: EstatePlan, today: dt.date) -> None:
    seen: set[str] = set()
    for plan in estate.establishments:
        # Earlier placements: within this prison, or (for men) a transfer from another men's establishment.
        transfers_from = [
            other
            for other in estate.establishments
            if other is not plan and other.spec.holds_women == plan.spec.holds_women
        ]
        for cell in _cell_slots(rng, plan):
            first, last = _person_name(rng, women=plan.spec.holds_women)
            prisoner = Prisoner(
                prison_number=_unique(rng, seen, _prison_number),
                first_name=first,
                last_name=last,
                current_establishment=plan.establishment,
                current_cell=cell,
            )
            estate.prisoners.append(prisoner)
            start = today - dt.timedelta(days=rng.randint(1, 730))
            estate.placements.append(
                Placement(prisoner=prisoner, establishment=plan.establishment, cell=cell, start_date=start)
            )
            for _ in range(_weighted(rng, ((0, 50), (1, 35), (2, 15)))):
                where = rng.choice(transfers_from) if transfers_from and rng.random() < 0.4 else plan
                end = start
                start = end - dt.timedelta(days=rng.randint(7, 400))
                estate.placements.append(
                    Placement(
                        prisoner=prisoner,
                        establishment=where.establishment,
                        cell=rng.choice(where.cells),
                        start_date=start,
                        end_date=end,
                    )
                )


def _add_staff(rng: random.Random, estate: EstatePlan, today: dt.date) -> None:
    seen: set[str] = set()
    grades = names.STAFF_GRADE_WEIGHTS
    for plan in estate.establishments:
        count = max(MIN_STAFF, round(TOTAL_STAFF * plan.spec.staff_share * estate.scale))
        for index in range(count):
            grade = StaffGrade.GOVERNOR.value if index == 0 else _weighted(rng, grades)
            first, last = _person_name(rng, women=None)
            member = StaffMember(
                staff_number=_unique(rng, seen, _staff_number),
                first_name=first,
                last_name=last,
                grade=grade,
                current_establishment=plan.establishment,
            )
            estate.staff.append(member)
            if index == 0:
                estate.governors[plan.establishment.code] = member
            on_unit = grade in names.UNIT_POSTED_GRADES and rng.random() < 0.8
            start = today - dt.timedelta(days=rng.randint(30, 3650))
            estate.postings.append(
                Posting(
                    staff_member=member,
                    establishment=plan.establishment,
                    unit=rng.choice(plan.residential_units) if on_unit else None,
                    start_date=start,
                )
            )
            for _ in range(_weighted(rng, ((0, 55), (1, 30), (2, 15)))):
                where = rng.choice(estate.establishments) if rng.random() < 0.5 else plan
                end = start - dt.timedelta(days=1)
                start = end - dt.timedelta(days=rng.randint(90, 1800))
                estate.postings.append(
                    Posting(
                        staff_member=member,
                        establishment=where.establishment,
                        unit=rng.choice(where.residential_units) if on_unit else None,
                        start_date=start,
                        end_date=end,
                    )
                )


def build_estate(seed: int, *, scale: float = 1.0, today: dt.date) -> EstatePlan:
    """The whole fictional estate for ``seed``, unsaved. ``scale`` shrinks the people and cells (for tests)."""
    if not 0 < scale <= 20:
        raise ValueError("scale must be above 0 and at most 20")
    # Reproducible on purpose: the same seed must give the same estate. Nothing secret is drawn from it.
    rng = random.Random(seed)  # noqa: S311
    estate = EstatePlan(seed=seed, scale=scale)
    for spec in names.ESTABLISHMENTS:
        plan = _build_establishment(rng, spec, scale)
        estate.establishments.append(plan)
        estate.units.extend(plan.residential_units)
        estate.units.extend(plan.special_units)
        estate.cells.extend(plan.cells)
    _add_staff(rng, estate, today)
    _add_prisoners(rng, estate, today)
    return estate
