"""The work on a case through custodes.cases.services.work: who may do what, what is sealed, what the timeline
and the audit chain record, and the invariants (duty status over time, closed cases, subjects of this case)."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseEvent, CaseStatus, DutyStatus, Note, NoteKind, Outcome
from custodes.cases.services import lifecycle, work
from custodes.core.roles import Role
from custodes.testing.personas import persona

from .pages_support import Estate, estate, file_store, open_case, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(estate: Estate) -> Case:
    return open_case(estate.lead, estate.world, staff_subjects=[estate.officer], prisoner_subjects=[estate.prisoner])


@pytest.fixture
def investigator(estate: Estate, case: Case):  # type: ignore[no-untyped-def]
    person = persona(Role.INVESTIGATOR, full_name="Ives Dunmere")
    lifecycle.assign(actor=estate.lead, case=case, user=person)
    return person


def _staff_subject(case: Case):  # type: ignore[no-untyped-def]
    return case.subjects.get(staff_member__isnull=False)


def _prisoner_subject(case: Case):  # type: ignore[no-untyped-def]
    return case.subjects.get(prisoner__isnull=False)


def _audited(action: str, case: Case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(case.pk)).order_by("seq"))


def test_an_assigned_investigator_works_the_case_but_only_a_lead_directs_it(estate: Estate, case: Case, investigator):  # type: ignore[no-untyped-def]
    work.add_task(actor=investigator, case=case, title="Pull the gate logs", due_on=dt.date(2030, 1, 1))
    work.add_note(actor=investigator, case=case, body="Gate logs requested from security.")
    work.add_interview(
        actor=investigator,
        case=case,
        interviewee="witness",
        interviewed_at=timezone.now() - dt.timedelta(hours=2),
        record="Saw the bag handed over at the gate.",
    )
    work.propose_outcome(
        actor=investigator, case=case, subject=_staff_subject(case), kind="dismissal", reasons="Clear on CCTV."
    )
    for direct in (
        lambda: work.record_decision(actor=investigator, case=case, summary="Hearing", reasons="CCTV"),
        lambda: work.record_outcome(actor=investigator, case=case, subject=_staff_subject(case), kind="dismissal"),
        lambda: work.set_duty_status(actor=investigator, case=case, subject=_staff_subject(case), status="suspended"),
        lambda: lifecycle.change_status(actor=investigator, case=case, to=CaseStatus.INVESTIGATION),
    ):
        with pytest.raises(PermissionDenied):
            direct()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["task", "note", "interview", "proposal"]
    assert not case.decisions.exists()
    assert not Outcome.objects.exists()


def test_people_who_may_not_work_the_case_are_refused_and_nothing_is_written(estate: Estate, case: Case):
    unassigned = persona(Role.INVESTIGATOR)
    governor = persona(Role.GOVERNOR, estate.world.a)
    with pytest.raises(Http404):
        work.add_note(actor=unassigned, case=case, body="Not mine")
    with pytest.raises(PermissionDenied):
        work.add_note(actor=governor, case=case, body="Governors read, they do not investigate")
    assert not Note.objects.exists()
    assert not _audited("cases.note_added", case)


def test_what_people_write_is_sealed_and_reading_it_is_recorded(estate: Estate, case: Case, investigator):  # type: ignore[no-untyped-def]
    note = work.add_note(actor=investigator, case=case, body="The officer's locker held two phones.")
    interview = work.add_interview(
        actor=investigator,
        case=case,
        interviewee="subject",
        interviewed_at=timezone.now() - dt.timedelta(days=1),
        record="Declined to comment.",
    )
    decision = work.record_decision(actor=estate.lead, case=case, summary="Refer to a hearing", reasons="Phones found")
    lifecycle.change_status(actor=estate.lead, case=case, to=CaseStatus.CLOSED, reason="Sent to the hearing panel")
    for sealed, plain in [
        (note.body, "locker"),
        (interview.body, "Declined"),
        (decision.reasons, "Phones found"),
        (case.events.get(kind="status").detail, "hearing panel"),
    ]:
        assert plain.encode() not in bytes(sealed)
    opened = work.read_case(actor=investigator, case=case)
    assert [w.text for w in opened.notes] == ["The officer's locker held two phones.", "Declined to comment."]
    assert [w.item.kind for w in opened.interviews] == [NoteKind.INTERVIEW]
    assert [w.text for w in opened.decisions] == ["Phones found"]
    assert opened.timeline[0].text == "Sent to the hearing panel"  # newest first
    assert opened.summary == "Phones brought in on night shifts by an officer."
    reads = _audited("cases.viewed", case)
    assert [event.actor_label for event in reads] == [investigator.username]


def test_a_task_goes_to_someone_working_the_case_and_is_done_once(estate: Estate, case: Case, investigator):  # type: ignore[no-untyped-def]
    governor = persona(Role.GOVERNOR, estate.world.a)
    with pytest.raises(ValidationError, match="working on this case"):
        work.add_task(actor=estate.lead, case=case, title="Read the file", assignee=governor)
    with pytest.raises(ValidationError, match="Say what needs doing"):
        work.add_task(actor=estate.lead, case=case, title="  ")
    task = work.add_task(actor=estate.lead, case=case, title="Interview the subject", assignee=investigator)
    work.complete_task(actor=investigator, case=case, task=task)
    with pytest.raises(ValidationError, match="already done"):
        work.complete_task(actor=investigator, case=case, task=task)
    assert [e.detail["change"] for e in _audited("cases.task_changed", case)] == ["added", "done"]
    assert case.events.filter(kind="task_done", summary="Task done: Interview the subject").exists()


def test_an_interview_must_have_happened(case: Case, investigator):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="in the past"):
        work.add_interview(
            actor=investigator,
            case=case,
            interviewee="witness",
            interviewed_at=timezone.now() + dt.timedelta(days=1),
            record="Not yet",
        )


def test_outcomes_are_per_subject_of_this_case_and_several_may_follow_each_other(estate: Estate, case: Case):
    staff, prisoner = _staff_subject(case), _prisoner_subject(case)
    other = open_case(estate.lead, estate.world, staff_subjects=[estate.supervisor])
    with pytest.raises(ValidationError, match="subject of this case"):
        work.record_outcome(actor=estate.lead, case=case, subject=other.subjects.get(), kind="dismissal")
    with pytest.raises(ValidationError, match="Choose an outcome"):
        work.record_outcome(actor=estate.lead, case=case, subject=staff, kind="sacked")
    work.record_outcome(actor=estate.lead, case=case, subject=staff, kind="referred_to_police")
    work.record_outcome(actor=estate.lead, case=case, subject=staff, kind="charged", effective_on=dt.date(2026, 3, 1))
    work.record_outcome(actor=estate.lead, case=case, subject=prisoner, kind="no_case_to_answer")
    assert list(Outcome.objects.filter(subject=staff).values_list("kind", flat=True)) == [
        "referred_to_police",
        "charged",
    ]
    assert case.events.filter(kind="outcome", summary="Outcome for staff TSOFF001: Charged").exists()
    # The plain timeline names subjects by number, never by name.
    assert not CaseEvent.objects.filter(summary__contains=estate.officer.last_name).exists()


def test_duty_status_over_time_keeps_one_current_row_and_no_gaps(estate: Estate, case: Case):
    subject = _staff_subject(case)
    first = work.set_duty_status(
        actor=estate.lead, case=case, subject=subject, status="restricted", start_date=dt.date(2026, 2, 1)
    )
    with pytest.raises(ValidationError, match="already on restricted duties"):
        work.set_duty_status(actor=estate.lead, case=case, subject=subject, status="restricted")
    with pytest.raises(ValidationError, match="on or after 1 February 2026"):
        work.set_duty_status(
            actor=estate.lead, case=case, subject=subject, status="suspended", start_date=dt.date(2026, 1, 1)
        )
    second = work.set_duty_status(
        actor=estate.lead, case=case, subject=subject, status="suspended", start_date=dt.date(2026, 3, 1)
    )
    first.refresh_from_db()
    assert (first.start_date, first.end_date) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert second.end_date is None
    assert DutyStatus.objects.filter(case=case, end_date__isnull=True).get() == second
    with pytest.raises(ValidationError, match="member of staff"):
        work.set_duty_status(actor=estate.lead, case=case, subject=_prisoner_subject(case), status="suspended")
    changes = [(e.detail["from"], e.detail["to"]) for e in _audited("cases.duty_status_changed", case)]
    assert changes == [(None, "restricted"), ("restricted", "suspended")]


def test_a_closed_case_takes_no_more_work_until_it_is_reopened(estate: Estate, case: Case, investigator):  # type: ignore[no-untyped-def]
    lifecycle.change_status(actor=estate.lead, case=case, to=CaseStatus.CLOSED, reason="No case to pursue")
    case.refresh_from_db()
    for call in (
        lambda: work.add_note(actor=investigator, case=case, body="Late thought"),
        lambda: work.add_task(actor=estate.lead, case=case, title="Late task"),
        lambda: work.record_decision(actor=estate.lead, case=case, summary="Late", reasons="Late"),
    ):
        with pytest.raises(ValidationError, match="closed"):
            call()
    lifecycle.change_status(actor=estate.lead, case=case, to=CaseStatus.INVESTIGATION, reason="New evidence")
    case.refresh_from_db()
    work.add_note(actor=investigator, case=case, body="New evidence arrived")
    assert case.notes.count() == 1


def test_a_restricted_case_is_worked_only_by_named_people(estate: Estate, case: Case, investigator):  # type: ignore[no-untyped-def]
    named_lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    lifecycle.set_restriction(
        actor=estate.lead, case=case, restricted=True, named=[named_lead], reason="Senior manager involved"
    )
    case.refresh_from_db()
    # The investigator already on the case stays on it; a lead named on it may work it too.
    work.add_note(actor=investigator, case=case, body="Still on it")
    work.add_note(actor=named_lead, case=case, body="Named on it")
    outsider = persona(Role.COUNTER_CORRUPTION_LEAD)
    with pytest.raises(Http404):
        work.add_note(actor=outsider, case=case, body="Not named")
    with pytest.raises(Http404):
        work.read_case(actor=outsider, case=case)
    assert case.notes.count() == 2
