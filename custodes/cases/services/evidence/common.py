"""What the evidence services share: the integrity error, naming holders, files' contexts and names, and input
checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from custodes.cases.models import Case, Evidence
from custodes.cases.services.common import unseal
from custodes.core import policy

VIEW, WORK = "cases.view_evidence", "cases.work"
MB = 1024 * 1024


class EvidenceIntegrityError(Exception):
    """A digital exhibit (or the report file being taken in) is not the file received: it was not opened."""

    def __init__(self, exhibit: str, reason: str) -> None:
        super().__init__(reason)
        self.exhibit = exhibit
        self.reason = reason

    @property
    def message(self) -> str:
        return (
            f"{self.exhibit} does not match the SHA-256 recorded when it was received, so it has not been opened. "
            "The failure has been recorded on the case and in the audit log. Tell the counter-corruption lead: "
            "the file must not be relied on until it is explained."
        )


@dataclass(frozen=True)
class OpenedFile:
    data: bytes
    name: str
    content_type: str
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "CUSTODES_EVIDENCE_MAX_MB", 100)) * MB


def file_context(case: Case, exhibit: str) -> str:
    # Binds the ciphertext to its case and exhibit: a file copied under another exhibit's row does not decrypt.
    return f"{case.reference}:evidence:{exhibit}"


def holder_label(user: Any) -> str:
    full_name = getattr(user, "full_name", "")
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def file_name(evidence: Evidence) -> str:
    """The name the file was received under (sealed with the case's content)."""
    return unseal(evidence.case, f"evidence:{evidence.reference}:name", evidence.file_name)


def current_holder(evidence: Evidence) -> str:
    last = evidence.transfers.order_by("-transferred_at", "-pk").first()
    if last is not None:
        return last.to_holder
    return holder_label(evidence.custodian or evidence.received_by)


def check_holder(user: Any, case: Case, field: str) -> None:
    """Evidence is put only in the hands of someone who may see the case: never a subject, nor (the rule on)
    anyone in a subject's line-management chain, nor someone not named on a restricted case or without a grant
    that reaches it. (Someone outside Custodes, such as a police officer, is recorded as a named outside holder.)"""
    if not getattr(user, "is_active", False):
        raise ValidationError({field: "That account is not active"})
    if not policy.can(user, "cases.view_case", case):
        raise ValidationError({field: "This person may not see this case, so may not hold its evidence"})


_REQUIRED = {
    "description": "Describe the exhibit",
    "seal_number": "Give the number on the evidence seal",
    "location": "Say where the item is stored",
    "reason": "Give the reason",
}


def clean_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError({field: _REQUIRED.get(field, "This is required")})
    if len(value) > limit:
        raise ValidationError({field: f"Use {limit:,} characters or fewer"})
    return value
