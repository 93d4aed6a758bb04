"""Request and response schemas of the reporting API. The wire format is written out here, field by field, so it
never follows a model change by accident: outside tools (kiosks, hotline systems) rely on it (issue 3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from custodes.reporting.intake import INVOLVED_MAX_CHARS, MESSAGE_MAX_CHARS, NARRATIVE_MAX_CHARS, PLACE_MAX_CHARS

# --- Taxonomy --------------------------------------------------------------------------------------------------


class TaxonomyCategoryOut(Schema):
    code: str = Field(description="Send this as `category` when submitting")
    label: str = Field(description="In English")
    label_cy: str = Field(description="In Welsh")
    hint: str
    hint_cy: str
    group: str = Field(description="staff_corruption, staff_misconduct or conditions")
    group_label: str
    routing: str = Field(description="national (counter-corruption team) or establishment")


class TaxonomyEstablishmentOut(Schema):
    code: str = Field(description="NOMIS code: send this as `establishment` when submitting")
    name: str


class TaxonomyOut(Schema):
    categories: list[TaxonomyCategoryOut]
    establishments: list[TaxonomyEstablishmentOut]


# --- Submitting ------------------------------------------------------------------------------------------------

PublicChannel = Literal["web", "kiosk", "api", "phone"]
AnonymityChoice = Literal["anonymous", "confidential", "named"]
ReporterRoleChoice = Literal["prisoner", "family", "visitor", "staff", "contractor", "public", "undisclosed"]
ContactPreference = Literal["", "none", "follow_up", "email", "phone", "letter", "in_person"]


class ContactIn(Schema):
    """How a confidential or named reporter may be contacted. Sealed; never allowed with an anonymous report."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=150)
    email: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    postal_address: str = Field("", max_length=500)
    prison_number: str = Field("", max_length=7)
    staff_number: str = Field("", max_length=12)
    preferred: ContactPreference = ""
    safe_times: str = Field("", max_length=200)


class ReportIn(Schema):
    """A report. Only `category`, `establishment` and `narrative` are required."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(max_length=60, description="A category `code` from GET /taxonomy")
    establishment: str = Field(max_length=3, description="An establishment `code` from GET /taxonomy")
    narrative: str = Field(max_length=NARRATIVE_MAX_CHARS, description="What happened, in the reporter's words")
    channel: PublicChannel = Field("api", description="How the report reached the connected system")
    anonymity: AnonymityChoice = "anonymous"
    reporter_role: ReporterRoleChoice = "undisclosed"
    unit: str = Field("", max_length=20, description="A wing's code at the establishment, if known")
    place: str = Field("", max_length=PLACE_MAX_CHARS, description="Where, in the reporter's words")
    occurred_on: dt.date | None = Field(None, description="The date, if known (YYYY-MM-DD)")
    occurred_approximately: str = Field("", max_length=100, description='Roughly when, e.g. "last week"')
    involved: str = Field("", max_length=INVOLVED_MAX_CHARS, description="Who was involved, in their words")
    staff_numbers: list[str] = Field(default_factory=list, max_length=20)
    prison_numbers: list[str] = Field(default_factory=list, max_length=20)
    contact: ContactIn = Field(default_factory=lambda: ContactIn.model_validate({}))
    language: Literal["en", "cy"] = Field("en", description="The language the reporter uses: replies follow it")


class SubmittedOut(Schema):
    reference: str
    receipt: str = Field(description="16 digits. Give it to the reporter now: it is never shown again")
    receipt_display: str = Field(description="The receipt in groups of four, for reading out or printing")
    status: str
    acknowledgement_due: dt.datetime
    feedback_due: dt.datetime


# --- Following up (the reporter, with the receipt) -------------------------------------------------------------


class ReceiptIn(Schema):
    receipt: str = Field("", max_length=40, description="The 16-digit receipt; or send it in the X-Receipt header")


class ThreadMessageOut(Schema):
    direction: str = Field(description="from_reporter or to_reporter")
    kind: str = Field(description="message, acknowledgement, feedback, request or correction")
    body: str
    sent_at: dt.datetime
    files: int = Field(description="How many files came with the message")


class FollowUpOut(Schema):
    reference: str
    status: str
    received_at: dt.datetime
    acknowledgement_due: dt.datetime
    acknowledged_at: dt.datetime | None
    feedback_due: dt.datetime
    feedback_given_at: dt.datetime | None
    messages: list[ThreadMessageOut]


class ReporterMessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Field("", max_length=40, description="Or send it in the X-Receipt header")
    body: str = Field("", max_length=MESSAGE_MAX_CHARS)
    correction: bool = Field(False, description="True when correcting a record made on the reporter's behalf")


class ReporterMessageOut(Schema):
    reference: str
    kind: str
    sent_at: dt.datetime
    files: int


# --- Handling (signed-in handlers and their tokens) ------------------------------------------------------------


class ReportSummaryOut(Schema):
    reference: str
    category: str
    category_label: str
    group: str
    establishment: str
    establishment_name: str
    routed_to: str
    channel: str
    anonymity: str
    status: str
    received_at: dt.datetime
    acknowledgement_due: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledgement_state: str = Field(description="done, due, due_soon (within 2 days) or overdue")
    feedback_due: dt.datetime
    feedback_given_at: dt.datetime | None
    feedback_state: str = Field(description="done, due, due_soon (within 2 days) or overdue")


class ReportPage(Schema):
    items: list[ReportSummaryOut]
    count: int = Field(description="Reports matching, across all pages")
    page: int
    pages: int
    per_page: int


class SubjectOut(Schema):
    staff_number: str | None = None
    prison_number: str | None = None
    identifier: str | None = Field(None, description="As given, when it matched no record")


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Of the cleaned copy, in bytes")
    sha256: str = Field(description="Of the cleaned copy, re-verified on every download")
    metadata_removed: list[str]
    message: bool = Field(description="Sent with a message rather than with the report")
    download: str = Field(description="Path of the cleaned copy")


class HandlerMessageOut(ThreadMessageOut):
    author: str = Field(description="The handler who sent it, for messages to the reporter")


class ReportDetailOut(ReportSummaryOut):
    unit: str | None
    place: str
    occurred_on: dt.date | None
    occurred_approximately: str
    reporter_role: str
    language: str
    narrative: str
    involved: str
    subjects: list[SubjectOut]
    attachments: list[AttachmentOut]
    messages: list[HandlerMessageOut]


class InboxQuery(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1")
    status: str = Field("", max_length=30)
    group: str = Field("", max_length=30, description="staff_corruption, staff_misconduct or conditions")
    category: str = Field("", max_length=60)
    establishment: str = Field("", max_length=3)
    reference: str = Field("", max_length=20, description="A whole reference, or part of one")
    overdue_acknowledgement: bool = False
    overdue_feedback: bool = False


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=MESSAGE_MAX_CHARS, description="What the reporter reads, word for word")


class HandlerMessageIn(MessageIn):
    asks_for_more: bool = Field(False, description="True to ask the reporter for more information")


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str | None = Field(
        None, max_length=MESSAGE_MAX_CHARS, description="Leave out to send the standard acknowledgement"
    )


class SentOut(Schema):
    reference: str
    kind: str
    sent_at: dt.datetime
    status: str
    acknowledged_at: dt.datetime | None
    feedback_given_at: dt.datetime | None


def inline_schema(schema: type[Schema]) -> dict[str, Any]:
    """The JSON schema of ``schema`` with nested models written in place, for request bodies documented by hand
    (openapi_extra), where a local ``$defs`` reference would not resolve."""
    document = schema.model_json_schema()
    definitions = document.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(document)
    return resolved
