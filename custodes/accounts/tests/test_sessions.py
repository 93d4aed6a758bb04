"""Sessions: idle timeout, maximum age, sign-out (POST only, CSRF-checked)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from custodes.accounts.middleware import SIGNED_IN_AT
from custodes.accounts.tests.conftest import HOST, authenticator, body, code_for, enter_code, events, sign_in
from custodes.core.roles import Role
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, establishment) -> Client:
    user = persona(Role.STAFF, establishment)
    device = authenticator(user)
    sign_in(client, user.username)
    enter_code(client, code_for(device))
    assert client.get("/").status_code == 200
    return client


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_every_request_renews_the_idle_window(signed_in: Client):
    row = _session_row(signed_in)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    signed_in.get("/")
    renewed = _session_row(signed_in).expire_date - timezone.now()
    assert abs(renewed.total_seconds() - settings.SESSION_COOKIE_AGE) < 30


def test_an_idle_session_ends(signed_in: Client):
    # As if SESSION_COOKIE_AGE had passed since the last request.
    Session.objects.filter(pk=_session_row(signed_in).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=/")


def test_a_session_ends_at_its_maximum_age_however_active(signed_in: Client):
    session = signed_in.session
    session[SIGNED_IN_AT] = time.time() - settings.CUSTODES_SESSION_MAX_SECONDS - 1
    session.save()

    response = signed_in.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in"
    assert signed_in.get("/").status_code == 302  # signed out, not merely redirected once
    [event] = events("auth.session_expired")
    assert event.detail == {"reason": "maximum age"}


def test_a_session_just_inside_its_maximum_age_continues(signed_in: Client):
    session = signed_in.session
    session[SIGNED_IN_AT] = time.time() - settings.CUSTODES_SESSION_MAX_SECONDS + 60
    session.save()
    assert signed_in.get("/").status_code == 200


def test_sign_out_is_post_only(signed_in: Client):
    assert signed_in.get("/sign-out").status_code == 405
    assert signed_in.get("/").status_code == 200


def test_sign_out_ends_the_session_and_is_recorded(signed_in: Client):
    user_id = signed_in.session["_auth_user_id"]
    response = signed_in.post("/sign-out")
    assert response["Location"] == "/signed-out"
    assert signed_in.get("/").status_code == 302
    [event] = events("auth.sign_out")
    assert str(event.actor_id) == user_id


def test_sign_out_needs_the_csrf_token(establishment):
    user = persona(Role.STAFF, establishment)
    client = signed_in_client(user)
    strict = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    strict.cookies = client.cookies  # the same signed-in session, now with CSRF enforced

    # A forged cross-site POST (no token) is refused and the session survives.
    assert strict.post("/sign-out").status_code == 403
    assert strict.get("/").status_code == 200
    assert events("auth.sign_out") == []

    # The real form carries the token.
    page = body(strict.get("/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = strict.post("/sign-out", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert strict.get("/").status_code == 302
