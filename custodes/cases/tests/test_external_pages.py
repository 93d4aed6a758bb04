"""The external investigation and disclosure log pages and API: who gets what, per role and relationship, and the
forms doing their work. A case someone may not see answers exactly as a case that does not exist."""
# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from custodes.accounts.models import ApiToken, hash_token
from custodes.audit.models import AuditEvent
from custodes.cases.models import Disclosure, ExternalInvestigation, ExternalStatus
from custodes.cases.services import external
from custodes.cases.services.common import unseal

from .tracing_support import MISSING_CASE, Scene, assert_same_as_missing, client, scene  # noqa: F401

pytestmark = pytest.mark.django_db

# persona -> (may see the unrestricted case's pages, may change them)
UNRESTRICTED = {
    "lead": (200, 200),
    "investigator": (200, 200),
    "governor": (200, 403),
    "other_lead": (200, 200),
    "unassigned": (404, 404),
    "other_governor": (404, 403),
    "subject_lead": (404, 404),
    "manager_lead": (404, 404),
    "subject_governor": (404, 403),
    "manager_governor": (404, 403),
    "staff": (403, 403),
    "triager": (403, 403),
}
# The restricted case: only the named (the lead who restricted it, and the investigator named then).
RESTRICTED = {
    **UNRESTRICTED,
    "governor": (404, 403),
    "other_lead": (404, 404),
    "subject_lead": (404, 404),
    "manager_lead": (404, 404),
}


def _pages(reference: str, investigation_id: int) -> tuple[list[str], list[str]]:
    reading = [
        reverse("cases:external-list", kwargs={"reference": reference}),
        reverse("cases:disclosure-list", kwargs={"reference": reference}),
    ]
    writing = [
        reverse("cases:external-add", kwargs={"reference": reference}),
        reverse("cases:external-edit", kwargs={"reference": reference, "pk": investigation_id}),
        reverse("cases:disclosure-add", kwargs={"reference": reference}),
    ]
    return reading, writing


@pytest.mark.parametrize("restricted", [False, True], ids=["unrestricted", "restricted"])
@pytest.mark.parametrize("name", sorted(UNRESTRICTED))
def test_every_role_and_relationship_gets_its_answer(scene: Scene, name: str, restricted: bool):
    case = scene.restricted if restricted else scene.case
    investigation = external.create_external_investigation(actor=scene.lead, case=case, agency="police")
    expected_read, expected_write = (RESTRICTED if restricted else UNRESTRICTED)[name]
    browser = client(scene.personas()[name])
    reading, writing = _pages(case.reference, investigation.pk)
    missing_reading, missing_writing = _pages(MISSING_CASE, investigation.pk)
    for path, missing in zip(reading, missing_reading, strict=True):
        response = browser.get(path)
        assert response.status_code == expected_read, (name, path)
        if expected_read != 200:
            assert_same_as_missing(browser, path, missing)
    for path, missing in zip(writing, missing_writing, strict=True):
        response = browser.get(path)
        assert response.status_code == expected_write, (name, path)
        if expected_write != 200:
            assert_same_as_missing(browser, path, missing)
            assert_same_as_missing(browser, path, missing, method="post", data={"agency": "police"})
    if expected_read != 200:
        # Nothing was opened, so nothing about this case was recorded as read by them.
        assert not AuditEvent.objects.filter(actor_id=scene.personas()[name].pk, action="cases.viewed").exists()


def test_an_investigation_of_another_case_is_404(scene: Scene):
    elsewhere = external.create_external_investigation(actor=scene.lead, case=scene.restricted, agency="police")
    browser = client(scene.lead)
    path = reverse("cases:external-edit", kwargs={"reference": scene.case.reference, "pk": elsewhere.pk})
    assert browser.get(path).status_code == 404


def test_wrong_methods_are_refused(scene: Scene):
    browser = client(scene.lead)
    list_path = reverse("cases:external-list", kwargs={"reference": scene.case.reference})
    assert browser.post(list_path).status_code == 405
    assert browser.delete(reverse("cases:external-add", kwargs={"reference": scene.case.reference})).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(scene: Scene):
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get(
        reverse("cases:external-list", kwargs={"reference": scene.case.reference})
    )
    assert response.status_code == 302
    assert "/sign-in" in response["Location"]


def test_adding_changing_and_listing_through_the_pages(scene: Scene):
    browser = client(scene.investigator)
    add = reverse("cases:external-add", kwargs={"reference": scene.case.reference})
    today = timezone.localdate()
    form = {
        "agency": "police",
        "agency_name": "Testshire Police",
        "external_reference": "TP/2026/4471",
        "contact": "DC Alder Brackwater, 01632 960123",
        "status": "requested",
        "opened_on_0": str(today.day),
        "opened_on_1": str(today.month),
        "opened_on_2": str(today.year),
    }
    response = browser.post(add, form)
    assert response.status_code == 302
    made = ExternalInvestigation.objects.get()
    assert unseal(scene.case, external.contact_field(made), made.contact).startswith("DC Alder")
    page = browser.get(response["Location"]).content.decode()
    assert "Testshire Police" in page
    assert "TP/2026/4471" in page
    assert "DC Alder Brackwater" in page
    assert "External investigation recorded" in page

    edit = reverse("cases:external-edit", kwargs={"reference": scene.case.reference, "pk": made.pk})
    assert "DC Alder Brackwater" in browser.get(edit).content.decode()
    changed = {**form, "status": "closed", "note": "Charged", "closed_on_0": "", "closed_on_1": "", "closed_on_2": ""}
    response = browser.post(edit, changed)
    assert response.status_code == 302, response.content.decode()[:2000]
    made.refresh_from_db()
    assert made.status == ExternalStatus.CLOSED
    assert made.closed_on == today
    # Reopening with the page's own (old) closing date still in its field clears it; a new date is refused.
    shown = {"closed_on_0": str(today.day), "closed_on_1": str(today.month), "closed_on_2": str(today.year)}
    response = browser.post(edit, {**form, **shown, "status": "open"})
    assert response.status_code == 302, response.content.decode()[:2000]
    made.refresh_from_db()
    assert (made.status, made.closed_on) == (ExternalStatus.OPEN, None)
    response = browser.post(edit, {**form, **shown, "status": "suspended"})
    assert response.status_code == 200
    assert "Only a closed investigation has a date it closed" in response.content.decode()
    made.refresh_from_db()
    assert made.status == ExternalStatus.OPEN


