import pytest

from custodes.core import policy
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_an_unknown_action_raises_instead_of_allowing():
    user = persona(Role.COUNTER_CORRUPTION_LEAD)
    with pytest.raises(policy.UnknownAction):
        policy.can(user, "estate.view_prisonr")
    with pytest.raises(policy.UnknownAction):
        policy.visible(user, "estate.view_prisonr")


def test_a_content_action_cannot_be_granted_to_the_system_administrator():
    with pytest.raises(ValueError, match="never see content"):
        policy.Rule(
            action="test.read_narrative",
            roles=frozenset({Role.SYSTEM_ADMINISTRATOR}),
            description="x",
            content=True,
        )


def test_establishment_grant_sees_only_its_establishment():
    home, away = EstablishmentFactory(), EstablishmentFactory()
    governor = persona(Role.GOVERNOR, home)
    assert policy.decide(governor, "estate.view_establishment", home) is policy.Decision.ALLOW
    assert policy.decide(governor, "estate.view_establishment", away) is policy.Decision.HIDE
    assert list(policy.visible(governor, "estate.view_establishment")) == [home]
    assert policy.decide(governor, "estate.manage") is policy.Decision.FORBID


def test_a_narrowing_limits_one_role_in_both_object_checks_and_querysets():
    from django.db.models import Q

    from custodes.estate.models import Unit
    from custodes.testing.factories import UnitFactory

    policy.register(
        policy.Rule(
            action="test.view_wing_only",
            roles=frozenset({Role.GOVERNOR, Role.COUNTER_CORRUPTION_LEAD}),
            description="test rule: governors see only units of kind wing",
            model=Unit,
            establishment_of=lambda unit: unit.establishment_id,
            establishment_lookup="establishment_id",
            narrowing={
                Role.GOVERNOR: policy.Narrowing(
                    allows=lambda user, unit: unit.kind == "wing", q=lambda user: Q(kind="wing")
                )
            },
        )
    )
    prison = EstablishmentFactory()
    wing = UnitFactory(establishment=prison, kind="wing")
    healthcare = UnitFactory(establishment=prison, kind="healthcare")
    elsewhere = UnitFactory(kind="wing")
    governor = persona(Role.GOVERNOR, prison)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)

    assert policy.can(governor, "test.view_wing_only", wing)
    assert policy.decide(governor, "test.view_wing_only", healthcare) is policy.Decision.HIDE
    assert policy.decide(governor, "test.view_wing_only", elsewhere) is policy.Decision.HIDE
    assert set(policy.visible(governor, "test.view_wing_only")) == {wing}
    assert set(policy.visible(lead, "test.view_wing_only")) == {wing, healthcare, elsewhere}
