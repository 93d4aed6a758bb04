"""Cases: from report to accountable outcome.

A case gathers linked reports, the people it is about (subjects), the people working it (owner, assigned
investigators), and everything done: tasks, notes, interviews, evidence with its chain of custody, decisions,
outcomes, parallel external investigations and what was disclosed to whom.

What a case says (notes, interview records, decision reasons, evidence files) is encrypted under a data key of
the case's own, like a report's (custodes.core.crypto). Plain columns are what the workflow, deadlines, search
and need-to-know need.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseType(models.TextChoices):
    STAFF_MISCONDUCT = "staff_misconduct", "Staff misconduct"
    CRIMINAL_REFERRAL = "criminal_referral", "Criminal referral"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    CONDITIONS = "conditions", "Conditions"


class CaseStatus(models.TextChoices):
    TRIAGE = "triage", "Triage"
    INVESTIGATION = "investigation", "Investigation"
    DECISION = "decision", "Decision"
    OUTCOME = "outcome", "Outcome"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    title = models.CharField(max_length=200, help_text="Plain and searchable: never names or allegations in full")
    establishment = models.ForeignKey("estate.Establishment", on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(
        "reporting.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.TRIAGE)
    restricted = models.BooleanField(default=False, help_text="Visible only to the people named on the case")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    summary = models.BinaryField(help_text="Encrypted: what the case is about")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["establishment", "status"], name="case_est_status_idx"),
            models.Index(fields=["status", "opened_at"], name="case_status_opened_idx"),
            # The case list, newest first: a page is the first rows of this index, not a sort of every visible
            # case (benchmarks/results/scale-first-run.md).
            models.Index(fields=["-opened_at", "-id"], name="case_newest_first_idx"),
            # The dashboard's open cases: the few still open, with what it groups them by, counted from the index.
            models.Index(
                fields=["status", "opened_at", "category", "establishment", "restricted", "id"],
                condition=~Q(status="closed"),
                name="case_open_idx",
            ),
            # One category's cases and whether restricted, from the index alone (the dashboard's share over time).
            models.Index(fields=["category", "id"], include=["restricted"], name="case_category_cover_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def data_key_context(self) -> str:
        return f"case:{self.reference}"


class NamedAccess(models.Model):
    """A person named on a restricted case: only they (and nobody by role alone) may see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="named_access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="named_cases")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="named_access_unique")]
        # "The restricted cases this person is named on", asked by every lead's list and count: index only.
        indexes = [models.Index(fields=["user", "case"], name="named_access_user_case_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} named on {self.case_id}"


class AssignmentRole(models.TextChoices):
    LEAD_INVESTIGATOR = "lead", "Lead investigator"
    INVESTIGATOR = "investigator", "Investigator"


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments")
    role = models.CharField(max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.INVESTIGATOR)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=Q(ended_at__isnull=True), name="one_open_assignment_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class CaseSubject(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    staff_member = models.ForeignKey(
        "estate.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="case_subjects"
    )
    prisoner = models.ForeignKey(
        "estate.Prisoner", null=True, blank=True, on_delete=models.PROTECT, related_name="case_subjects"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_member__isnull=False, prisoner__isnull=True)
                | Q(staff_member__isnull=True, prisoner__isnull=False),
                name="case_subject_one_kind",
            ),
            models.UniqueConstraint(
                fields=["case", "staff_member"], condition=Q(staff_member__isnull=False), name="case_staff_once"
            ),
            models.UniqueConstraint(
                fields=["case", "prisoner"], condition=Q(prisoner__isnull=False), name="case_prisoner_once"
            ),
        ]

    def __str__(self) -> str:
        return f"subject of {self.case_id}"


class CaseReport(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="report_links")
    report = models.ForeignKey("reporting.Report", on_delete=models.PROTECT, related_name="case_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_once")]

    def __str__(self) -> str:
        return f"{self.report_id} in {self.case_id}"


