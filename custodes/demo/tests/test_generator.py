"""The fictional estate as built in memory: deterministic, plausible, and made only of invented things."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from typing import Any

import pytest

from custodes.demo import names
from custodes.demo.generator import EstatePlan, build_estate
from custodes.demo.names import Layout
from custodes.estate.models import (
    NOMIS_CODE_PATTERN,
    PRISON_NUMBER_PATTERN,
    STAFF_NUMBER_PATTERN,
    EstablishmentCategory,
    StaffGrade,
)

TODAY = dt.date(2025, 6, 2)


def snapshot(estate: EstatePlan) -> dict[str, Any]:
    """Everything that identifies an estate, as plain values (unsaved model instances do not compare by value)."""
    return {
        "establishments": [
            (p.establishment.code, p.establishment.in_use_cna, p.establishment.operational_capacity, p.population)
            for p in estate.establishments
        ],
        "cells": [(c.establishment.code, c.unit.code, c.label, c.certified_capacity, c.in_use) for c in estate.cells],
        "prisoners": [
            (p.prison_number, p.first_name, p.last_name, p.current_cell.label if p.current_cell else None)
            for p in estate.prisoners
        ],
        "placements": [(p.prisoner.prison_number, p.start_date, p.end_date) for p in estate.placements],
        "staff": [(m.staff_number, m.grade, m.first_name, m.last_name) for m in estate.staff],
        "postings": [(p.staff_member.staff_number, p.start_date, p.end_date) for p in estate.postings],
    }


@pytest.fixture(scope="module")
def full_estates() -> dict[int, EstatePlan]:
    return {seed: build_estate(seed, scale=1.0, today=TODAY) for seed in (1, 2, 3, 42)}


def test_the_same_seed_builds_the_same_estate():
    assert snapshot(build_estate(5, scale=0.2, today=TODAY)) == snapshot(build_estate(5, scale=0.2, today=TODAY))


def test_another_seed_builds_another_estate(full_estates: dict[int, EstatePlan]):
    one, two = full_estates[1], full_estates[2]
    assert {p.prison_number for p in one.prisoners} != {p.prison_number for p in two.prisoners}
    assert snapshot(one)["prisoners"] != snapshot(two)["prisoners"]
    assert snapshot(one)["establishments"] != snapshot(two)["establishments"]
    assert snapshot(one)["staff"] != snapshot(two)["staff"]


def test_the_full_scale_estate_is_about_the_promised_size(full_estates: dict[int, EstatePlan]):
    for estate in full_estates.values():
        assert len(estate.establishments) >= 6
        assert 1900 <= len(estate.prisoners) <= 2100
        assert 570 <= len(estate.staff) <= 630
        assert len(estate.placements) > len(estate.prisoners)  # histories, not only the current placement
        assert len(estate.postings) > len(estate.staff)


def test_crowding_is_plausible_for_every_seed(full_estates: dict[int, EstatePlan]):
    for estate in full_estates.values():
        ratios = {p.establishment.code: p.crowding for p in estate.establishments}
        assert sum(ratio > 1.5 for ratio in ratios.values()) >= 2, ratios
        assert sum(ratio <= 1.0 for ratio in ratios.values()) >= 2, ratios
        for plan in estate.establishments:
            establishment = plan.establishment
            assert plan.population <= establishment.operational_capacity
            assert plan.crowding <= 1.75
            # In-use CNA and operational capacity are exactly the in-use cells'.
            in_use = [cell for cell in plan.cells if cell.in_use]
            assert establishment.in_use_cna == sum(cell.certified_capacity for cell in in_use)
            assert establishment.operational_capacity == sum(cell.operational_capacity for cell in in_use)
            assert any(not cell.in_use for cell in plan.cells)
            if plan.spec.layout is not Layout.DOUBLED:
                assert plan.crowding <= 1.0


def test_cells_are_mostly_certified_for_one_and_used_for_two(full_estates: dict[int, EstatePlan]):
    cells = full_estates[1].cells
    kinds = Counter((cell.certified_capacity, cell.operational_capacity) for cell in cells)
    assert kinds.most_common(1)[0][0] == (1, 2)
    assert kinds[(1, 2)] > len(cells) / 2
    assert all(cell.operational_capacity >= cell.certified_capacity >= 1 for cell in cells)


def test_every_prisoner_is_in_an_in_use_cell_within_its_operational_capacity(full_estates: dict[int, EstatePlan]):
    for estate in full_estates.values():
        occupants: Counter[int] = Counter()
        for prisoner in estate.prisoners:
            cell = prisoner.current_cell
            assert cell is not None
            assert cell.in_use
            assert cell.establishment is prisoner.current_establishment
            occupants[id(cell)] += 1
        by_id = {id(cell): cell for cell in estate.cells}
        assert all(count <= by_id[key].operational_capacity for key, count in occupants.items())


def test_women_are_held_only_in_the_womens_prison(full_estates: dict[int, EstatePlan]):
    women = set(names.FIRST_NAMES_WOMEN)
    for estate in full_estates.values():
        for prisoner in estate.prisoners:
            assert prisoner.current_establishment is not None
            in_womens_prison = prisoner.current_establishment.code == "ZAV"
            assert (prisoner.first_name in women) == in_womens_prison


def test_histories_are_ordered_with_one_open_period(full_estates: dict[int, EstatePlan]):
    estate = full_estates[3]
    for owner_of, periods in (
        (lambda p: p.prisoner.prison_number, estate.placements),
        (lambda p: p.staff_member.staff_number, estate.postings),
    ):
        by_owner: dict[str, list[Any]] = {}
        for period in periods:
            by_owner.setdefault(owner_of(period), []).append(period)
        for history in by_owner.values():
            history.sort(key=lambda p: p.start_date)
            assert [p.end_date is None for p in history] == [False] * (len(history) - 1) + [True]
            for earlier, later in itertools.pairwise(history):
                assert earlier.start_date <= earlier.end_date <= later.start_date
            assert history[-1].start_date <= TODAY


def test_identifiers_have_the_right_formats_and_are_unique(full_estates: dict[int, EstatePlan]):
    for estate in full_estates.values():
        numbers = [p.prison_number for p in estate.prisoners]
        assert len(set(numbers)) == len(numbers)
        assert all(re.fullmatch(PRISON_NUMBER_PATTERN, n) and n.startswith("Z") for n in numbers)
        staff_numbers = [m.staff_number for m in estate.staff]
        assert len(set(staff_numbers)) == len(staff_numbers)
        assert all(re.fullmatch(STAFF_NUMBER_PATTERN, n) for n in staff_numbers)
        labels = [(c.unit.establishment.code, c.unit.code, c.label) for c in estate.cells]
        assert len(set(labels)) == len(labels)


def test_every_establishment_has_one_governor_and_staff_across_grades(full_estates: dict[int, EstatePlan]):
    estate = full_estates[1]
    governors = Counter(m.current_establishment.code for m in estate.staff if m.grade == StaffGrade.GOVERNOR)
    assert governors == Counter({plan.establishment.code: 1 for plan in estate.establishments})
    assert set(estate.governors) == set(governors)
    grades = Counter(m.grade for m in estate.staff)
    assert grades.most_common(1)[0][0] == StaffGrade.PRISON_OFFICER
    assert set(grades) <= set(StaffGrade.values)


def test_a_small_scale_keeps_the_estate_shape():
    small = build_estate(9, scale=0.05, today=TODAY)
    assert len(small.establishments) == len(names.ESTABLISHMENTS)
    assert 60 <= len(small.prisoners) <= 200
    assert all(len(plan.residential_units) >= 2 for plan in small.establishments)
    assert max(plan.crowding for plan in small.establishments) > 1.5


@pytest.mark.parametrize("scale", [0, -1, 21])
def test_a_scale_out_of_range_is_refused(scale: float):
    with pytest.raises(ValueError, match="scale"):
        build_estate(1, scale=scale, today=TODAY)


def test_the_establishment_list_is_fictional_and_varied():
    specs = names.ESTABLISHMENTS
    assert len(specs) >= 6
    codes = [spec.code for spec in specs]
    assert len(set(codes)) == len(codes)
    # No real NOMIS code starts with Z: demo establishments can never be confused with real ones.
    assert all(re.fullmatch(NOMIS_CODE_PATTERN, code) and code.startswith("Z") for code in codes)
    assert len({spec.name for spec in specs}) == len(specs)
    assert {spec.category for spec in specs} <= set(EstablishmentCategory.values)
    assert len({spec.category for spec in specs}) >= 5
    assert "Wales" in {spec.region for spec in specs}
    assert sum(spec.holds_women for spec in specs) == 1
    assert sum(spec.population_share for spec in specs) == pytest.approx(1.0)
    assert sum(spec.staff_share for spec in specs) == pytest.approx(1.0)
    assert sum(weight for _, weight in names.STAFF_GRADE_WEIGHTS) > 0
    assert {grade for grade, _ in names.STAFF_GRADE_WEIGHTS} <= set(StaffGrade.values)


def test_the_name_lists_have_no_duplicates_and_enough_variety():
    for pool in (names.FIRST_NAMES_MEN, names.FIRST_NAMES_WOMEN, names.LAST_NAMES):
        assert len(set(pool)) == len(pool) >= 30
    assert not set(names.FIRST_NAMES_MEN) & set(names.FIRST_NAMES_WOMEN)
