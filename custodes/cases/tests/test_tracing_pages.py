"""The leak tracing pages, per role and relationship: leads only (403 for every other role, whatever the address),
and a lead who may not see the case, report or evidence gets the same 404, byte for byte, as for one that does not
exist. Nothing is recorded as traced when the answer is 403 or 404."""
# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import pytest
from django.urls import reverse

from custodes.audit.models import AuditEvent

from .tracing_support import MISSING_CASE, Scene, assert_same_as_missing, client, make_evidence, make_report, scene  # noqa: F401

pytestmark = pytest.mark.django_db

LEADS_WHO_SEE_EVERYTHING = {"lead"}
# Leads who may not see some of it: other_lead (not named on the restricted case), subject_lead (the officer the
# case and the report are about), manager_lead (the officer's line manager); none of them is named on the restricted
# case.
HIDDEN = {
    "other_lead": {"restricted", "restricted_evidence"},
    "subject_lead": {"case", "report", "evidence", "restricted", "restricted_evidence"},
    "manager_lead": {"case", "report", "evidence", "restricted", "restricted_evidence"},
}
NOT_LEADS = [
    "investigator",
    "unassigned",
    "governor",
    "other_governor",
    "subject_governor",
    "manager_governor",
    "staff",
    "triager",
]


def _addresses(scene: Scene) -> dict[str, tuple[str, str]]:
    report = make_report(scene).report
    evidence = make_evidence(scene)
    restricted_evidence = make_evidence(scene, scene.restricted, number=2)
    return {
        "case": (
            reverse("cases:case-access", kwargs={"reference": scene.case.reference}),
            reverse("cases:case-access", kwargs={"reference": MISSING_CASE}),
        ),
        "restricted": (
            reverse("cases:case-access", kwargs={"reference": scene.restricted.reference}),
            reverse("cases:case-access", kwargs={"reference": MISSING_CASE}),
        ),
        "report": (
            reverse("cases:report-access", kwargs={"reference": report.reference}),
            reverse("cases:report-access", kwargs={"reference": "R-2026-999999"}),
        ),
        "evidence": (
            reverse("cases:evidence-access", kwargs={"evidence_id": evidence.pk}),
            reverse("cases:evidence-access", kwargs={"evidence_id": 999999}),
        ),
        "restricted_evidence": (
            reverse("cases:evidence-access", kwargs={"evidence_id": restricted_evidence.pk}),
            reverse("cases:evidence-access", kwargs={"evidence_id": 999999}),
        ),
    }


@pytest.mark.parametrize("name", ["lead", *HIDDEN])
def test_leads_see_traces_of_what_they_may_see_and_404_otherwise(scene: Scene, name: str):
    addresses = _addresses(scene)
    user = scene.personas()[name]
    browser = client(user)
    for what, (path, missing) in addresses.items():
        if what in HIDDEN.get(name, set()):
            assert_same_as_missing(browser, path, missing)
        else:
            assert browser.get(path).status_code == 200, (name, what)
    traced = AuditEvent.objects.filter(action="access.traced", actor_id=user.pk).count()
    assert traced == len(addresses) - len(HIDDEN.get(name, set()))
    assert browser.get(reverse("cases:user-access", kwargs={"user_id": scene.investigator.pk})).status_code == 200
    assert browser.get(reverse("cases:access-flags")).status_code == 200


@pytest.mark.parametrize("name", NOT_LEADS)
def test_every_other_role_is_refused_whatever_the_address(scene: Scene, name: str):
    addresses = _addresses(scene)
    user = scene.personas()[name]
    browser = client(user)
    for path, missing in addresses.values():
        assert browser.get(path).status_code == 403
        assert_same_as_missing(browser, path, missing)
    for path in (
        reverse("cases:user-access", kwargs={"user_id": scene.lead.pk}),
        reverse("cases:user-access", kwargs={"user_id": user.pk}),  # not even their own
        reverse("cases:access-flags"),
    ):
        assert browser.get(path).status_code == 403
    assert not AuditEvent.objects.filter(action="access.traced").exists()


def test_trace_pages_take_no_posts(scene: Scene):
    browser = client(scene.lead)
    assert browser.post(reverse("cases:case-access", kwargs={"reference": scene.case.reference})).status_code == 405
    assert browser.post(reverse("cases:access-flags")).status_code == 405


def test_the_case_page_links_the_leads_to_the_trace(scene: Scene):
    page = client(scene.lead).get(reverse("cases:external-list", kwargs={"reference": scene.case.reference}))
    assert reverse("cases:case-access", kwargs={"reference": scene.case.reference}).encode() in page.content
    page = client(scene.investigator).get(reverse("cases:external-list", kwargs={"reference": scene.case.reference}))
    assert b"Who has seen this case" not in page.content


def test_the_people_traced_never_see_the_trace(scene: Scene):
    from custodes import audit
    from custodes.cases.evidence.selectors import access_history
    from custodes.cases.tracing import selectors as tracing

    evidence = make_evidence(scene)
    tracing.evidence_trace(scene.lead, evidence.pk)
    assert AuditEvent.objects.filter(action="access.traced", target_id=str(evidence.pk)).exists()
    # The exhibit's own history, which investigators and governors read, shows what was done with it only.
    assert {event.action for event in access_history(evidence)} <= {
        "evidence.received",
        "evidence.opened",
        "evidence.transferred",
        "evidence.integrity_failed",
    }
    assert (
        "access.traced"
        not in client(scene.investigator)
        .get(reverse("cases:evidence-detail", kwargs={"reference": scene.case.reference, "exhibit": "E1"}))
        .content.decode()
    )
    # A lead under watch learns of it neither from the tracing lead's history nor from the flags.
    tracing.user_history(scene.lead, scene.subject_lead.pk)
    audit.record("access.flagged", actor=None, target_type="accounts.user", target_id=scene.subject_lead.pk, detail={})
    seen_by_subject = tracing.user_history(scene.subject_lead, scene.lead.pk).events
    assert not seen_by_subject.filter(target_id=str(scene.subject_lead.pk)).exists()
    assert not tracing.flag_events(scene.subject_lead).exists()
    assert tracing.flag_events(scene.lead).filter(target_id=str(scene.subject_lead.pk)).exists()
