"""The account administration services: the rules they enforce and the audit events they write."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts import services
from custodes.accounts.models import ApiToken, RoleGrant, User
from custodes.accounts.services import AccountRuleError
from custodes.accounts.tests.conftest import authenticator, events
from custodes.audit import SYSTEM
from custodes.audit.models import AuditEvent
from custodes.core import policy
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory, UserFactory
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


def _grants(user: User) -> set[tuple[str, int | None]]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", "establishment_id"))


# --- Creating accounts ---------------------------------------------------------------------------------------


def test_a_new_person_gets_a_one_time_password_they_must_change(admin):
    created = services.create_account(actor=admin, username="fenn.dunmere", full_name="Fenn Dunmere")
    user = User.objects.get(username="fenn.dunmere")
    assert created.one_time_password is not None
    assert user.check_password(created.one_time_password)
    assert user.must_change_password
    assert created.one_time_password not in user.password
    [event] = events("accounts.created")
    assert event.actor_id == admin.pk
    assert event.target_id == str(user.pk)
    assert event.detail == {
        "username": "fenn.dunmere",
        "service_account": False,
        "staff_number": "",
        "password": "generated",
    }


def test_one_time_passwords_are_long_and_different():
    first, second = services.generate_one_time_password(), services.generate_one_time_password()
    assert first != second
    assert len(first.replace("-", "")) == 20


def test_an_administrator_may_set_the_first_password_but_it_must_pass_the_validators(admin):
    with pytest.raises(AccountRuleError) as refused:
        services.create_account(actor=admin, username="garnet", full_name="Garnet Gorsebrook", password="short")
    assert refused.value.field == "password"
    assert "too short" in refused.value.message
    assert not User.objects.filter(username="garnet").exists()
    assert events("accounts.created") == []

    created = services.create_account(
        actor=admin, username="garnet", full_name="Garnet Gorsebrook", password="heather moorland lantern"
    )
    assert created.one_time_password is None
    assert created.user.check_password("heather moorland lantern")
    assert created.user.must_change_password
    assert events("accounts.created")[0].detail["password"] == "set by administrator"


def test_usernames_are_unique_whatever_their_case(admin):
    services.create_account(actor=admin, username="Hollis", full_name="Hollis Hazeldean")
    with pytest.raises(AccountRuleError) as refused:
        services.create_account(actor=admin, username="hollis", full_name="Another Hollis")
    assert refused.value.field == "username"


def test_the_database_itself_refuses_usernames_differing_only_in_case():
    from django.db import IntegrityError, transaction

    UserFactory(username="ives")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="IVES")


def test_an_account_can_be_linked_to_one_staff_member(admin):
    member = StaffMemberFactory()
    user = services.create_account(actor=admin, username="juno", full_name="Juno Elmscote", staff_member=member).user
    assert user.staff_member == member
    assert events("accounts.created")[0].detail["staff_number"] == member.staff_number
    with pytest.raises(AccountRuleError) as refused:
        services.create_account(actor=admin, username="juno2", full_name="Juno Two", staff_member=member)
    assert refused.value.field == "staff_number"


def test_a_service_account_never_has_a_password(admin):
    robot = services.create_account(
        actor=admin, username="estate-feed", full_name="Estate data feed", is_service_account=True
    )
    assert robot.one_time_password is None
    assert not robot.user.has_usable_password()
    assert not robot.user.must_change_password
    with pytest.raises(AccountRuleError):
        services.create_account(
            actor=admin,
            username="estate-feed-2",
            full_name="Estate data feed",
            is_service_account=True,
            password="heather moorland lantern",
        )


def test_bad_field_values_are_refused_by_the_service_too(admin):
    with pytest.raises(AccountRuleError) as refused:
        services.create_account(actor=admin, username="no spaces allowed", full_name="Dace Dunmere")
    assert refused.value.field == "username"
    with pytest.raises(AccountRuleError) as refused:
        services.create_account(actor=admin, username="dace", full_name="Dace", email="not-an-address")
    assert refused.value.field == "email"


# --- Every service re-checks the policy ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM_ADMINISTRATOR])
def test_only_a_system_administrator_may_call_the_services(role: Role, establishment):
    scope = establishment if not ROLE_DEFINITIONS[role].national else None
    outsider = persona(role, scope)
    target = persona(Role.STAFF, establishment)
    device = authenticator(target)
    grant = RoleGrant.objects.get(user=target)
    token = ApiToken.objects.create(user=target, name="t", prefix="cst_x", token_hash="0" * 64, scopes=[])
    before = AuditEvent.objects.count()
    attempts = [
        lambda: services.create_account(actor=outsider, username="sneaky", full_name="Sneaky"),
        lambda: services.grant_role(actor=outsider, user=target, role=Role.SYSTEM_ADMINISTRATOR),
        lambda: services.validate_role_grant(actor=outsider, user=target, role=Role.ANALYST, establishment=None),
        lambda: services.revoke_role(actor=outsider, grant=grant),
        lambda: services.deactivate_account(actor=outsider, user=target),
        lambda: services.reactivate_account(actor=outsider, user=target),
        lambda: services.reset_two_factor(actor=outsider, user=target),
        lambda: services.unlock_account(actor=outsider, user=target),
        lambda: services.set_password(actor=outsider, user=target),
        lambda: services.create_api_token(actor=outsider, user=target, name="x", scopes=["estate:read"]),
        lambda: services.revoke_api_token(actor=outsider, token=token),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert AuditEvent.objects.count() == before
    assert User.objects.filter(username="sneaky").count() == 0
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_deactivated_administrator_can_no_longer_call_the_services(admin, second_admin):
    services.deactivate_account(actor=second_admin, user=admin)
    with pytest.raises(PermissionDenied):
        services.create_account(actor=admin, username="late", full_name="Too Late")


# --- Granting roles ------------------------------------------------------------------------------------------


def test_granting_a_role_records_it_and_takes_effect_at_once(admin, establishment):
    user = persona(Role.STAFF, establishment)
    assert not policy.can(user, "estate.view_staff")

    services.grant_role(actor=admin, user=user, role=Role.GOVERNOR, establishment=establishment)

    assert policy.can(user, "estate.view_staff")  # the cached grants were forgotten
    [event] = events("accounts.role_granted")
    assert event.actor_id == admin.pk
    assert event.target_id == str(user.pk)
    assert event.establishment == establishment.code
    assert event.detail == {"username": user.username, "role": "governor", "scope": establishment.code}


@pytest.mark.parametrize(
    ("role", "national", "message"),
    [
        (Role.GOVERNOR, True, "held at one establishment"),
        (Role.STAFF, True, "held at one establishment"),
        (Role.TRIAGER, True, "held at one establishment"),
        (Role.COUNTER_CORRUPTION_LEAD, False, "held nationally"),
        (Role.REPORTER_LIAISON, False, "held nationally"),
        (Role.ANALYST, False, "held nationally"),
        (Role.SYSTEM_ADMINISTRATOR, False, "held nationally"),
    ],
)
def test_a_role_is_granted_only_in_the_scopes_it_may_hold(admin, establishment, role, national, message):
    user = UserFactory()
    with pytest.raises(AccountRuleError, match=message) as refused:
        services.grant_role(actor=admin, user=user, role=role, establishment=None if national else establishment)
    assert refused.value.field == "establishment"
    assert _grants(user) == set()
    assert events("accounts.role_granted") == []


def test_roles_held_both_ways_may_be_granted_either_way(admin, establishment):
    user = UserFactory()
    services.grant_role(actor=admin, user=user, role=Role.INVESTIGATOR)
    services.grant_role(actor=admin, user=user, role=Role.INVESTIGATOR, establishment=establishment)
    assert _grants(user) == {("investigator", None), ("investigator", establishment.pk)}


def test_the_same_grant_twice_is_refused(admin, establishment):
    user = persona(Role.GOVERNOR, establishment)
    with pytest.raises(AccountRuleError, match="already holds"):
        services.grant_role(actor=admin, user=user, role=Role.GOVERNOR, establishment=establishment)
    other = EstablishmentFactory()
    services.grant_role(actor=admin, user=user, role=Role.GOVERNOR, establishment=other)


def test_a_closed_establishment_is_refused(admin):
    closed = EstablishmentFactory(is_active=False)
    with pytest.raises(AccountRuleError, match="closed"):
        services.grant_role(actor=admin, user=UserFactory(), role=Role.GOVERNOR, establishment=closed)


def test_an_unknown_role_is_refused(admin):
    with pytest.raises(AccountRuleError):
        services.grant_role(actor=admin, user=UserFactory(), role="superuser")


@pytest.mark.parametrize("content_role", [r for r in Role if ROLE_DEFINITIONS[r].sees_content])
def test_a_system_administrator_never_also_holds_a_role_that_sees_content(admin, establishment, content_role):
    scope = None if ROLE_DEFINITIONS[content_role].national else establishment

    sysadmin = persona(Role.SYSTEM_ADMINISTRATOR)
    with pytest.raises(AccountRuleError, match="may not see reports or cases"):
        services.grant_role(actor=admin, user=sysadmin, role=content_role, establishment=scope)
    assert _grants(sysadmin) == {("system_administrator", None)}

    holder = persona(content_role, scope)
    with pytest.raises(AccountRuleError, match="may not see reports or cases"):
        services.grant_role(actor=admin, user=holder, role=Role.SYSTEM_ADMINISTRATOR)
    assert ("system_administrator", None) not in _grants(holder)


@pytest.mark.parametrize("blind_role", [Role.INSPECTOR, Role.ANALYST])
def test_roles_that_never_see_content_may_sit_beside_system_administrator(admin, blind_role):
    user = persona(Role.SYSTEM_ADMINISTRATOR)
    services.grant_role(actor=admin, user=user, role=blind_role)
    assert (blind_role.value, None) in _grants(user)


def test_nobody_changes_their_own_roles(admin, second_admin):
    with pytest.raises(AccountRuleError, match="your own roles"):
        services.grant_role(actor=admin, user=admin, role=Role.ANALYST)
    own = RoleGrant.objects.get(user=admin)
    with pytest.raises(AccountRuleError, match="your own roles"):
        services.revoke_role(actor=admin, grant=own)
    assert RoleGrant.objects.filter(pk=own.pk).exists()


# --- Revoking roles ------------------------------------------------------------------------------------------


def test_revoking_a_role_records_it_and_takes_effect_at_once(admin, establishment):
    user = persona(Role.GOVERNOR, establishment)
    grant = RoleGrant.objects.select_related("user").get(user=user)
    assert policy.can(grant.user, "estate.view_staff")

    services.revoke_role(actor=admin, grant=grant)

    assert not policy.can(grant.user, "estate.view_staff")  # the caller's instance forgot its cached grants
    assert _grants(user) == set()
    [event] = events("accounts.role_revoked")
    assert event.detail == {"username": user.username, "role": "governor", "scope": establishment.code}
    assert event.establishment == establishment.code


def test_one_administrator_may_remove_another(admin, second_admin):
    services.revoke_role(actor=admin, grant=RoleGrant.objects.get(user=second_admin))
    assert _grants(second_admin) == set()


def test_the_last_system_administrator_cannot_be_removed(admin):
    # From the command line (the only actor that is not itself an administrator) the rule still holds.
    with pytest.raises(AccountRuleError, match="only active system administrator"):
        services.revoke_role(actor=SYSTEM, grant=RoleGrant.objects.get(user=admin))
    with pytest.raises(AccountRuleError, match="only active system administrator"):
        services.deactivate_account(actor=SYSTEM, user=admin)
    assert _grants(admin) == {("system_administrator", None)}
    assert User.objects.get(pk=admin.pk).is_active


def test_an_inactive_administrator_does_not_count_as_another(admin, second_admin):
    services.deactivate_account(actor=admin, user=second_admin)
    with pytest.raises(AccountRuleError, match="only active system administrator"):
        services.deactivate_account(actor=SYSTEM, user=admin)


# --- Deactivating and reactivating ---------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_revokes_tokens(admin, establishment):
    user = persona(Role.GOVERNOR, establishment)
    client = signed_in_client(user)
    assert client.get("/").status_code == 200
    issued = services.create_api_token(actor=admin, user=user, name="feed", scopes=["estate:read"])

    revoked = services.deactivate_account(actor=admin, user=user)

    assert revoked == 1
    assert not User.objects.get(pk=user.pk).is_active
    assert client.get("/").status_code == 302
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
    [event] = events("accounts.deactivated")
    assert event.detail == {"username": user.username, "tokens_revoked": 1}

    services.reactivate_account(actor=admin, user=user)
    assert User.objects.get(pk=user.pk).is_active
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None  # a leaver's tokens stay dead
    assert [e.target_id for e in events("accounts.reactivated")] == [str(user.pk)]


def test_nobody_deactivates_themselves(admin, second_admin):
    with pytest.raises(AccountRuleError, match="your own account"):
        services.deactivate_account(actor=admin, user=admin)
    assert User.objects.get(pk=admin.pk).is_active


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(admin, establishment):
    user = persona(Role.STAFF, establishment)
    with pytest.raises(AccountRuleError, match="already active"):
        services.reactivate_account(actor=admin, user=user)
    services.deactivate_account(actor=admin, user=user)
    with pytest.raises(AccountRuleError, match="already deactivated"):
        services.deactivate_account(actor=admin, user=user)
    assert len(events("accounts.deactivated")) == 1


# --- Second factor and passwords -----------------------------------------------------------------------------


def test_resetting_the_authenticator_removes_it_and_unverifies_sessions(admin, establishment):
    user = persona(Role.STAFF, establishment)
    client = signed_in_client(user)  # has a confirmed device and a verified session
    assert client.get("/").status_code == 200

    removed = services.reset_two_factor(actor=admin, user=user)

    assert removed == 1
    assert not TOTPDevice.objects.filter(user=user).exists()
    response = client.get("/")
    assert response["Location"] == "/sign-in/code"
    assert client.get("/sign-in/code")["Location"] == "/sign-in/set-up-authenticator"
    [event] = events("accounts.two_factor_reset")
    assert event.detail == {"username": user.username, "devices_removed": 1}


def test_resetting_needs_an_authenticator_and_someone_else(admin, second_admin, establishment):
    with pytest.raises(AccountRuleError, match="no authenticator"):
        services.reset_two_factor(actor=admin, user=persona(Role.STAFF, establishment))
    authenticator(admin)
    with pytest.raises(AccountRuleError, match="your own authenticator"):
        services.reset_two_factor(actor=admin, user=admin)
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_an_administrator_sets_a_temporary_password(admin, establishment):
    user = persona(Role.STAFF, establishment)
    client = signed_in_client(user)

    one_time = services.set_password(actor=admin, user=user)

    stored = User.objects.get(pk=user.pk)
    assert one_time is not None
    assert stored.check_password(one_time)
    assert stored.must_change_password
    assert client.get("/").status_code == 302  # the old password's sessions end
    [event] = events("accounts.password_set")
    assert event.detail == {"by": "administrator", "generated": True, "temporary": True}
    assert one_time not in str(event.detail)


def test_an_administrator_cannot_reset_their_own_password_or_a_service_account(admin, second_admin):
    with pytest.raises(AccountRuleError, match="your own password"):
        services.set_password(actor=admin, user=admin)
    robot = services.create_account(actor=admin, username="bot", full_name="Bot", is_service_account=True).user
    with pytest.raises(AccountRuleError, match="no password"):
        services.set_password(actor=admin, user=robot)
    with pytest.raises(AccountRuleError, match="too common"):
        services.set_password(actor=admin, user=second_admin, password="password1234")
    assert not check_password("password1234", User.objects.get(pk=second_admin.pk).password)


def test_unlock_refuses_when_there_is_nothing_to_clear(admin, establishment):
    with pytest.raises(AccountRuleError, match="no failed sign-ins"):
        services.unlock_account(actor=admin, user=persona(Role.STAFF, establishment))
    assert events("accounts.unlocked") == []


# --- Bootstrap from the command line -------------------------------------------------------------------------


def test_create_administrator_command_makes_a_system_administrator(capsys):
    from django.core.management import call_command

    call_command("create-administrator", "first-admin", "--full-name", "Corin Coldharbour")

    user = User.objects.get(username="first-admin")
    assert _grants(user) == {("system_administrator", None)}
    assert user.must_change_password
    printed = capsys.readouterr().out
    one_time = printed.split("shown only now): ")[1].split()[0]
    assert user.check_password(one_time)
    created, granted = events("accounts.created")[0], events("accounts.role_granted")[0]
    assert created.actor_label == granted.actor_label == "system"


def test_create_administrator_command_refuses_a_taken_username(admin):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already exists"):
        call_command("create-administrator", admin.username.upper(), "--full-name", "Someone")


def test_the_administrator_page_client_still_works(admin_client: Client):
    assert admin_client.get("/accounts/").status_code == 200
