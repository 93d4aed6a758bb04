"""Reports of misconduct or conditions, the sealed identity of whoever made them, receipts, messages and files.

What a report says (narrative, who was involved, messages, files, contact details) is encrypted at rest under a
data key of the report's own (custodes.core.crypto); the reporter's identity is sealed apart, in its own table
under a data key of its own, and opened only by a reporter liaison with a recorded reason (DESIGN.md §3).

Plain columns are what triage, routing, deadlines and need-to-know need: category, establishment, place, dates,
channel, status, and the staff or prisoners named as subjects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CategoryGroup(models.TextChoices):
    STAFF_CORRUPTION = "staff_corruption", "Staff corruption"
    STAFF_MISCONDUCT = "staff_misconduct", "Other staff misconduct"
    CONDITIONS = "conditions", "Conditions and safety"


class Routing(models.TextChoices):
    NATIONAL = "national", "National counter-corruption team"
    ESTABLISHMENT = "establishment", "The establishment"


class Category(models.Model):
    """One entry of the reporting taxonomy, configurable by administrators (seeded by a data migration)."""

    code = models.SlugField(max_length=60, unique=True)
    group = models.CharField(max_length=30, choices=CategoryGroup.choices)
    label_en = models.CharField(max_length=120)
    label_cy = models.CharField(max_length=160)
    hint_en = models.CharField(max_length=300, blank=True)
    hint_cy = models.CharField(max_length=400, blank=True)
    routing = models.CharField(max_length=20, choices=Routing.choices)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.label_en

    def label(self, language: str) -> str:
        return self.label_cy if language == "cy" and self.label_cy else self.label_en

    def hint(self, language: str) -> str:
        return self.hint_cy if language == "cy" and self.hint_cy else self.hint_en


class ReporterRole(models.TextChoices):
    PRISONER = "prisoner", "Prisoner"
    FAMILY = "family", "Family member or friend of a prisoner"
    VISITOR = "visitor", "Visitor"
    STAFF = "staff", "Staff member"
    CONTRACTOR = "contractor", "Contractor or volunteer"
    PUBLIC = "public", "Member of the public"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


class Channel(models.TextChoices):
    WEB = "web", "Website"
    KIOSK = "kiosk", "Wing kiosk"
    PHONE = "phone", "Telephone"
    LETTER = "letter", "Letter or written complaint"
    IN_PERSON = "in_person", "In person"
    API = "api", "Connected system"
    STAFF = "staff", "Staff report (signed in)"


class Anonymity(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous: nobody knows who made the report"
    CONFIDENTIAL = "confidential", "Confidential: identity known only to a reporter liaison officer"
    NAMED = "named", "Named: identity may be shared with investigators"


class ReportStatus(models.TextChoices):
    # Intake sets the first two; triage (custodes.cases.services.triage) moves a report on to one of the
    # outcomes below and records why in a TriageDecision. A plain CharField, so adding a status needs no migration.
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_TRIAGE = "in_triage", "In triage: more information asked for"
    LINKED_TO_CASE = "linked_to_case", "Linked to a case"
    INTELLIGENCE_ONLY = "intelligence_only", "Recorded as intelligence"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    REFERRED_TO_POLICE = "referred_to_police", "Referred to police"
    CLOSED = "closed", "Closed"


class Report(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    establishment = models.ForeignKey("estate.Establishment", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("estate.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    place = models.CharField(max_length=200, blank=True, help_text="Where, in the reporter's words")
    occurred_on = models.DateField(null=True, blank=True)
    occurred_approximately = models.CharField(max_length=100, blank=True, help_text='"About" when not exact')
    reporter_role = models.CharField(max_length=20, choices=ReporterRole.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    anonymity = models.CharField(max_length=20, choices=Anonymity.choices)
    routed_to = models.CharField(max_length=20, choices=Routing.choices)
    status = models.CharField(max_length=30, default=ReportStatus.RECEIVED)
    language = models.CharField(max_length=5, default="en")

    received_at = models.DateTimeField()
    acknowledgement_due = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_due = models.DateTimeField()
    feedback_given_at = models.DateTimeField(null=True, blank=True)

    # Envelope encryption: the report's data key, wrapped under a master key (custodes.core.crypto).
    key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    narrative = models.BinaryField(help_text="Encrypted: what happened, in the reporter's words")
    involved = models.BinaryField(help_text="Encrypted: who was involved, in the reporter's words")

    # A keyed hash of the signed-in account that filed it, so "my reports" can be listed without the database
    # linking account and report in a way anyone reading the tables could follow.
    filer_tag = models.CharField(max_length=64, blank=True, db_index=True)
    # Staff who typed in a report received by phone, letter or in person (not the reporter).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="recorded_reports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["establishment", "status"], name="report_est_status_idx"),
            models.Index(fields=["routed_to", "status"], name="report_route_status_idx"),
            models.Index(fields=["acknowledgement_due"], name="report_ack_due_idx"),
            models.Index(fields=["feedback_due"], name="report_feedback_due_idx"),
            # Overdue duties to reporters (the leads' dashboard): only the reports still owing one, counted by
            # establishment from the index alone on PostgreSQL (benchmarks/results/scale-first-run.md).
            models.Index(
                fields=["acknowledgement_due"],
                include=["establishment"],
                condition=Q(acknowledged_at__isnull=True),
                name="report_ack_owed_idx",
            ),
            models.Index(
                fields=["feedback_due"],
                include=["establishment"],
                condition=Q(feedback_given_at__isnull=True),
                name="report_feedback_owed_idx",
            ),
            # The triage queue of a national lead, which has no routing to narrow by.
            models.Index(fields=["status", "received_at"], name="report_status_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledgement_due__gte=models.F("received_at")), name="report_ack_due_after_receipt"
            ),
            models.CheckConstraint(
                condition=Q(feedback_due__gte=models.F("acknowledgement_due")), name="report_feedback_after_ack"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def data_key_context(self) -> str:
        return f"report:{self.reference}"

    def get_status_display(self) -> str:
        # status has no choices (statuses are added without migrations), so Django does not provide this itself.
        return ReportStatus(self.status).label if self.status in ReportStatus.values else self.status


class Subject(models.Model):
    """A staff member or prisoner the report is about. Need-to-know: a subject never sees the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subjects")
    staff_member = models.ForeignKey(
        "estate.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="report_subjects"
    )
    prisoner = models.ForeignKey(
        "estate.Prisoner", null=True, blank=True, on_delete=models.PROTECT, related_name="report_subjects"
    )
    identifier = models.CharField(
        max_length=20, blank=True, help_text="The staff or prison number as given, when it matched no record"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(staff_member__isnull=False, prisoner__isnull=True, identifier="")
                    | Q(staff_member__isnull=True, prisoner__isnull=False, identifier="")
                    | (Q(staff_member__isnull=True, prisoner__isnull=True) & ~Q(identifier=""))
                ),
                name="subject_exactly_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"subject of report {self.report_id}"


