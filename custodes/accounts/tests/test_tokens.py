"""API tokens: made by an administrator, shown once, stored only as a hash, scoped, revocable."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client, RequestFactory
from django.utils import timezone

from custodes.accounts import services
from custodes.accounts.models import ApiToken, User, hash_token
from custodes.accounts.scopes import known_scopes
from custodes.accounts.services import AccountRuleError
from custodes.accounts.tests.conftest import body, events
from custodes.api.auth import BearerToken
from custodes.audit.models import AuditEvent
from custodes.core import policy
from custodes.core.roles import Role
from custodes.testing.personas import signed_in_client

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {
    "error": {
        "code": "unauthenticated",
        "message": "Send a valid API token (Authorization: Bearer TOKEN) or sign in.",
        "details": [],
    }
}


def stored_anywhere(text: str) -> list[str]:
    """Every column of every table (and every session's decoded data) that contains ``text``."""
    hits = []
    for model in apps.get_models():
        manager = model._default_manager
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                if manager.filter(**{f"{field.attname}__contains": text}).exists():
                    hits.append(f"{model._meta.label}.{field.attname}")
            elif isinstance(field, models.JSONField) and any(
                text in json.dumps(v) for v in manager.values_list(field.attname, flat=True)
            ):
                hits.append(f"{model._meta.label}.{field.attname}")
    hits.extend(f"session {s.pk}" for s in Session.objects.all() if text in json.dumps(s.get_decoded()))
    return hits


@pytest.fixture
def robot(admin) -> User:
    user = services.create_account(
        actor=admin, username="estate-feed", full_name="Estate data feed", is_service_account=True
    ).user
    services.grant_role(actor=admin, user=user, role=Role.COUNTER_CORRUPTION_LEAD)
    return user


def _bearer(client: Client, secret: str, path: str = "/api/v1/whoami"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_scope_registry_is_what_the_rules_ask_for():
    scopes = known_scopes()
    assert {"estate:read", "audit:read"} <= set(scopes)
    expected = {r.api_scope for r in policy.rules() if r.api_scope}
    assert set(scopes) == expected
    assert "estate.view_prisoner" in scopes["estate:read"].actions


def test_a_token_is_stored_only_as_its_hash_and_audited_without_it(admin, robot):
    issued = services.create_api_token(actor=admin, user=robot, name="Nightly export", scopes=["estate:read"])

    secret = issued.secret
    assert re.fullmatch(r"cst_[A-Za-z0-9_-]{43}", secret)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.token_hash == hash_token(secret)
    assert secret.startswith(token.prefix)
    assert len(token.prefix) == 12
    assert token.created_by == admin
    assert "accounts.ApiToken.prefix" in stored_anywhere(token.prefix)  # the search does find what is stored
    assert stored_anywhere(secret) == []
    assert stored_anywhere(secret[12:]) == []  # nor the part that is not shown in lists
    [event] = events("api.token_created")
    assert event.actor_id == admin.pk
    assert event.target_type == "accounts.apitoken"
    assert event.detail == {
        "account": robot.pk,
        "username": "estate-feed",
        "name": "Nightly export",
        "prefix": token.prefix,
        "scopes": ["estate:read"],
        "expires_at": None,
    }


def test_a_token_works_as_a_bearer_token_on_whoami(client: Client, admin, robot):
    secret = services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"]).secret

    response = _bearer(client, secret)

    assert response.status_code == 200
    assert response.json() == {
        "username": "estate-feed",
        "roles": ["counter_corruption_lead@national"],
        "token_scopes": ["estate:read"],
    }
    assert ApiToken.objects.get(user=robot).last_used_at is not None


@pytest.mark.parametrize(
    "header", ["", "Bearer ", "Bearer cst_not-a-real-token", "Token whatever", "Bearer " + "x" * 300]
)
def test_missing_or_unknown_tokens_get_401_in_the_api_error_shape(client: Client, header: str):
    response = client.get("/api/v1/whoami", **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_revoked_token_gets_401(client: Client, admin, robot):
    issued = services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])
    assert _bearer(client, issued.secret).status_code == 200

    services.revoke_api_token(actor=admin, token=issued.token)

    response = _bearer(client, issued.secret)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    [event] = events("api.token_revoked")
    assert event.detail == {
        "account": robot.pk,
        "username": "estate-feed",
        "name": "feed",
        "prefix": issued.token.prefix,
    }
    assert issued.secret not in json.dumps(event.detail)
    with pytest.raises(AccountRuleError, match="already revoked"):
        services.revoke_api_token(actor=admin, token=issued.token)


def test_an_expired_token_gets_401(client: Client, admin, robot):
    issued = services.create_api_token(
        actor=admin,
        user=robot,
        name="feed",
        scopes=["estate:read"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert _bearer(client, issued.secret).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _bearer(client, issued.secret)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_deactivated_accounts_token_gets_401(client: Client, admin, robot):
    secret = services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"]).secret
    User.objects.filter(pk=robot.pk).update(is_active=False)  # even without the service's revocation
    assert _bearer(client, secret).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_browser_session(admin):
    browser = signed_in_client(admin)
    assert browser.get("/api/v1/whoami").status_code == 200
    response = _bearer(browser, "cst_revoked-or-mistyped")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def _acting_as(secret: str) -> User:
    request = RequestFactory().get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {secret}")
    user = BearerToken()(request)
    assert isinstance(user, User)
    return user


def test_a_tokens_scopes_limit_what_its_account_may_do(admin, robot):
    # The account is a counter-corruption lead: in a browser it may read audit events and the estate.
    assert policy.can(robot, "audit.view_events")
    estate_only = services.create_api_token(actor=admin, user=robot, name="estate", scopes=["estate:read"])
    both = services.create_api_token(actor=admin, user=robot, name="both", scopes=["estate:read", "audit:read"])

    through_estate_token = _acting_as(estate_only.secret)
    assert policy.can(through_estate_token, "estate.view_establishment")
    assert not policy.can(through_estate_token, "audit.view_events")
    assert policy.visible(through_estate_token, "audit.view_events").count() == 0
    assert policy.can(_acting_as(both.secret), "audit.view_events")
    # An action no scope names (account administration) is never open to a token.
    assert not policy.can(through_estate_token, "accounts.manage")


def test_a_scope_never_adds_to_what_the_roles_allow(admin):
    analyst = services.create_account(actor=admin, username="stats-feed", full_name="Stats", is_service_account=True)
    services.grant_role(actor=admin, user=analyst.user, role=Role.ANALYST)
    issued = services.create_api_token(actor=admin, user=analyst.user, name="x", scopes=["audit:read"])
    assert not policy.can(_acting_as(issued.secret), "audit.view_events")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"scopes": []}, "scopes", "at least one scope"),
        ({"scopes": ["estate:read", "everything:write"]}, "scopes", "Unknown scope: everything:write"),
        ({"name": "   "}, "name", "Enter a name"),
        ({"name": "x" * 81}, "name", "80 characters"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires", "in the future"),
    ],
)
def test_token_requests_are_validated(admin, robot, kwargs, field, message):
    arguments = {"name": "feed", "scopes": ["estate:read"], **kwargs}
    with pytest.raises(AccountRuleError, match=message) as refused:
        services.create_api_token(actor=admin, user=robot, **arguments)
    assert refused.value.field == field
    assert not ApiToken.objects.exists()
    assert events("api.token_created") == []


