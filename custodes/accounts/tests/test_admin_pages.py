"""The account administration pages, driven as an administrator would."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts import services
from custodes.accounts.models import RoleGrant, User
from custodes.accounts.tests.conftest import body, events, sign_in
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory, UserFactory
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def page_of(client: Client, url: str, **kwargs) -> str:
    response = client.get(url, kwargs)
    assert response.status_code == 200, url
    text = body(response)
    # Strict CSP: no inline script, style attribute or event handler, which the browser would refuse anyway.
    assert not INLINE.search(text), (url, INLINE.search(text))
    # One CSRF token per POST form, none in a GET form (it would land in the address bar and logs).
    assert text.count('name="csrfmiddlewaretoken"') == text.count('method="post"'), url
    return text


def test_administrators_see_accounts_in_the_navigation(admin_client: Client, establishment):
    assert 'href="/accounts/"' in page_of(admin_client, "/")
    governor = signed_in_client(persona(Role.GOVERNOR, establishment))
    assert 'href="/accounts/"' not in body(governor.get("/"))


def test_the_list_searches_names_usernames_and_staff_numbers(admin_client: Client, establishment):
    member = StaffMemberFactory(staff_number="QX12345")
    UserFactory(username="elowen", full_name="Elowen Fallowfield", staff_member=member)
    UserFactory(username="dace", full_name="Dace Hazeldean")

    assert "Elowen Fallowfield" in page_of(admin_client, "/accounts/", q="fallow")
    by_number = page_of(admin_client, "/accounts/", q="qx12345")
    assert "Elowen Fallowfield" in by_number
    assert "Dace Hazeldean" not in by_number
    assert "No accounts match" in page_of(admin_client, "/accounts/", q="nobody-like-this")


def test_the_list_filters_by_role(admin_client: Client, establishment):
    persona(Role.GOVERNOR, establishment, full_name="Garnet Governor")
    persona(Role.ANALYST, full_name="Ives Analyst")
    page = page_of(admin_client, "/accounts/", role="governor")
    assert "Garnet Governor" in page
    assert "Ives Analyst" not in page


def test_the_list_is_paginated_keeping_the_search(admin_client: Client):
    for n in range(30):
        UserFactory(username=f"paged{n:02d}", full_name=f"Paged Person {n:02d}")
    first = page_of(admin_client, "/accounts/", q="paged")
    assert 'class="govuk-pagination"' in first
    assert first.count("Paged Person") == 25
    assert "?q=paged&amp;page=2" in first
    assert "csrfmiddlewaretoken" not in first.split('role="search"')[1].split("</form>")[0]
    second = page_of(admin_client, "/accounts/", q="paged", page=2)
    assert second.count("Paged Person") == 5
    assert 'rel="prev"' in second
    # A page number that is not a number, or too large, lands on a real page rather than an error.
    assert page_of(admin_client, "/accounts/", q="paged", page="x").count("Paged Person") == 25
    assert page_of(admin_client, "/accounts/", q="paged", page=99).count("Paged Person") == 5


def test_creating_a_person_shows_the_one_time_password_once(admin_client: Client):
    page = page_of(admin_client, "/accounts/new")
    assert page.count("<form") == 2  # the sign-out form in the header, and this one: never nested

    response = admin_client.post(
        "/accounts/new",
        {
            "account_type": "person",
            "username": "hollis.ashgrove",
            "full_name": "Hollis Ashgrove",
            "email": "hollis@example.org",
            "password_choice": "generate",
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = re.search(r'id="one-time-password">([^<]+)<', body(response))
    assert shown is not None
    user = User.objects.get(username="hollis.ashgrove")
    assert user.check_password(shown.group(1))
    assert user.must_change_password
    assert user.email == "hollis@example.org"
    assert shown.group(1) not in body(admin_client.get(f"/accounts/{user.pk}"))


def test_creating_a_person_with_a_weak_password_says_why(admin_client: Client):
    response = admin_client.post(
        "/accounts/new",
        {
            "account_type": "person",
            "username": "weak",
            "full_name": "Weak Password",
            "password_choice": "choose",
            "password": "password",
        },
    )
    page = body(response)
    assert "There is a problem" in page
    assert 'href="#id_password"' in page
    assert "too short" in page
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the type of account"),
        (
            {"account_type": "person", "username": "a b", "full_name": "X", "password_choice": "generate"},
            "Enter a valid username",
        ),
        ({"account_type": "person", "username": "ok", "full_name": "X"}, "Choose how to set the password"),
        (
            {"account_type": "person", "username": "ok", "full_name": "X", "password_choice": "choose"},
            "Enter the password",
        ),
        (
            {"account_type": "service", "username": "ok", "full_name": "X", "password": "something long enough"},
            "has no password",
        ),
        (
            {
                "account_type": "person",
                "username": "ok",
                "full_name": "X",
                "password_choice": "generate",
                "staff_number": "ZZ99999",
            },
            "no staff member with the number ZZ99999",
        ),
        (
            {
                "account_type": "person",
                "username": "ok",
                "full_name": "X",
                "password_choice": "generate",
                "email": "nope",
            },
            "Enter an email address",
        ),
    ],
)
def test_the_create_form_explains_each_problem(admin_client: Client, data, message):
    page = body(admin_client.post("/accounts/new", data))
    assert "There is a problem" in page
    assert message in page
    assert not User.objects.filter(username="ok").exists()


def test_a_taken_username_is_refused_whatever_its_case(admin_client: Client, admin):
    page = body(
        admin_client.post(
            "/accounts/new",
            {
                "account_type": "person",
                "username": admin.username.upper(),
                "full_name": "X",
                "password_choice": "generate",
            },
        )
    )
    assert "An account with this username already exists" in page


def test_creating_a_service_account(admin_client: Client):
    response = admin_client.post(
        "/accounts/new", {"account_type": "service", "username": "estate-feed", "full_name": "Estate data feed"}
    )
    assert "A service account never signs in" in body(response)
    robot = User.objects.get(username="estate-feed")
    assert robot.is_service_account
    assert not robot.has_usable_password()


def test_the_account_page_shows_roles_second_factor_lockout_and_tokens(admin_client: Client, admin, establishment):
    user = persona(Role.GOVERNOR, establishment, full_name="Juno Gorsebrook")
    services.create_api_token(actor=admin, user=user, name="Wing dashboard", scopes=["estate:read"])
    client = Client(HTTP_HOST="127.0.0.1")
    sign_in(client, user.username, "wrong one")

    page = page_of(admin_client, f"/accounts/{user.pk}")

    assert "Juno Gorsebrook" in page
    assert "Governor</td>" in page
    assert establishment.name in page
    assert "Not set up: asked for at next sign-in" in page
    assert "1 recent failed sign-in" in page
    assert "Wing dashboard" in page
    assert "estate:read" in page
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    assert ">Set up<" in page_of(admin_client, f"/accounts/{user.pk}")


def test_an_administrator_is_told_they_cannot_change_their_own_account(admin_client: Client, admin):
    page = page_of(admin_client, f"/accounts/{admin.pk}")
    assert "This is your own account" in page
    assert f"/accounts/{admin.pk}/deactivate" not in page
    response = admin_client.post(f"/accounts/{admin.pk}/deactivate")
    assert "You cannot deactivate your own account" in body(response)
    assert User.objects.get(pk=admin.pk).is_active


def test_granting_a_role_checks_the_answers_first(admin_client: Client, establishment):
    user = UserFactory(full_name="Bramble Dunmere")
    url = f"/accounts/{user.pk}/roles/new"
    assert "Governor" in page_of(admin_client, url)

    check = admin_client.post(url, {"role": "governor", "establishment": establishment.pk})
    page = body(check)
    assert "Check the role before granting it" in page
    assert establishment.name in page
    assert f"?role=governor&amp;establishment={establishment.pk}" in page  # the Change link keeps the answers
    assert not RoleGrant.objects.filter(user=user).exists()

    done = admin_client.post(
        url, {"role": "governor", "establishment": establishment.pk, "confirm": "yes"}, follow=True
    )

    assert RoleGrant.objects.filter(user=user, role="governor", establishment=establishment).exists()
    assert "now holds Governor" in body(done)
    assert "govuk-notification-banner--success" in body(done)
    assert len(events("accounts.role_granted")) == 1


def test_the_change_link_brings_the_answers_back(admin_client: Client, establishment):
    user = UserFactory()
    page = page_of(admin_client, f"/accounts/{user.pk}/roles/new", role="governor", establishment=establishment.pk)
    assert re.search(r'value="governor"[^>]*checked', page)
    assert re.search(rf'value="{establishment.pk}"[^>]*selected', page)
    assert "There is a problem" not in page


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"role": "governor"}, "Governor is held at one establishment"),
        ({"role": "counter_corruption_lead", "establishment": "HERE"}, "held nationally"),
        ({}, "Choose the role to grant"),
        ({"role": "governor", "establishment": "999999"}, "Choose an establishment from the list"),
    ],
)
def test_the_grant_form_explains_scope_problems(admin_client: Client, establishment, answers, message):
    user = UserFactory()
    if answers.get("establishment") == "HERE":
        answers["establishment"] = establishment.pk
    page = body(admin_client.post(f"/accounts/{user.pk}/roles/new", {**answers, "confirm": "yes"}))
    assert "There is a problem" in page
    assert message in page
    assert not RoleGrant.objects.filter(user=user).exists()


def test_the_grant_form_refuses_content_roles_for_an_administrator(admin_client: Client, second_admin):
    page = body(admin_client.post(f"/accounts/{second_admin.pk}/roles/new", {"role": "counter_corruption_lead"}))
    assert "may not see reports or cases" in page
    assert "Check the role" not in page


def test_closed_establishments_are_not_offered(admin_client: Client):
    closed = EstablishmentFactory(name="HMP Shutdown", is_active=False)
    user = UserFactory()
    assert "HMP Shutdown" not in page_of(admin_client, f"/accounts/{user.pk}/roles/new")
    page = body(admin_client.post(f"/accounts/{user.pk}/roles/new", {"role": "governor", "establishment": closed.pk}))
    assert "Choose an establishment from the list" in page


def test_revoking_a_role_through_its_confirmation_page(admin_client: Client, establishment):
    user = persona(Role.GOVERNOR, establishment)
    grant = RoleGrant.objects.get(user=user)
    url = f"/accounts/{user.pk}/roles/{grant.pk}/revoke"
    assert "Revoke role" in page_of(admin_client, url)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()  # GET changes nothing
    response = admin_client.post(url, follow=True)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert "no longer holds" in body(response)


def test_a_grant_of_another_account_is_not_found_under_this_one(admin_client: Client, establishment):
    one, other = persona(Role.STAFF, establishment), persona(Role.STAFF, establishment)
    grant = RoleGrant.objects.get(user=other)
    assert admin_client.get(f"/accounts/{one.pk}/roles/{grant.pk}/revoke").status_code == 404
    assert admin_client.get("/accounts/999999").status_code == 404


def test_deactivating_and_reactivating_through_the_pages(admin_client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    assert "Deactivate account" in page_of(admin_client, f"/accounts/{user.pk}/deactivate")
    admin_client.post(f"/accounts/{user.pk}/deactivate")
    assert not User.objects.get(pk=user.pk).is_active
    assert "Deactivated" in page_of(admin_client, f"/accounts/{user.pk}")
    response = admin_client.post(f"/accounts/{user.pk}/reactivate", follow=True)
    assert User.objects.get(pk=user.pk).is_active
    assert "has been reactivated" in body(response)


def test_resetting_an_authenticator_through_the_pages(admin_client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    assert "whoever signs in next" in page_of(admin_client, f"/accounts/{user.pk}/reset-authenticator")
    admin_client.post(f"/accounts/{user.pk}/reset-authenticator")
    assert not TOTPDevice.objects.filter(user=user).exists()
    again = admin_client.post(f"/accounts/{user.pk}/reset-authenticator")
    assert "no authenticator to reset" in body(again)


def test_unlocking_through_the_pages(admin_client: Client, establishment, settings):
    user = persona(Role.STAFF, establishment)
    client = Client(HTTP_HOST="127.0.0.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, f"wrong {n}")
    assert ">Locked<" in page_of(admin_client, f"/accounts/{user.pk}")
    response = admin_client.post(f"/accounts/{user.pk}/unlock", follow=True)
    assert "failed sign-ins have been cleared" in body(response)
    assert ">Locked<" not in body(response)
    assert sign_in(client, user.username).status_code == 302


def test_setting_a_new_password_through_the_pages(admin_client: Client, establishment):
    user = persona(Role.STAFF, establishment)
    assert "Set new password" in page_of(admin_client, f"/accounts/{user.pk}/password")
    response = admin_client.post(f"/accounts/{user.pk}/password", {"password_choice": "generate"})
    assert "no-store" in response["Cache-Control"]
    shown = re.search(r'id="one-time-password">([^<]+)<', body(response))
    assert shown is not None
    assert User.objects.get(pk=user.pk).check_password(shown.group(1))

    chosen = admin_client.post(
        f"/accounts/{user.pk}/password",
        {"password_choice": "choose", "password": "bracken hollow lantern"},
        follow=True,
    )
    assert "must change it when they next sign in" in body(chosen)
    assert User.objects.get(pk=user.pk).check_password("bracken hollow lantern")


def test_the_token_list_shows_every_token(admin_client: Client, admin, establishment):
    user = persona(Role.STAFF, establishment)
    services.create_api_token(actor=admin, user=user, name="First feed", scopes=["estate:read"])
    page = page_of(admin_client, "/accounts/tokens")
    assert "First feed" in page
    assert user.username in page
