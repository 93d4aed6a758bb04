"""The whole sign-in, through the real views: password, then a code from an authenticator app."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.db import IntegrityError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts import services
from custodes.accounts.models import User
from custodes.accounts.tests.conftest import (
    PASSWORD,
    audit_text,
    authenticator,
    body,
    code_for,
    enter_code,
    events,
    sign_in,
)
from custodes.audit import SYSTEM
from custodes.core.roles import Role
from custodes.testing.factories import UserFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


def _is_verified(client: Client) -> bool:
    """Whether the client's session reaches a page that needs a complete sign-in."""
    return client.get("/").status_code == 200


def test_password_then_code_signs_in_and_records_it(client: Client, establishment):
    user = persona(Role.GOVERNOR, establishment)
    device = authenticator(user)

    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code"
    assert not _is_verified(client)  # the password alone is not enough

    response = enter_code(client, code_for(device))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _is_verified(client)
    [event] = events("auth.sign_in")
    assert event.actor_id == user.pk
    assert event.detail == {"second_factor": "totp"}
    assert f"governor@{establishment.code}" in event.actor_roles


def test_sign_in_pages_are_valid_single_forms(client: Client):
    page = body(client.get("/sign-in"))
    # crispy-forms writes its own <form> unless told not to; a form inside a form is invalid HTML.
    assert page.count("<form") == 1
    assert page.count('name="csrfmiddlewaretoken"') == 1


def test_the_session_key_changes_when_the_second_factor_completes(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username)
    key_after_password = client.session.session_key
    enter_code(client, code_for(device))
    assert client.session.session_key != key_after_password


