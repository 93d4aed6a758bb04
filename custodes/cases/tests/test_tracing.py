"""Leak tracing: who has seen a case, report or evidence item, and an account's access history, from the audit
chain; reading a trace is itself recorded; the queries do not grow with the data."""
# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.cases.services import lifecycle
from custodes.cases.tracing import selectors
from custodes.core.policy import PermissionDenied
from custodes.reporting import services as reporting

from .tracing_support import Scene, client, make_evidence, make_report, scene  # noqa: F401

pytestmark = pytest.mark.django_db


def _read_case(user, case) -> None:
    with transaction.atomic():
        audit.record("cases.viewed", actor=user, target=case, establishment=case.establishment)


def _linked_report(scene: Scene):
    report = make_report(scene).report
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=report)
    return report


def test_the_case_trace_gathers_the_case_its_reports_and_its_evidence(scene: Scene):
    report = _linked_report(scene)
    evidence = make_evidence(scene)
    reporting.open_report(actor=scene.investigator, report=report)
    _read_case(scene.investigator, scene.case)
    with transaction.atomic():
        audit.record("evidence.opened", actor=scene.governor, target=evidence, establishment=scene.prison)
    _read_case(scene.investigator, scene.restricted)  # another case: not in this trace

    trace = selectors.case_trace(scene.lead, scene.case.reference)
    events = list(trace.events)
    assert {e.target_type for e in events} == {"cases.case", "reporting.report", "cases.evidence"}
    assert str(scene.restricted.pk) not in {e.target_id for e in events if e.target_type == "cases.case"}
    rows = selectors.rows(scene.lead, events)
    by_action = {row.event.action: row for row in rows}
    viewed = by_action["reporting.viewed"]
    assert viewed.read
    assert viewed.description == "A handler opened a report's content"
    assert viewed.what == f"Report {report.reference}"
    assert viewed.what_href == reverse("cases:report-access", kwargs={"reference": report.reference})
    assert viewed.roles == ["Investigator (national)"]
    assert by_action["evidence.opened"].what == f"Evidence {evidence.reference}"
    assert by_action["cases.opened"].read is False
    assert [e.seq for e in events] == sorted((e.seq for e in events), reverse=True)


def test_reads_only_leaves_out_the_writes(scene: Scene):
    _read_case(scene.investigator, scene.case)
    trace = selectors.case_trace(scene.lead, scene.case.reference, reads_only=True)
    assert {e.action for e in trace.events} <= set(selectors.sensitive_actions())
    assert "cases.viewed" in {e.action for e in trace.events}


def test_reading_a_trace_is_itself_a_recorded_sensitive_read(scene: Scene):
    selectors.case_trace(scene.lead, scene.case.reference, page=2)
    event = AuditEvent.objects.filter(action="access.traced").get()
    assert (event.actor_id, event.target_type, event.target_id) == (scene.lead.pk, "cases.case", str(scene.case.pk))
    assert event.detail == {"page": 2, "reads_only": False}
    assert "access.traced" in selectors.sensitive_actions()
    # ...and so it shows in the next trace, and in the lead's own access history.
    assert "access.traced" in {e.action for e in selectors.case_trace(scene.lead, scene.case.reference).events}
    assert "access.traced" in {e.action for e in selectors.user_history(scene.other_lead, scene.lead.pk).events}


def test_only_leads_may_trace_and_only_what_they_may_see(scene: Scene):
    for outsider in (scene.investigator, scene.governor, scene.staff):
        with pytest.raises(PermissionDenied):
            selectors.case_trace(outsider, scene.case.reference)
        with pytest.raises(PermissionDenied):
            selectors.user_history(outsider, scene.lead.pk)
    for hidden_from, case in [
        (scene.other_lead, scene.restricted),
        (scene.subject_lead, scene.case),
        (scene.manager_lead, scene.case),
    ]:
        with pytest.raises(Http404):
            selectors.case_trace(hidden_from, case.reference)
    with pytest.raises(Http404):
        selectors.case_trace(scene.lead, "C-2026-999999")
    assert not AuditEvent.objects.filter(action="access.traced").exists()


