"""Receipts: 16 digits from ``secrets``, shown to the reporter once.

Stored two ways, neither of them the receipt: a keyed look-up value (to find the row) and an Argon2id hash (to
confirm it). Someone holding a copy of the database can neither read receipts nor test guesses offline against
the look-up values without CUSTODES_LOOKUP_KEY, and the Argon2id hash makes each offline guess expensive even with
it. Online guessing is braked service-wide (custodes.reporting.throttle).
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

RECEIPT_DIGITS = 16
_SEPARATORS = re.compile(r"[\s\-\u2013]+")  # spaces, hyphens, en dashes
# OWASP's minimum for Argon2id (19 MiB, 2 passes): a receipt is checked on every follow-up visit, so the cost
# must stay small enough for a busy hotline, while still making a stolen table expensive to search.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Compared against when a receipt is unknown, so a miss costs the same time as a hit.
_DECOY = _hasher.hash("0" * RECEIPT_DIGITS)


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise(text: str) -> str | None:
    """The 16 digits a person typed, with spaces and dashes allowed between them; None if it is not that."""
    digits = _SEPARATORS.sub("", text or "")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def display(receipt: str) -> str:
    """In groups of four, as printed on a slip: 1234 5678 9012 3456."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def hash_receipt(receipt: str) -> str:
    return _hasher.hash(receipt)


def verify(stored_hash: str, receipt: str) -> bool:
    try:
        return _hasher.verify(stored_hash, receipt)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def spend_equal_time(receipt: str) -> None:
    verify(_DECOY, receipt)