def test_token_names_are_unique_among_an_accounts_live_tokens(admin, robot):
    first = services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])
    with pytest.raises(AccountRuleError, match="already has a token with this name"):
        services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])
    services.revoke_api_token(actor=admin, token=first.token)
    services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])


def test_no_token_for_yourself_or_for_a_deactivated_account(admin, second_admin, robot):
    with pytest.raises(AccountRuleError, match="your own account"):
        services.create_api_token(actor=admin, user=admin, name="mine", scopes=["estate:write"])
    services.deactivate_account(actor=admin, user=robot)
    with pytest.raises(AccountRuleError, match="deactivated"):
        services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])


# --- The pages -----------------------------------------------------------------------------------------------


def test_the_token_page_shows_the_secret_once_and_is_not_cached(admin_client: Client, robot):
    page = admin_client.get(f"/accounts/{robot.pk}/tokens/new")
    assert 'value="estate:read"' in body(page)

    response = admin_client.post(
        f"/accounts/{robot.pk}/tokens/new", {"name": "Nightly export", "scopes": ["estate:read"], "expires": "90"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = re.search(r'<span class="custodes-secret" id="api-token">([^<]+)</span>', body(response))
    assert shown is not None
    secret = shown.group(1)
    token = ApiToken.objects.get(user=robot)
    assert token.token_hash == hash_token(secret)
    assert stored_anywhere(secret) == []
    expires = token.expires_at
    assert expires is not None
    assert abs((expires - timezone.now()) - dt.timedelta(days=90)) < dt.timedelta(minutes=1)
    # Nowhere else shows it again: not the account page, not the list of tokens.
    assert secret not in body(admin_client.get(f"/accounts/{robot.pk}"))
    assert secret not in body(admin_client.get("/accounts/tokens"))
    assert token.prefix in body(admin_client.get("/accounts/tokens"))
    assert _bearer(Client(HTTP_HOST="127.0.0.1"), secret).status_code == 200


def test_the_token_form_reports_problems(admin_client: Client, robot):
    response = admin_client.post(f"/accounts/{robot.pk}/tokens/new", {"name": ""})
    page = body(response)
    assert "There is a problem" in page
    assert "Enter a name for the token" in page
    assert "Choose at least one scope" in page
    assert "Choose when the token expires" in page
    assert not ApiToken.objects.exists()


def test_revoking_through_the_pages(admin_client: Client, admin, robot):
    issued = services.create_api_token(actor=admin, user=robot, name="feed", scopes=["estate:read"])
    url = f"/accounts/{robot.pk}/tokens/{issued.token.pk}/revoke"
    assert "Revoke token" in body(admin_client.get(url))
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None

    response = admin_client.post(url, follow=True)

    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
    assert "has been revoked" in body(response)
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1
    # A token of another account is not reachable under this one.
    other = services.create_account(actor=admin, username="other", full_name="Other", is_service_account=True).user
    assert admin_client.get(f"/accounts/{other.pk}/tokens/{issued.token.pk}/revoke").status_code == 404
