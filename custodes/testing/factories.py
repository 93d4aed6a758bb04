"""factory_boy factories for the estate and accounts. Names are drawn from made-up lists: never real people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from custodes.accounts.models import RoleGrant, User
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

_FIRST = ["Alder", "Bramble", "Corin", "Dace", "Elowen", "Fenn", "Garnet", "Hollis", "Ives", "Juno"]
_LAST = [
    "Ashgrove",
    "Brackwater",
    "Coldharbour",
    "Dunmere",
    "Elmscote",
    "Fallowfield",
    "Gorsebrook",
    "Hazeldean",
]


def _code(n: int) -> str:
    # Three letters from a counter, starting at "QAA" so test codes never look like the demo's or a real prison's.
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Q" + letters[(n // 26) % 26] + letters[n % 26]


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("code",)

    code = factory.Sequence(_code)
    name = factory.Sequence(lambda n: f"HMP Testmoor {n}")
    category = EstablishmentCategory.CATEGORY_B_LOCAL
    region = "Test region"
    in_use_cna = 400
    operational_capacity = 600


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    establishment = factory.SubFactory(EstablishmentFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} wing")


class CellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cell

    unit = factory.SubFactory(UnitFactory)
    establishment = factory.LazyAttribute(lambda o: o.unit.establishment)
    label = factory.Sequence(lambda n: f"C-{n:04d}")
    certified_capacity = 1
    operational_capacity = 2


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    staff_number = factory.Sequence(lambda n: f"TS{n:06d}")
    first_name = factory.Sequence(lambda n: _FIRST[n % len(_FIRST)])
    last_name = factory.Sequence(lambda n: _LAST[n % len(_LAST)])
    grade = StaffGrade.PRISON_OFFICER
    current_establishment = factory.SubFactory(EstablishmentFactory)

    @factory.post_generation
    def posting(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and self.current_establishment_id:
            Posting.objects.create(
                staff_member=self, establishment=self.current_establishment, start_date=dt.date(2024, 1, 1)
            )


def _prison_number(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"Z{n % 10000:04d}{letters[(n // 10000) % 24]}{letters[(n // 240000) % 24]}"


class PrisonerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prisoner
        skip_postgeneration_save = True

    prison_number = factory.Sequence(_prison_number)
    first_name = factory.Sequence(lambda n: _FIRST[(n * 7) % len(_FIRST)])
    last_name = factory.Sequence(lambda n: _LAST[(n * 3) % len(_LAST)])
    current_establishment = factory.SubFactory(EstablishmentFactory)

    @factory.post_generation
    def placement(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and self.current_establishment_id:
            Placement.objects.create(
                prisoner=self,
                establishment=self.current_establishment,
                cell=self.current_cell,
                start_date=dt.date(2025, 1, 1),
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"{_FIRST[n % len(_FIRST)]} {_LAST[n % len(_LAST)]}")
    password = factory.django.Password("a long test password 1")


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "staff"
    establishment = None