class CaseEvent(models.Model):
    """One line of the case's timeline: every change, in order. Text that could be sensitive is encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    summary = models.CharField(max_length=300, help_text="Plain: what happened, without names or allegations")
    detail = models.BinaryField(default=b"", blank=True, help_text="Encrypted: the text written, if any")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_tasks"
    )
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_due_idx")]

    def __str__(self) -> str:
        return self.title


class NoteKind(models.TextChoices):
    NOTE = "note", "Note"
    INTERVIEW = "interview", "Interview record"


class Note(models.Model):
    """A case note or an interview record (who, when, by whom, and the record itself, encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices, default=NoteKind.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    interviewee = models.CharField(max_length=120, blank=True, help_text="For interviews: role, e.g. 'subject'")
    interviewed_at = models.DateTimeField(null=True, blank=True)
    body = models.BinaryField(help_text="Encrypted under the case's data key")

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    summary = models.CharField(max_length=200, help_text="Plain: the decision, e.g. 'refer to a hearing'")
    reasons = models.BinaryField(help_text="Encrypted: the reasons")

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.summary


class OutcomeKind(models.TextChoices):
    NO_CASE_TO_ANSWER = "no_case_to_answer", "No case to answer"
    MANAGEMENT_ADVICE = "management_advice", "Management advice"
    FIRST_WRITTEN_WARNING = "first_written_warning", "First written warning"
    FINAL_WRITTEN_WARNING = "final_written_warning", "Final written warning"
    DISMISSAL = "dismissal", "Dismissal"
    RESIGNED = "resigned", "Resigned during investigation"
    REFERRED_TO_POLICE = "referred_to_police", "Referred to police"
    CHARGED = "charged", "Charged"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"


class Outcome(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcomes")
    subject = models.ForeignKey(CaseSubject, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=30, choices=OutcomeKind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    effective_on = models.DateField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        # Outcomes over time, case by case and by date (the dashboard); the rest rides along on PostgreSQL.
        indexes = [
            models.Index(fields=["case", "effective_on"], include=["kind"], name="outcome_case_effective_idx"),
            models.Index(fields=["effective_on"], include=["case", "kind"], name="outcome_effective_cover_idx"),
        ]

    def __str__(self) -> str:
        return self.kind


class DutyStatusKind(models.TextChoices):
    NORMAL = "normal", "Normal duties"
    RESTRICTED = "restricted", "Restricted duties"
    SUSPENDED = "suspended", "Suspended"


class DutyStatus(models.Model):
    """A subject member of staff's duty status while investigated, over time (the open row is the current one)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duty_statuses")
    staff_member = models.ForeignKey("estate.StaffMember", on_delete=models.PROTECT, related_name="duty_statuses")
    status = models.CharField(max_length=20, choices=DutyStatusKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "staff_member"], condition=Q(end_date__isnull=True), name="one_open_duty_status"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="duty_status_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.status


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    MINISTRY = "ministry", "Ministry of Justice / HMPPS"
    OMBUDSMAN = "ombudsman", "Prisons and Probation Ombudsman"
    OTHER = "other", "Other"


class ExternalStatus(models.TextChoices):
    REQUESTED = "requested", "Referred, not yet accepted"
    OPEN = "open", "Open"
    SUSPENDED = "suspended", "Paused"
    CLOSED = "closed", "Closed"


class ExternalInvestigation(models.Model):
    """A parallel investigation by another body (several may run at once): police, ministry, ombudsman."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="external_investigations")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    agency_name = models.CharField(max_length=120, blank=True, help_text="e.g. the police force")
    external_reference = models.CharField(max_length=60, blank=True)
    contact = models.BinaryField(default=b"", blank=True, help_text="Encrypted: the officer and how to reach them")
    status = models.CharField(max_length=20, choices=ExternalStatus.choices, default=ExternalStatus.REQUESTED)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["opened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.agency} {self.external_reference}".strip()


class Disclosure(models.Model):
    """What was shared with whom, when and why: the disclosure log."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    external_investigation = models.ForeignKey(
        ExternalInvestigation, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    recipient = models.CharField(max_length=200)
    what = models.CharField(max_length=300, help_text="Plain description of what was shared (not the content)")
    why = models.CharField(max_length=500)
    disclosed_at = models.DateTimeField()
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bundle_sha256 = models.CharField(max_length=64, blank=True, help_text="When an evidence bundle was shared")

    class Meta:
        ordering = ["disclosed_at", "pk"]

    def __str__(self) -> str:
        return f"to {self.recipient}"


class EvidenceKind(models.TextChoices):
    DIGITAL = "digital", "Digital file"
    PHYSICAL = "physical", "Physical item"


class Evidence(models.Model):
    """A digital file (hashed at intake, encrypted at rest, re-verified on every download) or a physical item
    (described, sealed, located). Every custody transfer and every access is recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    reference = models.CharField(max_length=30, help_text="Exhibit number within the case, e.g. C-2026-000045/E3")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    description = models.CharField(max_length=300)
    # Digital
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=200, blank=True, help_text="Encrypted file in the file store")
    file_name = models.BinaryField(default=b"", blank=True, help_text="Encrypted: the name as received")
    # Physical
    seal_number = models.CharField(max_length=60, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Where the item is stored now")
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_held"
    )
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_attachment = models.ForeignKey(
        "reporting.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reference"], name="evidence_reference_unique"),
            # A report's file is one exhibit in a case, however many people take it at once.
            models.UniqueConstraint(
                fields=["case", "source_attachment"],
                condition=Q(source_attachment__isnull=False),
                name="evidence_one_exhibit_per_report_file",
            ),
            models.CheckConstraint(
                condition=(Q(kind="digital") & ~Q(sha256="") & ~Q(path=""))
                | (Q(kind="physical") & Q(sha256="") & Q(path="")),
                name="evidence_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CustodyTransfer(models.Model):
    """A change of hands or place for a piece of evidence: who, to whom, where, why, and whether the seal held."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="transfers")
    from_holder = models.CharField(max_length=200)
    to_holder = models.CharField(max_length=200)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=300)
    seal_intact = models.BooleanField(null=True, help_text="For physical items: was the seal unbroken?")
    transferred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["transferred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.from_holder} to {self.to_holder}"


class TriageAction(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    REQUEST_INFORMATION = "request_information", "Ask the reporter for more"
    LINK_TO_CASE = "link_to_case", "Link to an existing case"
    OPEN_CASE = "open_case", "Open a case"
    INTELLIGENCE_ONLY = "intelligence_only", "Record as intelligence only"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    REFER_TO_POLICE = "refer_to_police", "Refer to police"


class TriageDecision(models.Model):
    """A triage action on a report, with its reason: the record of how every report reached its outcome."""

    report = models.ForeignKey("reporting.Report", on_delete=models.PROTECT, related_name="triage_decisions")
    action = models.CharField(max_length=30, choices=TriageAction.choices)
    reason = models.BinaryField(help_text="Encrypted under the report's data key")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="triage_decisions")
    external_reference = models.CharField(max_length=60, blank=True, help_text="e.g. the police reference")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.report_id}"
