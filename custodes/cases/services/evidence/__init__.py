"""Evidence and its chain of custody: receiving files and physical items, opening files, custody transfers.

A digital exhibit is kept exactly as received (the chain of custody needs the original bytes, not a cleaned
copy), sealed under the case's data key and bound to its exhibit reference; its SHA-256 at intake is on the row
and in the audit chain. Every opening re-verifies it three ways: the ciphertext must decrypt (AES-GCM), the bytes
must hash to the row's SHA-256, and the row's SHA-256 must be the one the chain recorded at intake (so a changed
row shows even to someone who could re-encrypt a file). A failure refuses the file, is recorded
("evidence.integrity_failed") and is put on the case's timeline, in a transaction of its own so that the refusal
cannot roll the record of it back.
"""

from custodes.cases.services.evidence.common import (
    EvidenceIntegrityError,
    OpenedFile,
    current_holder,
    file_context,
    file_name,
    holder_label,
    max_bytes,
)
from custodes.cases.services.evidence.custody import transfer
from custodes.cases.services.evidence.intake import check_size, receive_digital, receive_from_report, receive_physical
from custodes.cases.services.evidence.opening import intake_sha256, open_file, verified_content

__all__ = [
    "EvidenceIntegrityError",
    "OpenedFile",
    "check_size",
    "current_holder",
    "file_context",
    "file_name",
    "holder_label",
    "intake_sha256",
    "max_bytes",
    "open_file",
    "receive_digital",
    "receive_from_report",
    "receive_physical",
    "transfer",
    "verified_content",
]
