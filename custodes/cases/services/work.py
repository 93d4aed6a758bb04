"""The work on a case: reading it (audited), tasks, notes, interview records, proposed and recorded outcomes,
decisions, and a staff subject's duty status over time.

Every write is one atomic function with the acting account first; it checks the policy itself (investigators
assigned to a case may work it: tasks, notes, interviews, proposals; only those who direct it, the
counter-corruption leads, decide, record outcomes and change duty status), locks the case row so writers queue
per case, adds a line to the case's timeline and writes its audit event in the same transaction. What people
write is sealed under the case's data key; the timeline's plain summary never carries it. A closed case takes no
more work until it is reopened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    CaseSubject,
    Decision,
    DutyStatus,
    DutyStatusKind,
    Note,
    NoteKind,
    Outcome,
    OutcomeKind,
    Task,
)
from custodes.cases.services.common import data_key, locked, seal, timeline, unseal
from custodes.core import policy
from custodes.notifications import services as notifications

VIEW, WORK, DIRECT = "cases.view_case", "cases.work", "cases.direct"
TITLE_MAX = 200
NOTE_MAX = 20_000
REASONS_MAX = 10_000
INTERVIEWEE_MAX = 120


def note_field(note: Note) -> str:
    return f"note:{note.pk}"


def decision_field(decision: Decision) -> str:
    return f"decision:{decision.pk}"


def event_field(event: CaseEvent) -> str:
    return f"event:{event.pk}"  # as services.common.timeline seals it


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def subject_identifier(subject: CaseSubject) -> str:
    """A subject as the plain timeline names them: by staff or prison number, never by name."""
    if subject.staff_member is not None:
        return f"staff {subject.staff_member.staff_number}"
    if subject.prisoner is not None:
        return f"prisoner {subject.prisoner.prison_number}"
    return "subject"


def _text(value: str, *, name: str, required: str, maximum: int, what: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({name: required})
    if len(value) > maximum:
        raise ValidationError({name: f"{what} must be {maximum:,} characters or fewer"})
    return value


def _workable(actor: Any, case: Case, action: str) -> Case:
    """The case row, locked, once the actor may take ``action`` on it and it is not closed."""
    policy.require(actor, action, case)
    current = locked(case)
    if current.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. Reopen it to add to it.")
    return current


def _audit(action: str, *, actor: Any, case: Case, detail: dict[str, Any]) -> None:
    audit.record(action, actor=actor, target=case, establishment=case.establishment, detail=detail)


# --- Reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """Something written on the case, decrypted: a note, an interview record, a decision's reasons."""

    item: Any
    text: str


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    summary: str
    notes: list[Written] = field(default_factory=list)  # notes and interview records, oldest first
    decisions: list[Written] = field(default_factory=list)
    timeline: list[Written] = field(default_factory=list)  # every CaseEvent, newest first, detail decrypted

    @property
    def interviews(self) -> list[Written]:
        return [w for w in self.notes if w.item.kind == NoteKind.INTERVIEW]


@transaction.atomic
def read_case(*, actor: Any, case: Case) -> OpenedCase:
    """Decrypt a case for its page. Every reading is an audit event, in the same transaction as the read."""
    policy.require(actor, VIEW, case)
    key = data_key(case)
    notes = Note.objects.filter(case=case).select_related("author").order_by("written_at", "pk")
    decisions = Decision.objects.filter(case=case).select_related("decided_by").order_by("decided_at", "pk")
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("-at", "-pk")
    opened = OpenedCase(
        case=case,
        summary=unseal(case, "summary", case.summary, key),
        notes=[Written(n, unseal(case, note_field(n), n.body, key)) for n in notes],
        decisions=[Written(d, unseal(case, decision_field(d), d.reasons, key)) for d in decisions],
        timeline=[Written(e, unseal(case, event_field(e), e.detail, key)) for e in events],
    )
    _audit("cases.viewed", actor=actor, case=case, detail={"reference": case.reference})
    return opened


# --- Tasks -----------------------------------------------------------------------------------------------------