def test_wrong_code_is_refused_and_recorded(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = enter_code(client, wrong)

    assert response.status_code == 200
    assert "The code is not right" in body(response)
    assert not _is_verified(client)
    [event] = events("auth.second_factor_failed")
    assert event.actor_id == user.pk
    assert events("auth.sign_in") == []


def test_after_a_wrong_code_the_next_try_is_throttled(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username)
    enter_code(client, "000000" if code_for(device) != "000000" else "111111")

    # Straight after a failure even the right code is refused: guessing is slowed down exponentially.
    enter_code(client, code_for(device))
    assert not _is_verified(client)
    assert events("auth.second_factor_failed")[-1].detail == {"throttled": True}

    # Once the delay has passed, the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    enter_code(client, code_for(device))
    assert _is_verified(client)


def test_a_code_cannot_be_used_twice(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    code = code_for(device)
    sign_in(client, user.username)
    enter_code(client, code)
    assert _is_verified(client)
    client.post("/sign-out")

    # Someone who watched the code being typed tries it again at once, with the password.
    replay = Client(HTTP_HOST="127.0.0.1")
    sign_in(replay, user.username)
    response = enter_code(replay, code)
    assert "The code is not right" in body(response)
    assert not _is_verified(replay)


def test_first_sign_in_sets_up_an_authenticator_from_the_qr_page(client: Client, establishment):
    user = persona(Role.STAFF, establishment)

    response = sign_in(client, user.username, next_url="/accessibility")
    assert response["Location"] == "/sign-in/code"
    response = client.get("/sign-in/code")
    assert response["Location"] == "/sign-in/set-up-authenticator"

    page = body(client.get("/sign-in/set-up-authenticator"))
    qr = re.search(r'<img class="custodes-qr" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert qr is not None
    assert b"<svg" in base64.b64decode(qr.group(1))
    shown_key = re.search(r'<span class="custodes-secret">([A-Z2-7 ]+)</span>', page)
    assert shown_key is not None
    key = shown_key.group(1).replace(" ", "")
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == pending.bin_key
    # Reloading the page shows the same key: the app the person already scanned keeps working.
    assert shown_key.group(0) in body(client.get("/sign-in/set-up-authenticator"))

    response = client.post("/sign-in/set-up-authenticator", {"code": code_for(pending)})

    assert response.status_code == 302
    assert response["Location"] == "/accessibility"
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert _is_verified(client)
    assert [e.actor_id for e in events("accounts.two_factor_enrolled")] == [user.pk]
    assert events("auth.sign_in")[0].detail == {"second_factor": "totp", "enrolled": True}


def test_enrolment_with_a_wrong_code_is_refused(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    sign_in(client, user.username)
    client.get("/sign-in/set-up-authenticator")
    pending = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(pending)) + 1) % 1_000_000:06d}"

    response = client.post("/sign-in/set-up-authenticator", {"code": wrong})

    assert "The code is not right" in body(response)
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert not _is_verified(client)
    assert events("auth.second_factor_failed")[0].detail == {"enrolment": True}


def test_an_account_with_an_authenticator_cannot_set_up_another(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    authenticator(user)
    sign_in(client, user.username)
    response = client.get("/sign-in/set-up-authenticator")
    assert response["Location"] == "/sign-in/code"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_wrong_password_is_refused_and_recorded_with_the_known_username(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    response = sign_in(client, user.username, "not the password at all")
    assert response.status_code == 200
    assert "Enter a correct username and password" in body(response)
    [event] = events("auth.sign_in_failed")
    assert event.target_id == user.username
    assert event.detail == {"account_exists": True}


def test_failed_sign_in_for_an_unknown_account_records_no_username(client: Client):
    # People type passwords into the username box: what they typed must not reach the audit trail.
    sign_in(client, "Correct-Horse-Battery-Staple-77", "whatever")
    [event] = events("auth.sign_in_failed")
    assert event.target_id == ""
    assert event.detail == {"account_exists": False}
    assert "Correct-Horse" not in audit_text()


def test_inactive_accounts_cannot_sign_in(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    authenticator(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = sign_in(client, user.username)

    assert "Enter a correct username and password" in body(response)
    assert "_auth_user_id" not in client.session
    assert events("auth.sign_in_failed")[0].target_id == user.username


def test_service_accounts_cannot_sign_in(client: Client):
    robot = services.create_account(
        actor=SYSTEM, username="estate-feed", full_name="Estate data feed", is_service_account=True
    ).user
    assert not robot.has_usable_password()

    for attempt in ("", PASSWORD, robot.password):
        response = sign_in(client, robot.username, attempt or "x")
        assert "_auth_user_id" not in client.session
        assert response.status_code in (200, 429)


def test_the_database_refuses_a_service_account_with_a_password():
    with pytest.raises(IntegrityError):
        UserFactory(username="robot", is_service_account=True)


def test_an_authenticated_but_unverified_session_reaches_nothing_else(client: Client, establishment):
    user = persona(Role.SYSTEM_ADMINISTRATOR)
    authenticator(user)
    sign_in(client, user.username)
    for path in ("/", "/accounts/", f"/accounts/{user.pk}", "/account/password", "/reports/mine"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/sign-in/code", path
    response = client.get("/api/v1/whoami")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "second_factor_required", "message": "Finish signing in first.", "details": []}
    }


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/path", "http://127.0.0.1.evil.example/", "javascript:alert(1)"]
)
def test_next_cannot_send_people_to_another_site(client: Client, establishment, target: str):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    page = body(client.get("/sign-in", {"next": target}))
    assert 'name="next" value="/"' in page

    sign_in(client, user.username, next_url=target)
    response = enter_code(client, code_for(device))

    assert response["Location"] == "/"


def test_next_on_this_site_is_followed(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username, next_url="/privacy")
    assert enter_code(client, code_for(device))["Location"] == "/privacy"


def test_signed_in_user_visiting_sign_in_goes_on(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username)
    enter_code(client, code_for(device))
    assert client.get("/sign-in")["Location"] == "/"


def test_sign_in_time_is_recorded_for_the_maximum_age(client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    before = time.time()
    sign_in(client, user.username)
    assert before <= client.session["custodes_signed_in_at"] <= time.time()


def test_an_empty_sign_in_says_what_is_missing(client: Client):
    page = body(client.post("/sign-in", {}))
    assert "There is a problem" in page
    assert "Enter your username" in page
    assert "Enter your password" in page
