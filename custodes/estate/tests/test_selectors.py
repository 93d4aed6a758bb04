"""Selectors: figures, filters, scope, and a fixed number of queries however long the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from custodes.core.roles import Role
from custodes.estate import selectors, services
from custodes.estate.models import EstablishmentCategory, Prisoner, StaffGrade
from custodes.estate.tests.conftest import DAY, SYSTEM, Prison, build_prison
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


def hold(prison: Prison, count: int, *, start: int = 0) -> None:
    """Put ``count`` more prisoners at the establishment (not in a cell): enough for population figures."""
    Prisoner.objects.bulk_create(
        Prisoner(
            prison_number=f"Y{start + i:04d}{prison.establishment.code[1:]}",
            first_name="Ives",
            last_name="Hazeldean",
            current_establishment=prison.establishment,
        )
        for i in range(count)
    )


@pytest.mark.parametrize(
    ("population", "cna", "expected"),
    [(1600, 943, 170), (0, 10, 0), (1, 3, 33), (1, 2, 50), (1, 8, 13), (3, 8, 38), (10, 10, 100), (11, 10, 110)],
)
def test_crowding_is_population_over_in_use_cna_rounded_half_up(population: int, cna: int, expected: int):
    assert selectors.crowding_percent(population, cna) == expected


def test_the_database_computes_the_same_crowding_as_python(prison_a: Prison):
    national = persona(Role.COUNTER_CORRUPTION_LEAD)
    held = 1  # build_prison's prisoner
    for cna in (3, 7, 8, 943):
        prison_a.establishment.in_use_cna = cna
        prison_a.establishment.save(update_fields=["in_use_cna"])
        (row,) = selectors.establishment_list(national)
        assert row.population == held
        assert row.crowding_percent == selectors.crowding_percent(held, cna)
        hold(prison_a, 5, start=held)
        held += 5


def test_establishment_list_carries_population_crowding_and_headroom(prison_a: Prison, prison_b: Prison):
    hold(prison_a, 16)  # 17 held against an in-use CNA of 10: 170%
    prison_a.establishment.in_use_cna, prison_a.establishment.operational_capacity = 10, 15
    prison_a.establishment.save()
    rows = {e.code: e for e in selectors.establishment_list(persona(Role.ANALYST))}
    assert (rows["QAA"].population, rows["QAA"].crowding_percent, rows["QAA"].headroom) == (17, 170, -2)
    assert (rows["QBB"].population, rows["QBB"].crowding_percent, rows["QBB"].headroom) == (1, 0, 599)


def test_establishment_filters(prison_a: Prison, prison_b: Prison):
    user = persona(Role.ANALYST)
    services.save_establishment(
        actor=SYSTEM,
        code="QCC",
        name="HMP Fallowfield",
        category=EstablishmentCategory.CATEGORY_D,
        region="Fictional East",
        in_use_cna=100,
        operational_capacity=100,
    )

    def codes(**filters: str) -> list[str]:
        return [e.code for e in selectors.establishment_list(user, **filters)]

    assert codes() == ["QCC", "QAA", "QBB"]  # by name
    assert codes(search="testmoor") == ["QAA", "QBB"]
    assert codes(search="qbb") == ["QBB"]
    assert codes(search="qcc") == ["QCC"]
    assert codes(search="QC") == []  # a code matches whole, a name in part
    assert codes(region="Fictional East") == ["QCC"]
    assert codes(category=EstablishmentCategory.CATEGORY_B_LOCAL) == ["QAA", "QBB"]
    assert codes(search="Testmoor", category=EstablishmentCategory.CATEGORY_D) == []
    assert selectors.region_choices(user) == ["Fictional East", "Fictional North", "Fictional South"]


def test_lists_show_only_what_the_scope_allows(prison_a: Prison, prison_b: Prison):
    governor = persona(Role.GOVERNOR, prison_a.establishment)
    assert [e.code for e in selectors.establishment_list(governor)] == ["QAA"]
    assert list(selectors.prisoner_list(governor)) == [prison_a.prisoner]
    assert list(selectors.staff_list(governor)) == [prison_a.staff_member]
    assert [u.pk for u in selectors.unit_list(governor)] == [prison_a.unit.pk]
    assert [c.pk for c in selectors.cell_list(governor)] == [prison_a.cell.pk]
    assert selectors.establishment_choices(governor) == [("QAA", "HMP Testmoor QAA")]
    # Filtering by an establishment outside the scope finds nothing, rather than widening the scope.
    assert list(selectors.prisoner_list(governor, establishment="QBB")) == []


def test_a_role_that_may_never_see_prisoners_is_refused_not_shown_an_empty_list(prison_a: Prison):
    analyst = persona(Role.ANALYST)
    with pytest.raises(PermissionDenied):
        selectors.prisoner_list(analyst)
    with pytest.raises(PermissionDenied):
        selectors.staff_list(analyst)
    with pytest.raises(PermissionDenied):
        selectors.prisoner_detail(analyst, prison_number=prison_a.prisoner.prison_number)


def test_out_of_scope_and_absent_objects_are_the_same_404(prison_a: Prison, prison_b: Prison):
    governor = persona(Role.GOVERNOR, prison_a.establishment)
    for lookup in (prison_b.prisoner.prison_number, "Z9999ZZ"):
        with pytest.raises(Http404):
            selectors.prisoner_detail(governor, prison_number=lookup)
    with pytest.raises(Http404):
        selectors.establishment_detail(governor, code="QBB")
    with pytest.raises(Http404):
        selectors.unit_detail(governor, establishment_code="QBB", unit_code="A")
    with pytest.raises(Http404):
        selectors.cell_by_id(governor, cell_id=prison_b.cell.pk)


def test_establishment_detail_has_unit_figures(prison_a: Prison):
    unit_b = services.save_unit(actor=SYSTEM, establishment=prison_a.establishment, code="B", name="B wing")
    services.save_cell(actor=SYSTEM, unit=prison_a.unit, label="A-1-02", certified_capacity=2, operational_capacity=3)
    services.save_cell(
        actor=SYSTEM, unit=prison_a.unit, label="A-1-03", certified_capacity=1, operational_capacity=1, in_use=False
    )
    hold(prison_a, 2)  # at the establishment, not in a cell
    detail = selectors.establishment_detail(persona(Role.INSPECTOR), code="QAA")
    assert detail.establishment.population == 3
    assert detail.without_cell == 2
    units = {u.code: u for u in detail.units or []}
    a = units["A"]
    assert (a.cell_count, a.cells_in_use, a.in_use_cna, a.operational_capacity, a.population) == (3, 2, 3, 5, 1)
    b = units["B"]
    assert (b.cell_count, b.cells_in_use, b.in_use_cna, b.operational_capacity, b.population) == (0, 0, 0, 0, 0)
    assert unit_b.pk == b.pk
    assert detail.may_see_prisoners
    assert not detail.may_see_staff


def test_establishment_detail_hides_units_from_roles_that_may_not_see_them(prison_a: Prison):
    detail = selectors.establishment_detail(persona(Role.STAFF, prison_a.establishment), code="QAA")
    assert detail.units is None
    assert not detail.may_see_prisoners
    assert not detail.may_see_staff


def test_what_a_page_offers_follows_the_grant_for_that_establishment(prison_a: Prison, prison_b: Prison):
    """An analyst nationally and a governor at A: at B, figures only; at A, prisoners and staff too."""
    user = persona(Role.ANALYST)
    user.role_grants.create(role=Role.GOVERNOR, establishment=prison_a.establishment)
    user.forget_policy_grants()
    at_a = selectors.establishment_detail(user, code="QAA")
    at_b = selectors.establishment_detail(user, code="QBB")
    assert at_a.may_see_prisoners
    assert at_a.may_see_staff
    assert not at_b.may_see_prisoners
    assert not at_b.may_see_staff
    assert selectors.cell_detail(user, establishment_code="QBB", unit_code="A", label="A-1-01").occupants is None


def test_unit_and_cell_detail(prison_a: Prison):
    inspector = persona(Role.INSPECTOR)
    unit = selectors.unit_detail(inspector, establishment_code="QAA", unit_code="A")
    assert [(c.label, c.occupancy) for c in unit.cells or []] == [("A-1-01", 1)]
    cell = selectors.cell_detail(inspector, establishment_code="QAA", unit_code="A", label="A-1-01")
    assert cell.cell.occupancy == 1
    assert cell.occupants == [prison_a.prisoner]
    # The analyst sees capacity and occupancy, never named prisoners.
    analyst_view = selectors.cell_detail(persona(Role.ANALYST), establishment_code="QAA", unit_code="A", label="A-1-01")
    assert analyst_view.cell.occupancy == 1
    assert analyst_view.occupants is None


def test_prisoner_filters(prison_a: Prison, prison_b: Prison):
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)

    def numbers(**filters: str) -> list[str]:
        return [p.prison_number for p in selectors.prisoner_list(lead, **filters)]

    assert numbers() == ["Z1001AB", "Z1002AB"]
    assert numbers(prison_number="z1002") == ["Z1002AB"]
    assert numbers(prison_number="Z100") == ["Z1001AB", "Z1002AB"]
    assert numbers(name="corin dunmereQBB") == ["Z1002AB"]
    assert numbers(name="Corin Nobody") == []
    assert numbers(establishment="QAA") == ["Z1001AB"]


def test_prisoner_detail_lists_placements_newest_first(prison_a: Prison, prison_b: Prison):
    services.move_prisoner(
        actor=SYSTEM, prisoner=prison_a.prisoner, cell=prison_b.cell, start_date=DAY + dt.timedelta(days=30)
    )
    detail = selectors.prisoner_detail(persona(Role.COUNTER_CORRUPTION_LEAD), prison_number="Z1001AB")
    assert [(p.establishment.code, p.end_date) for p in detail.placements] == [
        ("QBB", None),
        ("QAA", DAY + dt.timedelta(days=30)),
    ]
    assert detail.prisoner.current_cell == prison_b.cell


def test_staff_filters_and_detail(prison_a: Prison, prison_b: Prison):
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    services.save_staff_member(
        actor=SYSTEM, staff_number="GOV0001", first_name="Juno", last_name="Elmscote", grade=StaffGrade.GOVERNOR
    )

    def numbers(**filters: str) -> list[str]:
        return [s.staff_number for s in selectors.staff_list(lead, **filters)]

    assert numbers() == ["TSQAA001", "TSQBB002", "GOV0001"]  # last name, first name
    assert numbers(grade=StaffGrade.GOVERNOR) == ["GOV0001"]
    assert numbers(staff_number="tsq") == ["TSQAA001", "TSQBB002"]
    assert numbers(name="brackwaterqaa") == ["TSQAA001"]
    assert numbers(establishment="QBB") == ["TSQBB002"]
    detail = selectors.staff_detail(lead, staff_number="TSQAA001")
    assert [(p.establishment.code, p.end_date) for p in detail.postings] == [("QAA", None)]


# --- Query counts: the same few queries whatever the length of the list -----------------------------------------


def _grow(count: int, start: int) -> None:
    for n in range(start, start + count):
        build_prison(f"Q{chr(67 + n // 26)}{chr(65 + n % 26)}", n=n + 10)


@pytest.mark.parametrize("size", [2, 12])
def test_establishment_list_costs_one_query_however_long(size: int, django_assert_num_queries):
    _grow(size, 0)
    user = persona(Role.COUNTER_CORRUPTION_LEAD)
    user.policy_grants()  # the account's grants are read once per request, not per list
    with django_assert_num_queries(1):
        rows = list(selectors.establishment_list(user))
        assert [r.population for r in rows] == [1] * size


@pytest.mark.parametrize("size", [2, 12])
def test_people_lists_cost_one_query_however_long(size: int, django_assert_num_queries):
    _grow(size, 0)
    user = persona(Role.COUNTER_CORRUPTION_LEAD)
    user.policy_grants()
    with django_assert_num_queries(1):
        prisoners = list(selectors.prisoner_list(user))
        assert all(p.current_cell.unit.code == "A" for p in prisoners)  # type: ignore[union-attr]
        assert all(p.current_establishment is not None for p in prisoners)
    with django_assert_num_queries(1):
        staff = list(selectors.staff_list(user))
        assert all(s.current_establishment is not None for s in staff)
    with django_assert_num_queries(1):
        assert len([c.occupancy for c in selectors.cell_list(user)]) == size
    with django_assert_num_queries(1):
        assert len([(u.establishment.code, u.population) for u in selectors.unit_list(user)]) == size


def test_detail_pages_cost_a_fixed_number_of_queries(prison_a: Prison, django_assert_num_queries):
    for label in ("A-2-01", "A-2-02", "A-2-03"):
        services.save_cell(actor=SYSTEM, unit=prison_a.unit, label=label, certified_capacity=1, operational_capacity=1)
    for day in (10, 20, 30):
        services.move_prisoner(
            actor=SYSTEM, prisoner=prison_a.prisoner, cell=prison_a.cell, start_date=DAY + dt.timedelta(days=day)
        )
    user = persona(Role.COUNTER_CORRUPTION_LEAD)
    user.policy_grants()
    with django_assert_num_queries(2):  # the establishment with its figures; its units with theirs
        detail = selectors.establishment_detail(user, code="QAA")
        assert [u.cell_count for u in detail.units or []] == [4]
    with django_assert_num_queries(2):  # the unit; its cells
        unit = selectors.unit_detail(user, establishment_code="QAA", unit_code="A")
        assert len(unit.cells or []) == 4
    with django_assert_num_queries(2):  # the prisoner; the placements, with establishment, cell and unit joined
        prisoner = selectors.prisoner_detail(user, prison_number=prison_a.prisoner.prison_number)
        assert [p.cell.unit.code for p in prisoner.placements if p.cell] == ["A"] * 4
    with django_assert_num_queries(2):
        staff = selectors.staff_detail(user, staff_number=prison_a.staff_member.staff_number)
        assert [p.establishment.code for p in staff.postings] == ["QAA"]