@transaction.atomic
def add_task(*, actor: Any, case: Case, title: str, due_on: dt.date | None = None, assignee: Any = None) -> Task:
    """A task on the case, for its owner or an assigned investigator (anyone who may work the case)."""
    case = _workable(actor, case, WORK)
    title = _text(title, name="title", required="Say what needs doing", maximum=TITLE_MAX, what="The task")
    if assignee is not None and not policy.can(assignee, WORK, case):
        raise ValidationError({"assignee": "Give the task to someone working on this case"})
    task = Task.objects.create(
        case=case, title=title, assignee=assignee, due_on=due_on, created_by=actor, created_at=timezone.now()
    )
    due = f", due {day(due_on)}" if due_on else ""
    timeline(case, actor=actor, kind="task", summary=f"Task added: {title}{due}")
    if assignee is not None:
        # Before the audit event: recording it takes the audit chain's lock until commit.
        notifications.notify_task_assigned(task, actor=actor)
    _audit(
        "cases.task_changed",
        actor=actor,
        case=case,
        detail={"task": task.pk, "change": "added", "due_on": due_on.isoformat() if due_on else None},
    )
    return task


@transaction.atomic
def complete_task(*, actor: Any, case: Case, task: Task) -> Task:
    case = _workable(actor, case, WORK)
    task = Task.objects.select_for_update().get(pk=task.pk, case=case)
    if task.done_at is not None:
        raise ValidationError("This task is already done")
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    timeline(case, actor=actor, kind="task_done", summary=f"Task done: {task.title}")
    _audit("cases.task_changed", actor=actor, case=case, detail={"task": task.pk, "change": "done"})
    return task


# --- Notes and interview records -------------------------------------------------------------------------------


def _write_note(*, actor: Any, case: Case, kind: NoteKind, body: str, **fields: Any) -> Note:
    note = Note.objects.create(case=case, kind=kind, author=actor, written_at=timezone.now(), body=b"", **fields)
    note.body = seal(case, note_field(note), body)
    note.save(update_fields=["body"])
    return note


@transaction.atomic
def add_note(*, actor: Any, case: Case, body: str) -> Note:
    case = _workable(actor, case, WORK)
    body = _text(body, name="body", required="Write the note", maximum=NOTE_MAX, what="The note")
    note = _write_note(actor=actor, case=case, kind=NoteKind.NOTE, body=body)
    timeline(case, actor=actor, kind="note", summary="Note added")
    _audit("cases.note_added", actor=actor, case=case, detail={"note": note.pk, "kind": NoteKind.NOTE.value})
    return note


@transaction.atomic
def add_interview(*, actor: Any, case: Case, interviewee: str, interviewed_at: dt.datetime, record: str) -> Note:
    """An interview record: who was interviewed (by their role in the case, such as "subject" or "witness"),
    when, and the record itself (sealed)."""
    case = _workable(actor, case, WORK)
    interviewee = _text(
        interviewee,
        name="interviewee",
        required="Say who was interviewed, by their role",
        maximum=INTERVIEWEE_MAX,
        what="Who was interviewed",
    )
    record = _text(record, name="record", required="Write the interview record", maximum=NOTE_MAX, what="The record")
    if interviewed_at > timezone.now():
        raise ValidationError({"interviewed_at": "The interview must have taken place: enter a date in the past"})
    note = _write_note(
        actor=actor,
        case=case,
        kind=NoteKind.INTERVIEW,
        body=record,
        interviewee=interviewee,
        interviewed_at=interviewed_at,
    )
    timeline(case, actor=actor, kind="interview", summary=f"Interview recorded ({interviewee})")
    _audit("cases.note_added", actor=actor, case=case, detail={"note": note.pk, "kind": NoteKind.INTERVIEW.value})
    return note


# --- Proposals, decisions, outcomes ----------------------------------------------------------------------------


def _subject_of(case: Case, subject: CaseSubject) -> CaseSubject:
    found = CaseSubject.objects.filter(pk=subject.pk, case=case).select_related("staff_member", "prisoner").first()
    if found is None:
        raise ValidationError({"subject": "Choose a subject of this case"})
    return found


def _outcome_kind(kind: OutcomeKind | str) -> OutcomeKind:
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": "Choose an outcome"})
    return OutcomeKind(kind)


@transaction.atomic
def propose_outcome(
    *, actor: Any, case: Case, subject: CaseSubject, kind: OutcomeKind | str, reasons: str
) -> CaseEvent:
    """An investigator's proposed outcome for one subject, with reasons, for a lead to decide on. It is a line on
    the timeline (the reasons sealed with it), not an outcome: only a lead records those."""
    case = _workable(actor, case, WORK)
    subject = _subject_of(case, subject)
    outcome = _outcome_kind(kind)
    reasons = _text(reasons, name="reasons", required="Give your reasons", maximum=REASONS_MAX, what="The reasons")
    event = timeline(
        case,
        actor=actor,
        kind="proposal",
        summary=f"Outcome proposed for {subject_identifier(subject)}: {outcome.label}",
        text=reasons,
    )
    _audit("cases.note_added", actor=actor, case=case, detail={"kind": "proposal", "outcome": outcome.value})
    return event


