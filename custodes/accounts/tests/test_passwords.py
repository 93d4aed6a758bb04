"""Passwords: Argon2 in production, temporary passwords replaced at first sign-in, changing your own."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.http import HttpResponse
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts import services
from custodes.accounts.models import User
from custodes.accounts.tests.conftest import body, code_for, events, sign_in
from custodes.core.roles import Role
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


NEW = "otter meadow lantern"


def _answers(current: str, new: str = NEW, again: str = NEW) -> dict[str, str]:
    return {"current_password": current, "new_password": new, "new_password_again": again}


def _first_sign_in(client: Client, username: str, password: str) -> HttpResponse:
    """Password, then set up the authenticator from the page's key, as a new starter would."""
    assert sign_in(client, username, password)["Location"] == "/sign-in/code"
    client.get("/sign-in/set-up-authenticator")
    device = TOTPDevice.objects.get(user__username=username)
    response = client.post("/sign-in/set-up-authenticator", {"code": code_for(device)})
    assert response.status_code == 302
    return response


def test_a_new_starter_signs_in_with_the_one_time_password_and_must_replace_it(client: Client, admin, establishment):
    created = services.create_account(actor=admin, username="elowen", full_name="Elowen Brackwater")
    services.grant_role(actor=admin, user=created.user, role=Role.STAFF, establishment=establishment)
    one_time = created.one_time_password
    assert one_time is not None

    response = _first_sign_in(client, "elowen", one_time)

    assert response["Location"] == "/account/password"
    for path in ("/", "/reports/new", "/accounts/"):
        assert client.get(path)["Location"] == "/account/password", path
    api = client.get("/api/v1/whoami")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "password_change_required"
    assert "Choose your own password" in body(client.get("/account/password"))

    # A wrong current password is refused, counted and audited like a failed sign-in.
    page = body(
        client.post(
            "/account/password",
            _answers("not it"),
        )
    )
    assert "Your current password is not right" in page
    assert events("auth.sign_in_failed")[-1].target_id == "elowen"
    assert User.objects.get(username="elowen").check_password(one_time)

    response = client.post(
        "/account/password",
        _answers(one_time),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "Your password has been changed" in body(response)
    user = User.objects.get(username="elowen")
    assert user.check_password("otter meadow lantern")
    assert not user.must_change_password
    assert client.get("/").status_code == 200  # the session survived the change
    assert events("accounts.password_set")[-1].detail == {"by": "account holder"}


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("short", "short", "too short"),
        ("otter meadow lantern", "otter meadow lanterns", "do not match"),
        ("12345678901234", "12345678901234", "entirely numeric"),
        ("a long test password 1", "a long test password 1", "different from your current one"),
    ],
)
def test_a_new_password_must_be_acceptable(establishment, new, again, message):
    user = persona(Role.STAFF, establishment)
    client = signed_in_client(user)
    page = body(
        client.post(
            "/account/password",
            {"current_password": "a long test password 1", "new_password": new, "new_password_again": again},
        )
    )
    assert "There is a problem" in page
    assert message in page
    assert User.objects.get(pk=user.pk).check_password("a long test password 1")
    assert events("accounts.password_set") == []


def test_guessing_the_current_password_locks_the_account(establishment, settings):
    user = persona(Role.STAFF, establishment)
    client = signed_in_client(user)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(
            "/account/password",
            _answers(f"guess {n}"),
        )
    response = client.post(
        "/account/password",
        _answers("guess last"),
    )
    assert response.status_code == 429
    assert sign_in(Client(HTTP_HOST="127.0.0.1"), user.username).status_code == 429


def test_any_signed_in_person_may_change_their_password(establishment):
    user = persona(Role.GOVERNOR, establishment)
    client = signed_in_client(user)
    assert "Change your password" in body(client.get("/account/password"))
    client.post(
        "/account/password",
        _answers("a long test password 1"),
    )
    assert User.objects.get(pk=user.pk).check_password("otter meadow lantern")


def test_the_change_password_page_needs_a_signed_in_account(client: Client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


class TestProductionHashing:
    """The suite swaps in a fast hasher (conftest.py); here the production setting is used, as it is."""

    @pytest.fixture(autouse=True)
    def _fast_password_hashing(self) -> None:
        # Overrides the suite-wide autouse fixture of the same name: no swap for these tests.
        return None

    def test_argon2_is_the_production_hasher(self):
        assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    def test_created_accounts_get_argon2id_hashes(self, admin):
        created = services.create_account(actor=admin, username="argon", full_name="Argon Test")
        stored = User.objects.get(pk=created.user.pk).password
        assert stored.startswith("argon2$argon2id$")
        assert identify_hasher(stored).algorithm == "argon2"
        assert re.search(r"\$m=\d+,t=\d+,p=\d+\$", stored)
