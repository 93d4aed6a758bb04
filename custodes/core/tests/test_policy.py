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
