"""Who reaches the account administration pages: the system administrator, and nobody else."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from custodes.accounts import services
from custodes.accounts.models import ApiToken, RoleGrant, User
from custodes.accounts.tests.conftest import authenticator, sign_in
from custodes.audit.models import AuditEvent
from custodes.core import policy
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(admin, establishment) -> list[str]:
    """Every administration page, with real objects in its address."""
    target = persona(Role.GOVERNOR, establishment)
    authenticator(target)
    sign_in(Client(HTTP_HOST="127.0.0.1"), target.username, "wrong")  # something to unlock
    grant = RoleGrant.objects.get(user=target)
    token = services.create_api_token(actor=admin, user=target, name="feed", scopes=["estate:read"]).token
    inactive = persona(Role.STAFF, establishment)
    services.deactivate_account(actor=admin, user=inactive)
    return [
        "/accounts/",
        "/accounts/new",
        "/accounts/tokens",
        f"/accounts/{target.pk}",
        f"/accounts/{target.pk}/roles/new",
        f"/accounts/{target.pk}/roles/{grant.pk}/revoke",
        f"/accounts/{target.pk}/deactivate",
        f"/accounts/{inactive.pk}/reactivate",
        f"/accounts/{target.pk}/reset-authenticator",
        f"/accounts/{target.pk}/unlock",
        f"/accounts/{target.pk}/password",
        f"/accounts/{target.pk}/tokens/new",
        f"/accounts/{target.pk}/tokens/{token.pk}/revoke",
    ]


def _state() -> tuple[object, ...]:
    return (
        AuditEvent.objects.count(),
        sorted(User.objects.values_list("pk", "is_active", "password", "must_change_password")),
        sorted(RoleGrant.objects.values_list("pk", flat=True)),
        sorted(ApiToken.objects.values_list("pk", "revoked_at")),
    )


def test_the_system_administrator_reaches_every_page(admin_client: Client, pages: list[str]):
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


# Pages that only show (GET); the rest also act on POST.
SHOW_ONLY = ("/accounts/", "/accounts/tokens")

OTHER_GRANTS = [
    (role, scope)
    for role in Role
    if role is not Role.SYSTEM_ADMINISTRATOR
    for scope in ("national", "establishment")
    if getattr(ROLE_DEFINITIONS[role], scope)
]


def _show_only(page: str) -> bool:
    return page in SHOW_ONLY or page.rstrip("0123456789").endswith("/accounts/")


@pytest.mark.parametrize(("role", "scope"), OTHER_GRANTS, ids=[f"{r.value}-{s}" for r, s in OTHER_GRANTS])
def test_every_other_role_gets_403_on_every_page(role: Role, scope: str, pages: list[str], establishment):
    client = signed_in_client(persona(role, establishment if scope == "establishment" else None))
    before = _state()
    for page in pages:
        assert client.get(page).status_code == 403, page
        if not _show_only(page):
            data = {"confirm": "yes", "role": "system_administrator", "password_choice": "generate"}
            assert client.post(page, data).status_code == 403, page
    assert _state() == before  # and nothing changed


def test_an_account_with_no_roles_gets_403(pages: list[str]):
    from custodes.testing.factories import UserFactory

    client = signed_in_client(UserFactory())
    for page in pages:
        assert client.get(page).status_code == 403, page


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, pages: list[str]):
    before = _state()
    for page in pages:
        responses = [client.get(page)] + ([] if _show_only(page) else [client.post(page)])
        for response in responses:
            assert response.status_code == 302, page
            assert response["Location"] == f"/sign-in?next={quote(page)}", page
    assert _state() == before


def test_other_methods_are_refused(admin_client: Client, pages: list[str]):
    for page in pages:
        assert admin_client.put(page).status_code == 405, page
        assert admin_client.delete(page).status_code == 405, page
        if _show_only(page):
            assert admin_client.post(page).status_code == 405, page


def test_the_system_administrator_is_granted_no_report_or_case_content():
    content_rules = [r for r in policy.rules() if r.content]
    for rule in content_rules:
        assert Role.SYSTEM_ADMINISTRATOR not in rule.roles, rule.action
    # And a rule that tried would not even register (so the loop above stays true as content rules arrive).
    with pytest.raises(ValueError, match="never see content"):
        policy.Rule(action="x.read", roles=frozenset({Role.SYSTEM_ADMINISTRATOR}), description="x", content=True)
    assert not ROLE_DEFINITIONS[Role.SYSTEM_ADMINISTRATOR].sees_content


def test_the_administration_actions_belong_to_the_system_administrator_alone():
    for action in ("accounts.manage", "accounts.manage_tokens"):
        assert policy.rule(action).roles == frozenset({Role.SYSTEM_ADMINISTRATOR})
        assert policy.rule(action).api_scope is None  # no token may administer accounts
