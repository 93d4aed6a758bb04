"""Triage: the queue (who sees what, in which order, at what cost) and every triage action, through the services
and through the pages: the reason is required and sealed, Report.status moves on, one audit event per decision,
and a decided report leaves the queue."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodes.audit.models import AuditEvent
from custodes.cases import selectors
from custodes.cases.models import Case, CaseStatus, TriageAction, TriageDecision
from custodes.cases.services import triage
from custodes.core.roles import Role
from custodes.reporting.models import MessageKind, ReportStatus
from custodes.reporting.tests.handling_support import set_received
from custodes.testing.personas import persona

from .pages_support import MISSING_REPORT, Estate, browser, estate, file_store, open_case, same_as_missing, world  # noqa: F401

pytestmark = pytest.mark.django_db

MISCONDUCT_CATEGORY = "bullying-harassment"  # other staff misconduct, routed to the national team


def test_the_queue_and_the_services_agree_on_what_awaits_triage():
    assert set(selectors.AWAITING_TRIAGE) == set(triage.AWAITING)
    assert triage.AWAITING < triage.ESCALATABLE


def test_the_queue_puts_risk_first_then_overdue_duties_then_the_longest_waiting(estate: Estate):
    world, now = estate.world, timezone.now()
    conditions_overdue = set_received(world.report(routed="establishment"), now - dt.timedelta(days=30))
    conditions_new = set_received(world.report(routed="establishment"), now - dt.timedelta(days=1))
    misconduct = set_received(world.report(routed="national", category=MISCONDUCT_CATEGORY), now - dt.timedelta(days=2))
    corruption_new = set_received(world.report(routed="national"), now - dt.timedelta(hours=3))
    corruption_old = set_received(world.report(routed="national"), now - dt.timedelta(days=3))
    corruption_overdue = set_received(world.report(routed="national"), now - dt.timedelta(days=9))
    order = [r.reference for r in selectors.triage_queue(estate.lead)]
    assert order == [
        corruption_overdue.reference,
        corruption_old.reference,
        corruption_new.reference,
        misconduct.reference,
        conditions_overdue.reference,
        conditions_new.reference,
    ]
    overdue_only = selectors.triage_queue(estate.lead, selectors.QueueFilters(overdue=True))
    assert {r.reference for r in overdue_only} == {corruption_overdue.reference, conditions_overdue.reference}


def test_the_queue_page_shows_category_establishment_age_and_both_deadlines(estate: Estate):
    report = set_received(estate.world.report(routed="national"), timezone.now() - dt.timedelta(days=9))
    html = browser(estate.lead).get("/triage/").content.decode()
    row = html[html.index(report.reference) :]
    row = row[: row.index("</tr>")]
    assert "Bribes or favours" in row
    assert "Staff corruption" in row
    assert "HMP Testmoor A" in row
    assert "9 days old" in row
    assert "Overdue" in row  # acknowledgement, due 7 days after receipt
    assert "Due" in row  # feedback, due in 3 months


def test_each_role_sees_the_queue_its_policy_allows(estate: Estate):
    world = estate.world
    national = world.report(routed="national")
    here = world.report(routed="establishment")
    elsewhere = world.report(routed="establishment", where="B")
    expected = {
        (Role.COUNTER_CORRUPTION_LEAD, None): {national, here, elsewhere},
        (Role.TRIAGER, world.a): {here},
        (Role.TRIAGER, world.b): {elsewhere},
    }
    for (role, where), reports in expected.items():
        response = browser(persona(role, where)).get("/triage/")
        assert response.status_code == 200
        html = response.content.decode()
        assert {r.reference for r in (national, here, elsewhere) if r.reference in html} == {
            r.reference for r in reports
        }, role
    for role, where in [
        (Role.STAFF, world.a),
        (Role.GOVERNOR, world.a),
        (Role.INVESTIGATOR, None),
        (Role.REPORTER_LIAISON, None),
        (Role.INSPECTOR, None),
        (Role.ANALYST, None),
        (Role.SYSTEM_ADMINISTRATOR, None),
    ]:
        user = persona(role, where)
        assert browser(user).get("/triage/").status_code == 403, role
        assert same_as_missing(browser(user), f"/triage/{here.reference}", f"/triage/{MISSING_REPORT}") == 403


def test_a_subject_never_sees_a_report_about_them_in_the_queue(estate: Estate):
    world = estate.world
    about = world.report(routed="establishment", staff_numbers=(estate.officer.staff_number,))
    triager = persona(Role.TRIAGER, world.a, staff_member=estate.supervisor)  # the subject's line manager
    client = browser(triager)
    assert about.reference not in client.get("/triage/").content.decode()
    assert same_as_missing(client, f"/triage/{about.reference}", f"/triage/{MISSING_REPORT}") == 404


def test_the_queue_costs_the_same_queries_however_many_reports_wait(estate: Estate):
    world, client = estate.world, browser(estate.lead)
    world.report(routed="national")
    client.get("/triage/")  # warm the session and the taxonomy

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/triage/").status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        world.report(routed="national" if n % 2 else "establishment", where="A" if n % 3 else "B")
    assert count() == few


# --- The actions, through the services ------------------------------------------------------------------------


def _decision(report) -> TriageDecision:  # type: ignore[no-untyped-def]
    return TriageDecision.objects.filter(report=report).latest("decided_at", "pk")


def _assert_decided(report, action: str, status: str, reason: str) -> TriageDecision:  # type: ignore[no-untyped-def]
    report.refresh_from_db()
    assert report.status == status
    decision = _decision(report)
    assert decision.action == action
    assert reason.encode() not in bytes(decision.reason)  # sealed under the report's data key
    assert [r.reason for r in triage.decisions(actor=decision.decided_by, report=report)][-1] == reason
    event = AuditEvent.objects.filter(action="triage.decided", target_id=str(report.pk)).latest("seq")
    assert event.detail["action"] == action
    assert reason not in str(event.detail)
    return decision


def test_acknowledging_sends_the_acknowledgement_and_records_the_reason(estate: Estate):
    report = estate.world.report(routed="national")
    triage.acknowledge(actor=estate.lead, report=report, reason="Credible, specific", message="Thank you.")
    _assert_decided(report, TriageAction.ACKNOWLEDGE, ReportStatus.ACKNOWLEDGED, "Credible, specific")
    assert report.acknowledged_at is not None
    assert report.messages.get().kind == MessageKind.ACKNOWLEDGEMENT
    with pytest.raises(ValidationError):
        triage.acknowledge(actor=estate.lead, report=report, reason="Again", message="Thank you again.")
    assert TriageDecision.objects.filter(report=report).count() == 1


def test_asking_for_more_goes_through_the_follow_up_thread_and_keeps_the_report_in_triage(estate: Estate):
    report = estate.world.report(routed="national")
    triage.request_information(actor=estate.lead, report=report, reason="Need dates", message="Which days?")
    _assert_decided(report, TriageAction.REQUEST_INFORMATION, ReportStatus.IN_TRIAGE, "Need dates")
    assert report.messages.get().kind == MessageKind.REQUEST
    assert report in selectors.triage_queue(estate.lead)


def test_opening_a_case_links_the_report_and_takes_its_identified_subjects(estate: Estate):
    report = estate.world.report(
        routed="national",
        staff_numbers=(estate.officer.staff_number, "ZZ999999"),
        prison_numbers=(estate.prisoner.prison_number,),
    )
    case = triage.open_case(
        actor=estate.lead,
        report=report,
        reason="Pattern with two others",
        title="Conveying",
        case_type="criminal_referral",
    )
    decision = _assert_decided(report, TriageAction.OPEN_CASE, ReportStatus.LINKED_TO_CASE, "Pattern with two others")
    assert decision.case == case
    assert (case.establishment, case.category, case.status) == (
        report.establishment,
        report.category,
        CaseStatus.TRIAGE,
    )
    assert list(case.report_links.values_list("report", flat=True)) == [report.pk]
    assert {s.staff_member_id or s.prisoner_id for s in case.subjects.all()} == {estate.officer.pk, estate.prisoner.pk}
    assert report not in selectors.triage_queue(estate.lead)


def test_linking_to_an_existing_case_is_for_leads_who_direct_it(estate: Estate):
    world = estate.world
    case = open_case(estate.lead, world)
    report = world.report(routed="establishment")
    triager = persona(Role.TRIAGER, world.a)
    with pytest.raises(PermissionDenied):
        triage.link_to_case(actor=triager, report=report, case=case, reason="Same officer")
    triage.link_to_case(actor=estate.lead, report=report, case=case, reason="Same officer")
    decision = _assert_decided(report, TriageAction.LINK_TO_CASE, ReportStatus.LINKED_TO_CASE, "Same officer")
    assert decision.case == case
    assert case.report_links.filter(report=report).exists()


@pytest.mark.parametrize(
    ("service", "action", "status"),
    [
        (triage.record_intelligence_only, TriageAction.INTELLIGENCE_ONLY, ReportStatus.INTELLIGENCE_ONLY),
        (triage.no_further_action, TriageAction.NO_FURTHER_ACTION, ReportStatus.NO_FURTHER_ACTION),
    ],
)
def test_closing_decisions_take_the_report_out_of_the_queue(estate: Estate, service, action, status):  # type: ignore[no-untyped-def]
    report = estate.world.report(routed="establishment")
    triager = persona(Role.TRIAGER, estate.world.a)
    service(actor=triager, report=report, reason="Already dealt with by the wing")
    _assert_decided(report, action, status, "Already dealt with by the wing")
    assert report not in selectors.triage_queue(triager)
    with pytest.raises(ValidationError, match="already been decided"):
        triage.no_further_action(actor=triager, report=report, reason="Twice")


def test_referring_to_police_records_their_reference(estate: Estate):
    report = estate.world.report(routed="national")
    with pytest.raises(ValidationError, match="police reference"):
        triage.refer_to_police(actor=estate.lead, report=report, reason="Crime", police_reference=" ")
    triage.refer_to_police(
        actor=estate.lead, report=report, reason="Misconduct in public office", police_reference="MPS/2026/0451"
    )
    decision = _assert_decided(
        report, TriageAction.REFER_TO_POLICE, ReportStatus.REFERRED_TO_POLICE, "Misconduct in public office"
    )
    assert decision.external_reference == "MPS/2026/0451"


def test_intelligence_can_later_become_a_case(estate: Estate):
    report = estate.world.report(routed="national")
    triage.record_intelligence_only(actor=estate.lead, report=report, reason="Not enough yet")
    case = triage.open_case(
        actor=estate.lead,
        report=report,
        reason="Second report names the same officer",
        title="Favours",
        case_type="staff_misconduct",
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED_TO_CASE
    assert case.report_links.filter(report=report).exists()


def test_every_action_needs_a_reason_and_changes_nothing_without_one(estate: Estate):
    report = estate.world.report(routed="national")
    calls = [
        lambda: triage.acknowledge(actor=estate.lead, report=report, reason="  ", message="Thank you."),
        lambda: triage.request_information(actor=estate.lead, report=report, reason="", message="Which days?"),
        lambda: triage.open_case(actor=estate.lead, report=report, reason="", title="T", case_type="staff_misconduct"),
        lambda: triage.record_intelligence_only(actor=estate.lead, report=report, reason=""),
        lambda: triage.no_further_action(actor=estate.lead, report=report, reason=""),
        lambda: triage.refer_to_police(actor=estate.lead, report=report, reason="", police_reference="X1"),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="reason"):
            call()
    report.refresh_from_db()
    assert (report.status, report.messages.count()) == (ReportStatus.RECEIVED, 0)
    assert not TriageDecision.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="triage.decided").exists()


def test_roles_that_never_triage_are_refused_and_establishment_triagers_only_what_is_routed_to_them(estate: Estate):
    world = estate.world
    national = world.report(routed="national")
    governor = persona(Role.GOVERNOR, world.a)
    with pytest.raises(PermissionDenied):
        triage.no_further_action(actor=governor, report=national, reason="No")
    from django.http import Http404

    with pytest.raises(Http404):
        triage.no_further_action(actor=persona(Role.TRIAGER, world.a), report=national, reason="No")
    national.refresh_from_db()
    assert national.status == ReportStatus.RECEIVED


# --- The pages -------------------------------------------------------------------------------------------------


def test_a_lead_triages_a_report_into_a_case_through_the_pages(estate: Estate):
    report = estate.world.report(routed="national", staff_numbers=(estate.officer.staff_number,))
    client = browser(estate.lead)
    page = client.get(f"/triage/{report.reference}")
    html = page.content.decode()
    assert "The heating on B wing has been off for a week." in html  # decrypted for the triager
    assert AuditEvent.objects.filter(action="reporting.viewed", target_id=str(report.pk)).exists()
    for slug in triage_steps():
        assert f"/triage/{report.reference}/{slug}" in html
    form = client.get(f"/triage/{report.reference}/open-case").content.decode()
    assert "Bribes or favours at HMP Testmoor A" in form  # a suggested plain title
    assert estate.officer.staff_number in form  # the subject the case will take
    response = client.post(
        f"/triage/{report.reference}/open-case", {"title": "Favours", "case_type": "staff_misconduct"}
    )
    assert response.status_code == 200
    assert "Give the reason for this decision" in response.content.decode()
    assert not Case.objects.exists()
    response = client.post(
        f"/triage/{report.reference}/open-case",
        {"title": "Favours on visits", "case_type": "staff_misconduct", "reason": "Specific and credible"},
    )
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.reference}"
    followed = client.get(response["Location"])
    assert f"{report.reference}: Case opened." in followed.content.decode()
    assert "no longer in triage" in client.get(f"/triage/{report.reference}/no-further-action").content.decode()
    decided = client.post(f"/triage/{report.reference}/no-further-action", {"reason": "Late"})
    assert decided.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED_TO_CASE


def triage_steps() -> list[str]:
    from custodes.cases.triage.views import STEPS

    return list(STEPS)


def test_a_triager_is_offered_only_what_they_may_do_and_refused_the_rest(estate: Estate):
    report = estate.world.report(routed="establishment")
    client = browser(persona(Role.TRIAGER, estate.world.a))
    html = client.get(f"/triage/{report.reference}").content.decode()
    assert "/acknowledge" in html
    assert "/no-further-action" in html
    assert "/open-case" not in html
    assert "/link-to-case" not in html
    for slug in ("open-case", "link-to-case"):
        assert same_as_missing(client, f"/triage/{report.reference}/{slug}", f"/triage/{MISSING_REPORT}/{slug}") == 403
    response = client.post(f"/triage/{report.reference}/ask-for-more", {"message": "Which wing?", "reason": "Vague"})
    assert response["Location"] == f"/triage/{report.reference}"
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_TRIAGE


def test_linking_to_a_hidden_case_reads_as_linking_to_one_that_does_not_exist(estate: Estate):
    world = estate.world
    hidden = open_case(estate.lead, world)
    from custodes.cases.services import lifecycle

    lifecycle.set_restriction(actor=estate.lead, case=hidden, restricted=True, reason="Senior manager involved")
    other_lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    report = world.report(routed="national")
    client = browser(other_lead)
    answers = []
    for reference in (hidden.reference, "C-2099-999999"):
        response = client.post(
            f"/triage/{report.reference}/link-to-case", {"case_reference": reference, "reason": "Same"}
        )
        assert response.status_code == 200
        answers.append(response.content.decode().replace(reference, "REF"))
    assert "There is no case with that reference that you can link to" in answers[0]
    assert len({a.split('name="csrfmiddlewaretoken"')[0] for a in answers}) == 1
    assert not hidden.report_links.filter(report=report).exists()


def test_a_police_referral_runs_alongside_any_case_the_report_becomes_part_of(estate: Estate):
    from custodes.cases.models import ExternalInvestigation

    report = estate.world.report(routed="national")
    triage.refer_to_police(actor=estate.lead, report=report, reason="Crime", police_reference="MPS/2026/0451")
    assert not ExternalInvestigation.objects.exists()  # no case yet to record it on
    case = triage.open_case(
        actor=estate.lead,
        report=report,
        reason="Ministry investigates too",
        title="Favours",
        case_type="staff_misconduct",
    )
    police = ExternalInvestigation.objects.get(case=case)
    assert (police.agency, police.external_reference, police.status) == ("police", "MPS/2026/0451", "requested")
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED_TO_CASE
    # Linked later from another case's page, out of triage now: the referral follows it there too.
    third = open_case(estate.lead, estate.world)
    triage.link_from_case(actor=estate.lead, case=third, report=report, reason="Same officer")
    assert ExternalInvestigation.objects.filter(case=third, external_reference="MPS/2026/0451").count() == 1
    assert ExternalInvestigation.objects.filter(external_reference="MPS/2026/0451").count() == 2


def test_the_acknowledgement_form_offers_the_standard_wording(estate: Estate):
    from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT

    report = estate.world.report(routed="national")
    html = browser(estate.lead).get(f"/triage/{report.reference}/acknowledge").content.decode()
    assert DEFAULT_ACKNOWLEDGEMENT.split("\n")[0][:40] in html


def test_the_audit_event_records_the_status_the_report_moved_from(estate: Estate):
    report = estate.world.report(routed="national")
    assert report.status == ReportStatus.RECEIVED
    triage.acknowledge(actor=estate.lead, report=report, reason="Credible", message="Thank you.")
    detail = AuditEvent.objects.filter(action="triage.decided").latest("pk").detail
    assert (detail["from"], detail["to"]) == (ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED)


def test_a_decisions_case_is_named_only_to_those_who_may_see_it(estate: Estate):
    report = estate.world.report(routed="establishment")
    case = triage.open_case(
        actor=estate.lead,
        report=report,
        reason="Serious",
        title="Restricted from the start",
        case_type="staff_misconduct",
        restricted=True,
    )
    assert "Case <a" in browser(estate.lead).get(f"/triage/{report.reference}").content.decode()
    for reader in (persona(Role.COUNTER_CORRUPTION_LEAD), persona(Role.TRIAGER, estate.world.a)):
        html = browser(reader).get(f"/triage/{report.reference}").content.decode()
        assert case.reference not in html
        assert "A case [not shown]" in html