@transaction.atomic
def record_decision(*, actor: Any, case: Case, summary: str, reasons: str) -> Decision:
    """A decision (plain summary, such as "refer to a disciplinary hearing") with its reasons, sealed."""
    case = _workable(actor, case, DIRECT)
    summary = _text(summary, name="summary", required="Say what was decided", maximum=200, what="The decision")
    reasons = _text(reasons, name="reasons", required="Give the reasons", maximum=REASONS_MAX, what="The reasons")
    decision = Decision.objects.create(
        case=case, decided_by=actor, decided_at=timezone.now(), summary=summary, reasons=b""
    )
    decision.reasons = seal(case, decision_field(decision), reasons)
    decision.save(update_fields=["reasons"])
    timeline(case, actor=actor, kind="decision", summary=f"Decision: {summary}")
    _audit("cases.decision_recorded", actor=actor, case=case, detail={"decision": decision.pk})
    return decision


@transaction.atomic
def record_outcome(
    *, actor: Any, case: Case, subject: CaseSubject, kind: OutcomeKind | str, effective_on: dt.date | None = None
) -> Outcome:
    """An outcome for one subject. A subject may have several over time (referred to police, then charged, then
    convicted); resigning during an investigation is recorded as an outcome, not a way out of one."""
    case = _workable(actor, case, DIRECT)
    subject = _subject_of(case, subject)
    outcome_kind = _outcome_kind(kind)
    effective_on = effective_on or timezone.localdate()
    outcome = Outcome.objects.create(
        case=case,
        subject=subject,
        kind=outcome_kind,
        recorded_by=actor,
        recorded_at=timezone.now(),
        effective_on=effective_on,
    )
    timeline(
        case,
        actor=actor,
        kind="outcome",
        summary=f"Outcome for {subject_identifier(subject)}: {outcome_kind.label}",
    )
    _audit(
        "cases.outcome_recorded",
        actor=actor,
        case=case,
        detail={"subject": subject.pk, "outcome": outcome_kind.value, "effective_on": effective_on.isoformat()},
    )
    return outcome


# --- Duty status -----------------------------------------------------------------------------------------------


@transaction.atomic
def set_duty_status(
    *,
    actor: Any,
    case: Case,
    subject: CaseSubject,
    status: DutyStatusKind | str,
    start_date: dt.date | None = None,
) -> DutyStatus:
    """Change a staff subject's duty status while investigated (normal, restricted duties, suspended): the open
    row is closed on the day the new one starts, so the history has no gaps and one current row."""
    case = _workable(actor, case, DIRECT)
    subject = _subject_of(case, subject)
    if subject.staff_member is None:
        raise ValidationError({"subject": "Duty status is for a member of staff"})
    if status not in DutyStatusKind.values:
        raise ValidationError({"status": "Choose a duty status"})
    kind = DutyStatusKind(status)
    start_date = start_date or timezone.localdate()
    current = (
        DutyStatus.objects.select_for_update()
        .filter(case=case, staff_member=subject.staff_member, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.status == kind:
            raise ValidationError({"status": f"This person is already on {kind.label.lower()}"})
        if start_date < current.start_date:
            raise ValidationError(
                {"start_date": f"The change must start on or after {day(current.start_date)}, when this status began"}
            )
        current.end_date = start_date
        current.save(update_fields=["end_date"])
    row = DutyStatus.objects.create(
        case=case, staff_member=subject.staff_member, status=kind, start_date=start_date, recorded_by=actor
    )
    timeline(
        case,
        actor=actor,
        kind="duty_status",
        summary=f"Duty status for {subject_identifier(subject)}: {kind.label.lower()} from {day(start_date)}",
    )
    _audit(
        "cases.duty_status_changed",
        actor=actor,
        case=case,
        detail={
            "subject": subject.pk,
            "from": current.status if current is not None else None,
            "to": kind.value,
            "start_date": start_date.isoformat(),
        },
    )
    return row
