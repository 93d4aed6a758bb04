import pytest
from django.test import Client

from custodes.core.roles import Role
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_public_json():
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Custodes API"
    assert "BearerToken" in document["components"]["securitySchemes"]


def test_interactive_docs_are_for_signed_in_people_only():
    anonymous = Client(HTTP_HOST="127.0.0.1").get("/api/v1/docs")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/sign-in")
    page = signed_in_client(persona(Role.ANALYST)).get("/api/v1/docs")
    assert page.status_code == 200
    body = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body  # self-hosted, not from a CDN
    assert "cdn." not in body


def test_unknown_api_paths_answer_in_the_error_shape():
    response = signed_in_client(persona(Role.ANALYST)).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "details": []}}
    anonymous = Client(HTTP_HOST="127.0.0.1").get("/api/v2/anything")
    assert anonymous.status_code == 404
    assert anonymous.json()["error"]["code"] == "not_found"


def test_anonymous_api_calls_get_401_in_the_error_shape():
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/whoami")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert response.json()["error"]["code"] == "unauthenticated"