def test_bad_form_input_shows_an_error_summary_and_changes_nothing(scene: Scene):
    browser = client(scene.lead)
    add = reverse("cases:external-add", kwargs={"reference": scene.case.reference})
    response = browser.post(
        add, {"agency": "other", "status": "open", "opened_on_0": "1", "opened_on_1": "1", "opened_on_2": "2026"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Give the name of the body that is investigating" in page
    assert not ExternalInvestigation.objects.exists()


def test_recording_a_disclosure_through_the_page(scene: Scene):
    police = external.create_external_investigation(actor=scene.lead, case=scene.case, agency="police")
    browser = client(scene.lead)
    path = reverse("cases:disclosure-add", kwargs={"reference": scene.case.reference})
    assert f'value="{police.pk}"' in browser.get(path).content.decode()
    response = browser.post(
        path,
        {
            "external_investigation": str(police.pk),
            "recipient": "Testshire Police, investigating officer",
            "what": "Interview record of 3 May",
            "why": "Their request under the sharing agreement",
            "disclosed_on_0": "2",
            "disclosed_on_1": "1",
            "disclosed_on_2": "2026",
            "disclosed_time": "14:30",
        },
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.external_investigation == police
    assert timezone.localtime(disclosure.disclosed_at).strftime("%Y-%m-%d %H:%M") == "2026-01-02 14:30"
    page = browser.get(response["Location"]).content.decode()
    assert "Interview record of 3 May" in page
    assert "Their request under the sharing agreement" in page


def test_the_governor_sees_the_log_without_the_buttons_to_change_it(scene: Scene):
    external.create_external_investigation(actor=scene.lead, case=scene.case, agency="police")
    page = client(scene.governor).get(reverse("cases:external-list", kwargs={"reference": scene.case.reference}))
    assert page.status_code == 200
    assert b"Add an external investigation" not in page.content
    assert b">Change<" not in page.content


# --- API --------------------------------------------------------------------------------------------------------


def _token(user, *scopes: str):
    from django.test import Client

    secret = f"test-token-{user.pk}-{'-'.join(scopes)}-0123456789abcdef"
    ApiToken.objects.create(
        user=user, name="tests", prefix=secret[:10], token_hash=hash_token(secret), scopes=list(scopes)
    )
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_records_lists_and_changes_investigations_and_disclosures(scene: Scene):
    api = _token(scene.investigator, "cases:read", "cases:write")
    base = f"/api/v1/cases/{scene.case.reference}"
    created = api.post(
        f"{base}/external", {"agency": "police", "contact": "DC Brackwater"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    investigation_id = created.json()["id"]
    listed = api.get(f"{base}/external").json()
    assert listed == [created.json()]
    assert listed[0]["contact"] == "DC Brackwater"
    changed = api.patch(f"{base}/external/{investigation_id}", {"status": "open"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["status"] == "open"
    assert changed.json()["contact"] == "DC Brackwater"
    # A closing date on an open investigation, or an explicit null on a closed one, is refused, not dropped.
    url = f"{base}/external/{investigation_id}"
    for body in ({"closed_on": "2026-01-02"}, {"status": "closed", "closed_on": None}):
        refused = api.patch(url, body, content_type="application/json")
        assert refused.status_code == 422, body
        assert refused.json()["error"]["details"][0]["field"] == "closed_on"
    assert ExternalInvestigation.objects.get(pk=investigation_id).status == "open"
    # On an investigation that is not closed, null is simply "no closing date".
    still_open = api.patch(url, {"closed_on": None, "external_reference": "TP/1"}, content_type="application/json")
    assert still_open.status_code == 200, still_open.content
    assert still_open.json()["closed_on"] is None
    posted = api.post(
        f"{base}/disclosures",
        {"recipient": "Police", "what": "E1", "why": "Asked", "external_investigation": investigation_id},
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    assert [row["id"] for row in api.get(f"{base}/disclosures").json()] == [posted.json()["id"]]
    bad = api.post(
        f"{base}/disclosures", {"recipient": "", "what": "E1", "why": "Asked"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "recipient"


def test_the_api_hides_what_the_pages_hide(scene: Scene):
    external.create_external_investigation(actor=scene.lead, case=scene.restricted, agency="police")
    outsider = _token(scene.other_lead, "cases:read", "cases:write")
    hidden = outsider.get(f"/api/v1/cases/{scene.restricted.reference}/external")
    missing = outsider.get(f"/api/v1/cases/{MISSING_CASE}/external")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    read_only = _token(scene.investigator, "cases:read")
    refused = read_only.post(
        f"/api/v1/cases/{scene.case.reference}/external", {"agency": "police"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not ExternalInvestigation.objects.filter(case=scene.case).exists()
