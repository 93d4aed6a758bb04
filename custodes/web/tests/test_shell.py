"""The web shell: security headers, health, error pages, JSON logs without personal data."""

import io
import json
import logging

import pytest
from django.db import connection
from django.test import Client

from custodes.core.logging import json_formatter
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_pages_carry_strict_security_headers(client: Client):
    response = client.get("/sign-in")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) == 32


def test_every_form_carries_a_csrf_token(client: Client):
    page = client.get("/sign-in").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_forms_without_the_csrf_token_are_refused():
    strict = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    response = strict.post("/sign-in", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()


def test_healthz_reports_database_and_migrations(client: Client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_healthz_is_unavailable_while_a_migration_is_pending(client: Client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'estate'")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"].endswith("pending")


def test_healthz_refuses_other_methods(client: Client):
    assert client.post("/healthz").status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client: Client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_unknown_pages_get_the_service_404(client: Client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_accessibility_statement_is_public_and_linked_from_every_page(client: Client):
    assert client.get("/accessibility").status_code == 200
    assert 'href="/accessibility"' in client.get("/sign-in").content.decode()


def test_signed_in_shell_shows_identity_role_and_establishment():
    prison = EstablishmentFactory(name="HMP Testmoor Fells")
    governor = persona(Role.GOVERNOR, prison, full_name="Wren Testperson")
    page = signed_in_client(governor).get("/").content.decode()
    assert "Wren Testperson" in page
    assert "Governor (HMP Testmoor Fells)" in page
    assert "Sign out" in page
    assert "govuk-phase-banner" in page


def test_system_fonts_by_default_and_no_crown(client: Client):
    page = client.get("/sign-in").content.decode()
    assert "build/custodes.css" in page
    assert "govuk-crest" not in page


def test_govuk_branding_is_a_deployment_setting(client: Client, settings):
    settings.CUSTODES_GOVUK_BRANDING = True
    page = client.get("/sign-in").content.decode()
    assert "build/custodes-govuk.css" in page
    assert "govuk-crest" in page


def test_access_log_is_json_with_request_id_and_no_address_or_query(client: Client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger("custodes.access")
    logger.addHandler(handler)
    try:
        response = client.get(
            "/sign-in?email=someone@example.org", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Agent/1.0"
        )
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "one access line per request"
    entry = lines[-1]
    assert entry["event"] == "request"
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["path"] == "/sign-in"
    assert entry["status"] == 200
    text = stream.getvalue()
    for secret in ("203.0.113.9", "someone@example.org", "Agent/1.0"):
        assert secret not in text


def test_a_plain_inbound_request_id_is_kept_and_anything_else_replaced(client: Client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef12-3456")["X-Request-ID"] == "abcdef12-3456"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>"
    assert len(replaced) == 32