def test_the_report_and_evidence_traces(scene: Scene):
    report = make_report(scene).report
    reporting.open_report(actor=scene.lead, report=report)
    evidence = make_evidence(scene)
    with transaction.atomic():
        audit.record("evidence.opened", actor=scene.investigator, target=evidence, establishment=scene.prison)
    report_trace = selectors.report_trace(scene.other_lead, report.reference)
    # The reading of the trace itself is in it too: it was recorded before the events were read.
    assert {e.action for e in report_trace.events} == {"reporting.submitted", "reporting.viewed", "access.traced"}
    evidence_trace = selectors.evidence_trace(scene.other_lead, evidence.pk)
    assert [e.action for e in evidence_trace.events] == ["access.traced", "evidence.opened"]
    # A report about the lead (they are its subject) and evidence on a case they may not see: 404.
    with pytest.raises(Http404):
        selectors.report_trace(scene.subject_lead, report.reference)
    hidden_evidence = make_evidence(scene, scene.restricted, number=2)
    with pytest.raises(Http404):
        selectors.evidence_trace(scene.other_lead, hidden_evidence.pk)


def test_an_access_history_lists_every_sensitive_read_and_hides_what_the_reader_may_not_see(scene: Scene):
    _read_case(scene.investigator, scene.case)
    _read_case(scene.investigator, scene.restricted)
    lifecycle.change_status(actor=scene.lead, case=scene.case, to="investigation")  # a write by someone else
    history = selectors.user_history(scene.other_lead, scene.investigator.pk)
    events = list(history.events)
    assert [e.action for e in events] == ["cases.viewed", "cases.viewed"]
    rows = selectors.rows(scene.other_lead, events)
    labels = {row.what for row in rows}
    assert labels == {f"Case {scene.case.reference}", selectors.HIDDEN_LABEL}
    page = client(scene.other_lead).get(reverse("cases:user-access", kwargs={"user_id": scene.investigator.pk}))
    assert page.status_code == 200
    assert scene.restricted.reference.encode() not in page.content
    assert scene.case.reference.encode() in page.content
    with pytest.raises(Http404):
        selectors.user_history(scene.lead, 987654)


def _count_queries(browser, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["case", "user"])
def test_a_trace_page_costs_the_same_queries_however_much_is_recorded(scene: Scene, page: str):
    report = _linked_report(scene)
    evidence = make_evidence(scene)
    browser = client(scene.other_lead)
    path = (
        reverse("cases:case-access", kwargs={"reference": scene.case.reference})
        if page == "case"
        else reverse("cases:user-access", kwargs={"user_id": scene.investigator.pk})
    )

    def read_everything() -> None:
        _read_case(scene.investigator, scene.case)
        reporting.open_report(actor=scene.investigator, report=report)
        with transaction.atomic():
            audit.record("evidence.opened", actor=scene.investigator, target=evidence, establishment=scene.prison)

    read_everything()  # one of each kind of target: each kind costs one query to label, however many there are
    browser.get(path)  # warm: the first request of a session does one-off work
    small = _count_queries(browser, path)
    for _ in range(40):
        read_everything()
    large = _count_queries(browser, path)
    assert large == small
    assert small <= 40


def test_the_trace_page_shows_who_when_what_and_the_request(scene: Scene):
    _read_case(scene.investigator, scene.case)
    browser = client(scene.lead)
    response = browser.get(reverse("cases:case-access", kwargs={"reference": scene.case.reference}), {"reads": "on"})
    page = response.content.decode()
    assert scene.investigator.username in page
    assert "Investigator (national)" in page
    assert "A case&#x27;s content was opened" in page
    assert reverse("cases:user-access", kwargs={"user_id": scene.investigator.pk}) in page
    assert "Case opened" not in page  # the filter leaves out writes
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_api_gives_the_same_trace(scene: Scene):
    from django.test import Client

    from custodes.accounts.models import ApiToken, hash_token

    _read_case(scene.investigator, scene.restricted)
    secret = "trace-token-0123456789abcdef0123456789"
    token = ApiToken.objects.create(
        user=scene.other_lead, name="t", prefix=secret[:10], token_hash=hash_token(secret), scopes=["audit:read"]
    )
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    # Tracing a case needs both: who has seen it (audit:read), and the case itself (cases:read).
    assert api.get(f"/api/v1/access/cases/{scene.case.reference}").status_code == 403
    token.scopes = ["audit:read", "cases:read"]
    token.save()
    body = api.get(f"/api/v1/access/cases/{scene.case.reference}").json()
    assert body["count"] == len(body["items"]) > 0
    assert body["items"][0]["action"] == "access.traced"
    assert body["items"][0]["actor_roles"] == ["counter_corruption_lead@national"]
    history = api.get(f"/api/v1/access/users/{scene.investigator.pk}").json()
    assert [item["target"] for item in history["items"]] == [None]  # the restricted case: not named, not shown
    hidden = api.get(f"/api/v1/access/cases/{scene.restricted.reference}")
    missing = api.get("/api/v1/access/cases/C-2026-999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert api.get("/api/v1/access/flags").json()["count"] == 0
