"""Lockout after repeated failures, by username only, with no record of where anyone connected from."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import Client

from custodes.accounts import services
from custodes.accounts.lockout import lockout_status
from custodes.accounts.tests.conftest import authenticator, body, code_for, enter_code, events, sign_in
from custodes.core.roles import Role
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["as configured", "keyed hash"])
def lockout_keys(request: pytest.FixtureRequest, settings) -> str:
    """Every test runs with the settings as they are, and with axes keeping a keyed hash of the username
    (custodes.accounts.lockout.lockout_key as AXES_USERNAME_CALLABLE): both must lock, report and unlock alike."""
    if request.param == "keyed hash":
        settings.AXES_USERNAME_CALLABLE = "custodes.accounts.lockout.lockout_key"
    return str(request.param)


def _fail(client: Client, username: str, times: int) -> list[int]:
    return [sign_in(client, username, f"wrong password {n}").status_code for n in range(times)]


def test_the_limit_is_five_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_with_keyed_lockout_no_typed_username_is_stored(client: Client, establishment, settings):
    settings.AXES_USERNAME_CALLABLE = "custodes.accounts.lockout.lockout_key"
    user = persona(Role.STAFF, establishment)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    _fail(client, "my-Secret-Passphrase-9", 1)  # a password typed into the username box
    stored = " ".join(f"{a.username} {a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    assert user.username not in stored
    assert "Secret-Passphrase" not in stored
    assert sign_in(client, user.username).status_code == 429  # and the lockout still works


def test_an_account_locks_after_the_limit_and_then_refuses_the_right_password(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    authenticator(user)
    limit = settings.AXES_FAILURE_LIMIT

    statuses = _fail(client, user.username, limit)

    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    response = sign_in(client, user.username)  # the right password
    assert response.status_code == 429
    assert "Your account is locked" in body(response)
    assert "_auth_user_id" not in client.session
    assert lockout_status(user.username).locked
    assert events("auth.locked_out")[0].target_id == user.username


def test_lockout_follows_the_username_not_the_browser(establishment):
    user = persona(Role.STAFF, establishment)
    _fail(Client(HTTP_HOST="127.0.0.1"), user.username, settings.AXES_FAILURE_LIMIT)
    elsewhere = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Another browser")
    assert sign_in(elsewhere, user.username).status_code == 429


def test_one_account_locked_leaves_others_alone(client: Client, establishment):
    locked, other = persona(Role.STAFF, establishment), persona(Role.STAFF, establishment)
    authenticator(other)
    _fail(client, locked.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, other.username)["Location"] == "/sign-in/code"


def test_axes_keeps_no_address(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    _fail(client, user.username, 2)
    _fail(client, "nobody-by-this-name", 2)
    assert AccessAttempt.objects.count() == 2
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None, None]
    assert all("wrong password" not in a.post_data for a in AccessAttempt.objects.all())

    sign_in(client, user.username)
    enter_code(client, code_for(device))
    assert AccessLog.objects.count() == 0  # successful sign-ins are in the audit chain, not an address log


def test_a_successful_sign_in_clears_earlier_failures(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client, user.username)
    assert lockout_status(user.username).failures == 0


def test_an_administrator_can_unlock_an_account(client: Client, establishment, admin):
    user = persona(Role.STAFF, establishment)
    authenticator(user)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, user.username).status_code == 429

    services.unlock_account(actor=admin, user=user)

    assert not lockout_status(user.username).locked
    assert sign_in(client, user.username)["Location"] == "/sign-in/code"
    [event] = events("accounts.unlocked")
    assert event.actor_id == admin.pk
    assert event.detail["was_locked"] is True
