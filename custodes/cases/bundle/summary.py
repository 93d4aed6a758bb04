"""The case summary PDF in an evidence bundle.

What it says: the case's reference, type, establishment, status and dates; its subjects by staff or prison number
only; decisions and outcomes; linked reports by reference; every exhibit with its hash; and each exhibit's
custody history. What it never says: who made a report (the sealed identity is not opened, and nothing here
reads it), nor the case's or reports' encrypted narratives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from custodes.cases.bundle import layout
from custodes.cases.bundle.pdf import Document
from custodes.cases.models import Case, CustodyTransfer, Evidence, EvidenceKind


@dataclass(frozen=True)
class Export:
    """Who exported the bundle, when, for whom and why; and the key that signs it."""

    at: datetime
    by: str
    recipient: str
    reason: str
    fingerprint: str


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")


def _subject_label(subject: object) -> str:
    staff = getattr(subject, "staff_member", None)
    if staff is not None:
        return f"Staff member, staff number {staff.staff_number}"
    prisoner = getattr(subject, "prisoner", None)
    return f"Prisoner, prison number {prisoner.prison_number}" if prisoner is not None else "Unknown"


def render(
    case: Case,
    exhibits: Sequence[Evidence],
    transfers: dict[int, list[CustodyTransfer]],
    members: dict[int, str],
    export: Export,
) -> bytes:
    """``members`` maps a digital exhibit's id to its path in the bundle."""
    doc = Document(title=f"Case {case.reference}: summary", footer=f"{case.reference} evidence bundle")
    doc.heading(f"Case {case.reference}", level=1)
    doc.paragraph("Case summary for an evidence bundle. The reporter's identity is not included.")
    _case(doc, case)
    _decisions(doc, case)
    _exhibits(doc, exhibits, transfers, members)
    doc.heading("This bundle")
    doc.field("Exported", f"{when(export.at)} by {export.by}")
    doc.field("For", export.recipient)
    doc.field("Reason", export.reason)
    doc.field("Signing key", layout.readable_fingerprint(export.fingerprint), mono=True)
    doc.paragraph(
        "manifest.json lists every file in the bundle with its SHA-256 and is signed (manifest.sig) with the key "
        "above. Check the key's fingerprint with the sender by another route, then run: custodes bundle verify "
        "FILE.zip. README.txt in the bundle says how to check it with standard tools."
    )
    return doc.render(created=export.at)


def _case(doc: Document, case: Case) -> None:
    doc.heading("The case")
    doc.field("Title", case.title)
    doc.field("Type", case.get_case_type_display())
    if case.category is not None:
        doc.field("Category", case.category.label_en)
    doc.field("Establishment", f"{case.establishment.name} ({case.establishment.code})")
    doc.field("Status", case.get_status_display())
    doc.field("Opened", when(case.opened_at))
    doc.field("Closed", when(case.closed_at) if case.closed_at else "Open")
    subjects = list(case.subjects.select_related("staff_member", "prisoner").order_by("pk"))
    doc.heading("Subjects", level=3)
    for subject in subjects:
        doc.paragraph(_subject_label(subject), indent=14)
    if not subjects:
        doc.paragraph("None recorded", indent=14)
    links = list(case.report_links.select_related("report", "report__category").order_by("linked_at", "pk"))
    doc.heading("Linked reports", level=3)
    for link in links:
        report = link.report
        doc.paragraph(f"{report.reference}: {report.category.label_en}, received {when(report.received_at)}", indent=14)
    if not links:
        doc.paragraph("None", indent=14)
    externals = list(case.external_investigations.order_by("opened_on", "pk"))
    if externals:
        doc.heading("Parallel investigations", level=3)
        for external in externals:
            name = external.agency_name or external.get_agency_display()
            reference = f" {external.external_reference}" if external.external_reference else ""
            doc.paragraph(f"{name}{reference}: {external.get_status_display()}, from {external.opened_on}", indent=14)


def _decisions(doc: Document, case: Case) -> None:
    doc.heading("Decisions")
    decisions = list(case.decisions.select_related("decided_by").order_by("decided_at", "pk"))
    for decision in decisions:
        doc.paragraph(f"{when(decision.decided_at)}: {decision.summary} (by {decision.decided_by.get_username()})")
    if not decisions:
        doc.paragraph("None recorded")
    doc.heading("Outcomes")
    outcomes = list(
        case.outcomes.select_related("subject__staff_member", "subject__prisoner").order_by("recorded_at", "pk")
    )
    for outcome in outcomes:
        label = _subject_label(outcome.subject)
        doc.paragraph(f"{label}: {outcome.get_kind_display()}, effective {outcome.effective_on:%d %B %Y}")
    if not outcomes:
        doc.paragraph("None recorded")


def _exhibits(
    doc: Document, exhibits: Sequence[Evidence], transfers: dict[int, list[CustodyTransfer]], members: dict[int, str]
) -> None:
    doc.heading("Exhibits")
    if not exhibits:
        doc.paragraph("No evidence has been recorded.")
    for item in exhibits:
        doc.heading(f"{item.reference}: {item.get_kind_display().lower()}", level=3)
        doc.field("Description", item.description)
        doc.field("Received", f"{when(item.received_at)} by {item.received_by.get_username()}")
        if item.kind == EvidenceKind.DIGITAL:
            doc.field("File in this bundle", members.get(item.pk, "-"))
            doc.field("Type and size", f"{item.content_type}, {item.size:,} bytes")
            doc.field("SHA-256 at intake", item.sha256, mono=True)
        else:
            doc.field("Seal number", item.seal_number)
            doc.field("Stored at", item.location)
        holder = item.custodian.get_username() if item.custodian else "outside holder (see custody history)"
        doc.field("Held by", holder)
        history = transfers.get(item.pk, [])
        doc.field("Custody history", "" if history else "No transfers since it was received")
        for record in history:
            seal = {None: "", True: "; seal intact", False: "; SEAL NOT INTACT"}[record.seal_intact]
            where = f"; at {record.location}" if record.location else ""
            doc.paragraph(
                f"{when(record.transferred_at)}: from {record.from_holder} to {record.to_holder}{where}{seal}. "
                f"Reason: {record.reason} (recorded by {record.recorded_by.get_username()})",
                indent=14,
                size=9.5,
            )
