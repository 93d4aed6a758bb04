"""The forms on the case pages, over HTTP: each POST calls its service and returns to the case with a banner;
bad input is explained in the GOV.UK error summary and changes nothing."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from custodes.cases.models import Assignment, Case, CaseStatus, DutyStatus, NamedAccess, Note, Outcome, Task
from custodes.cases.services import lifecycle
from custodes.core.roles import Role
from custodes.reporting.models import ReportStatus
from custodes.testing.personas import persona

from .pages_support import Estate, browser, estate, file_store, open_case, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(estate: Estate) -> Case:
    return open_case(estate.lead, estate.world, staff_subjects=[estate.officer])


def _error_summary(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html, html[:2000]
    return html


def _done(response, case: Case, anchor: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/cases/{case.reference}#{anchor}"


def test_moving_a_case_needs_a_reason_where_the_workflow_says_so(estate: Estate, case: Case):
    client, url = browser(estate.lead), f"/cases/{case.reference}/status"
    form = client.get(url).content.decode()
    assert 'value="investigation"' in form
    assert 'value="closed"' in form
    assert 'value="outcome"' not in form  # not a move the workflow allows from triage
    assert "Give a reason for this move" in _error_summary(client.post(url, {"to": "closed"}))
    assert "Choose where to move the case" in _error_summary(client.post(url, {"to": "outcome"}))
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    _done(client.post(url, {"to": "investigation"}), case, "status")
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATION
    assert "Case moved." in client.get(f"/cases/{case.reference}").content.decode()


def test_assigning_and_taking_off_an_investigator(estate: Estate, case: Case):
    client = browser(estate.lead)
    investigator = persona(Role.INVESTIGATOR, full_name="Corin Hazeldean")
    elsewhere = persona(Role.INVESTIGATOR, estate.world.b, full_name="Fenn Elsewhere")
    manager = persona(Role.INVESTIGATOR, staff_member=estate.manager, full_name="Garnet Manager")
    form = client.get(f"/cases/{case.reference}/investigators/add").content.decode()
    assert "Corin Hazeldean" in form
    assert "Fenn Elsewhere" not in form  # an investigator for another prison
    assert "Garnet Manager" not in form  # above the subject in the line-management chain
    response = client.post(
        f"/cases/{case.reference}/investigators/add", {"user": str(manager.pk), "role": "investigator"}
    )
    assert "Choose an investigator from the list" in _error_summary(response)
    _done(
        client.post(f"/cases/{case.reference}/investigators/add", {"user": str(investigator.pk), "role": "lead"}),
        case,
        "people",
    )
    assignment = Assignment.objects.get(case=case, ended_at__isnull=True)
    assert (assignment.user, assignment.role) == (investigator, "lead")
    assert elsewhere.pk != investigator.pk
    remove = f"/cases/{case.reference}/investigators/{investigator.pk}/remove"
    assert "Take Corin Hazeldean off the case" in client.get(remove).content.decode()
    _done(client.post(remove, {"reason": "Moved to another case"}), case, "people")
    assert not Assignment.objects.filter(case=case, ended_at__isnull=True).exists()
    assert client.get(remove).status_code == 404  # no longer assigned


def test_restricting_names_people_and_keeps_the_investigators_already_on_it(estate: Estate, case: Case):
    client = browser(estate.lead)
    investigator = persona(Role.INVESTIGATOR, full_name="Corin Hazeldean")
    lifecycle.assign(actor=estate.lead, case=case, user=investigator)
    other_lead = persona(Role.COUNTER_CORRUPTION_LEAD, full_name="Alder Fallowfield")
    outsider = persona(Role.COUNTER_CORRUPTION_LEAD, full_name="Bramble Outsider")
    url = f"/cases/{case.reference}/restriction"
    form = client.get(url).content.decode()
    assert "Alder Fallowfield" in form
    assert "Corin Hazeldean" not in form  # an investigator on the case stays named without asking
    assert "Give a reason" in _error_summary(client.post(url, {"restricted": "yes"}))
    _done(
        client.post(url, {"restricted": "yes", "named": [str(other_lead.pk)], "reason": "Concerns a governor"}),
        case,
        "people",
    )
    case.refresh_from_db()
    assert case.restricted
    named = set(NamedAccess.objects.filter(case=case).values_list("user", flat=True))
    assert named == {estate.lead.pk, investigator.pk, other_lead.pk}
    assert browser(outsider).get(f"/cases/{case.reference}").status_code == 404
    for person in (investigator, other_lead):
        assert browser(person).get(f"/cases/{case.reference}").status_code == 200
    assert "Alder Fallowfield" in client.get(f"/cases/{case.reference}").content.decode()  # listed as named


def test_linking_a_report_from_the_case_decides_its_triage(estate: Estate, case: Case):
    client, url = browser(estate.lead), f"/cases/{case.reference}/reports/link"
    report = estate.world.report(routed="national")
    for reference in ("R-2099-999999", "nonsense"):
        response = client.post(url, {"report_reference": reference, "reason": "Same officer"})
        assert "There is no report with that reference that you can read" in _error_summary(response)
    _done(client.post(url, {"report_reference": report.reference.lower(), "reason": "Same officer"}), case, "reports")
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED_TO_CASE
    assert report.triage_decisions.get().case == case
    assert "already linked" in _error_summary(client.post(url, {"report_reference": report.reference, "reason": "x"}))


def test_adding_subjects_by_staff_or_prison_number(estate: Estate, case: Case):
    client, url = browser(estate.lead), f"/cases/{case.reference}/subjects/add"
    assert "No member of staff or prisoner has that number" in _error_summary(client.post(url, {"number": "Z9999ZZ"}))
    assert "already a subject" in _error_summary(client.post(url, {"number": "tsoff001"}))
    _done(client.post(url, {"number": "a 1234 bc"}), case, "subjects")
    assert case.subjects.filter(prisoner=estate.prisoner).exists()
    own = persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=estate.supervisor)
    mine = open_case(own, estate.world)
    response = browser(own).post(f"/cases/{mine.reference}/subjects/add", {"number": estate.officer.staff_number})
    assert "the case concerns you or your team" in _error_summary(response)
    assert not mine.subjects.exists()


def test_tasks_are_added_and_marked_done(estate: Estate, case: Case):
    investigator = persona(Role.INVESTIGATOR, full_name="Corin Hazeldean")
    lifecycle.assign(actor=estate.lead, case=case, user=investigator)
    client = browser(investigator)
    url = f"/cases/{case.reference}/tasks/add"
    form = client.get(url).content.decode()
    assert "Corin Hazeldean" in form
    assert "Hollis Ashgrove" in form  # the owner
    assert "Say what needs doing" in _error_summary(client.post(url, {"title": ""}))
    response = client.post(url, {"title": "Pull logs", "due_on_0": "31", "due_on_1": "2", "due_on_2": "2030"})
    assert "must be a real date" in _error_summary(response)
    _done(
        client.post(
            url,
            {
                "title": "Pull logs",
                "due_on_0": "1",
                "due_on_1": "3",
                "due_on_2": "2030",
                "assignee": str(investigator.pk),
            },
        ),
        case,
        "tasks",
    )
    task = Task.objects.get()
    assert (task.due_on, task.assignee) == (dt.date(2030, 3, 1), investigator)
    done = f"/cases/{case.reference}/tasks/{task.pk}/done"
    assert client.get(done).status_code == 405
    _done(client.post(done), case, "tasks")
    task.refresh_from_db()
    assert task.done_at is not None
    assert "already done" in client.post(done, follow=True).content.decode()


def test_notes_and_interview_records(estate: Estate, case: Case):
    client = browser(estate.lead)
    assert "Write the note" in _error_summary(client.post(f"/cases/{case.reference}/notes/add", {"body": " "}))
    _done(client.post(f"/cases/{case.reference}/notes/add", {"body": "Locker searched."}), case, "notes")
    url = f"/cases/{case.reference}/interviews/add"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "interviewee": "witness",
            "interviewed_on_0": tomorrow.day,
            "interviewed_on_1": tomorrow.month,
            "interviewed_on_2": tomorrow.year,
            "record": "Not yet",
        },
    )
    assert "enter a date in the past" in _error_summary(response)
    response = client.post(
        url,
        {
            "interviewee": "witness",
            "interviewed_on_0": "2",
            "interviewed_on_1": "3",
            "interviewed_on_2": "2026",
            "interviewed_time": "25:00",
            "record": "x",
        },
    )
    assert "Enter the time like 14:30" in _error_summary(response)
    _done(
        client.post(
            url,
            {
                "interviewee": "witness",
                "interviewed_on_0": "2",
                "interviewed_on_1": "3",
                "interviewed_on_2": "2026",
                "interviewed_time": "14:30",
                "record": "Saw it.",
            },
        ),
        case,
        "notes",
    )
    interview = Note.objects.get(kind="interview")
    assert timezone.localtime(interview.interviewed_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 14:30"
    # Today with no time: accepted at any hour (midday, or now if that is still to come), never "in the future".
    today = timezone.localdate()
    today_fields = {"interviewed_on_0": today.day, "interviewed_on_1": today.month, "interviewed_on_2": today.year}
    _done(client.post(url, {"interviewee": "subject", **today_fields, "record": "Today."}), case, "notes")
    assert Note.objects.filter(kind="interview").latest("pk").interviewed_at <= timezone.now()
    # Later today, with a time: refused against the date, not the record.
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%H:%M")
    if timezone.localtime().hour < 22:
        response = client.post(
            url, {"interviewee": "subject", **today_fields, "interviewed_time": later, "record": "Soon."}
        )
        assert 'href="#id_interviewed_on"' in response.content.decode()
        assert "enter a date in the past" in _error_summary(response)
    html = client.get(f"/cases/{case.reference}").content.decode()
    assert "Locker searched." in html
    assert "Saw it." in html


def test_decisions_outcomes_proposals_and_duty_status(estate: Estate, case: Case):
    client = browser(estate.lead)
    subject = case.subjects.get()
    assert "Give the reasons" in _error_summary(
        client.post(f"/cases/{case.reference}/decisions/add", {"summary": "Hearing"})
    )
    _done(
        client.post(f"/cases/{case.reference}/decisions/add", {"summary": "Hearing", "reasons": "CCTV"}),
        case,
        "decisions",
    )
    _done(
        client.post(
            f"/cases/{case.reference}/proposals/add",
            {"subject": str(subject.pk), "kind": "dismissal", "reasons": "CCTV"},
        ),
        case,
        "timeline",
    )
    assert "Choose an outcome" in _error_summary(
        client.post(f"/cases/{case.reference}/outcomes/add", {"subject": str(subject.pk)})
    )
    _done(
        client.post(f"/cases/{case.reference}/outcomes/add", {"subject": str(subject.pk), "kind": "dismissal"}),
        case,
        "outcomes",
    )
    assert Outcome.objects.get().effective_on == timezone.localdate()
    duty = f"/cases/{case.reference}/subjects/{subject.pk}/duty-status"
    _done(client.post(duty, {"status": "suspended"}), case, "subjects")
    assert "already on suspended" in _error_summary(client.post(duty, {"status": "suspended"}))
    assert DutyStatus.objects.get().status == "suspended"
    lifecycle.add_subject(actor=estate.lead, case=case, prisoner=estate.prisoner)
    prisoner_subject = case.subjects.get(prisoner=estate.prisoner)
    assert client.get(f"/cases/{case.reference}/subjects/{prisoner_subject.pk}/duty-status").status_code == 404
    other = open_case(estate.lead, estate.world, staff_subjects=[estate.supervisor])
    assert client.get(f"/cases/{case.reference}/subjects/{other.subjects.get().pk}/duty-status").status_code == 404
