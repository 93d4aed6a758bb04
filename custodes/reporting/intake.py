"""What a report is made of when it arrives, from any channel: web journey, kiosk, API, staff, or on behalf.

Channels build a ``Submission`` from what the reporter gave; custodes.reporting.services.submit_report stores it
whole (content encrypted, identity sealed, files cleaned and sealed, receipt, audit event) or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from custodes.reporting.models import Anonymity, Channel, ReporterRole

NARRATIVE_MAX_CHARS = 10_000
INVOLVED_MAX_CHARS = 2_000
PLACE_MAX_CHARS = 200
MESSAGE_MAX_CHARS = 5_000


@dataclass(frozen=True)
class UploadedContent:
    """A file as received: its bytes and the name it was sent with (the name is never trusted for its type)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Contact:
    """How a named or confidential reporter may be contacted. Sealed with the identity, never stored in clear."""

    name: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""
    prison_number: str = ""
    staff_number: str = ""
    preferred: str = ""  # "none" | "follow_up" | "email" | "phone" | "letter" | "in_person"
    safe_times: str = ""

    def is_empty(self) -> bool:
        return not any((self.name, self.email, self.phone, self.postal_address, self.prison_number, self.staff_number))


@dataclass(frozen=True)
class Submission:
    category: str  # Category.code
    establishment: str  # Establishment.code
    narrative: str
    reporter_role: ReporterRole = ReporterRole.UNDISCLOSED
    channel: Channel = Channel.WEB
    anonymity: Anonymity = Anonymity.ANONYMOUS
    unit: str = ""  # Unit.code at the establishment, optional
    place: str = ""
    occurred_on: dt.date | None = None
    occurred_approximately: str = ""
    involved: str = ""
    staff_numbers: tuple[str, ...] = ()
    prison_numbers: tuple[str, ...] = ()
    contact: Contact = field(default_factory=Contact)
    files: tuple[UploadedContent, ...] = ()
    language: str = "en"