class ReporterIdentity(models.Model):
    """Who made a confidential or named report, sealed apart from its content under a data key of its own."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    sealed = models.BinaryField(help_text="Encrypted JSON: name, contact details, account, staff or prison number")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"sealed identity for report {self.report_id}"


class Receipt(models.Model):
    """The reporter's way back in: 16 digits shown once; stored only as an Argon2id hash and a keyed lookup."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="receipt")
    lookup = models.CharField(max_length=64, unique=True, help_text="HMAC of the receipt under a derived lookup key")
    verifier = models.CharField(max_length=200, help_text="Argon2id hash of the receipt")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"receipt for report {self.report_id}"


class MessageDirection(models.TextChoices):
    FROM_REPORTER = "from_reporter", "From the reporter"
    TO_REPORTER = "to_reporter", "To the reporter"


class MessageKind(models.TextChoices):
    MESSAGE = "message", "Message"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    FEEDBACK = "feedback", "Feedback"
    REQUEST = "request", "Request for more information"
    CORRECTION = "correction", "Correction to the record"


class Message(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=20, choices=MessageDirection.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.BinaryField(help_text="Encrypted under the report's data key")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on report {self.report_id}"


class Attachment(models.Model):
    """A file sent with a report or message: the original sealed as received, and a cleaned copy for handlers."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=100, help_text="Detected from the content, not the name")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the original, at intake")
    original_path = models.CharField(max_length=200, help_text="Encrypted original in the file store")
    clean_path = models.CharField(max_length=200, help_text="Encrypted cleaned copy in the file store")
    clean_sha256 = models.CharField(max_length=64)
    clean_size = models.PositiveBigIntegerField()
    metadata_removed = models.JSONField(default=list, help_text="What cleaning removed (e.g. GPS, author)")
    name = models.BinaryField(help_text="Encrypted: the file name as sent")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.content_type} on report {self.report_id}"


class ReceiptGuessWindow(models.Model):
    """Failed receipt look-ups per minute, service-wide: the brake on guessing, with no address kept."""

    window_start = models.DateTimeField(unique=True)
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.failures} failed receipts from {self.window_start:%H:%M}"


class PendingUpload(models.Model):
    """A file chosen during the public journey, before the report is sent: sealed under a data key that exists only
    in the reporter's encrypted journey state (custodes.reporting.public.state), so this row and its file reveal
    nothing on their own. Claimed when the report is sent; purged after a day otherwise."""

    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=200, help_text="Sealed file in the file store")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"pending upload {self.pk}"


class SpentJourney(models.Model):
    """A public journey that has already sent its report, so a re-sent form (a refresh, a double click, the back
    button) cannot send it twice. Holds a hash of a random id that only the reporter's browser ever had."""

    digest = models.CharField(max_length=64, unique=True)
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"spent journey {self.pk}"
