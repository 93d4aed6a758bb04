"""Sealed file storage: AES-256-GCM ciphertext (custodes.core.crypto) in Django's default storage.

Paths are random (a uuid4: 122 random bits) and say nothing about the report; the ciphertext is bound by the
associated data to ``context``, so a file copied under another context does not decrypt. Use one context per
stored file (e.g. "report:R-2026-000123:attachment:<id>:clean") and always pass expected_sha256 when unsealing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from custodes.core import crypto
from custodes.reporting.files.errors import IntegrityFailure

PREFIX = "reports"
_PATH = re.compile(rf"^{PREFIX}/[0-9a-f]{{2}}/[0-9a-f]{{2}}/[0-9a-f]{{32}}\.bin$")


def seal(content: bytes, *, data_key: bytes, context: str) -> str:
    """Encrypt ``content`` under ``data_key`` bound to ``context``, store it, and return its path."""
    name = uuid.uuid4().hex
    path = f"{PREFIX}/{name[:2]}/{name[2:4]}/{name}.bin"
    sealed = crypto.encrypt(data_key, content, associated_data=context)
    saved = default_storage.save(path, ContentFile(sealed))
    if saved != path:  # the storage renamed it: a clash that a random name should never meet
        default_storage.delete(saved)
        raise IntegrityFailure("bad_path")
    return saved


def unseal(path: str, *, data_key: bytes, context: str, expected_sha256: str | None = None) -> bytes:
    """Read and decrypt the file at ``path``; with ``expected_sha256``, check it is the file that was sealed."""
    _check_path(path)
    try:
        with default_storage.open(path, "rb") as handle:
            sealed = handle.read()
    except FileNotFoundError:
        raise IntegrityFailure("missing") from None
    try:
        content = crypto.decrypt(data_key, sealed, associated_data=context)
    except crypto.DecryptionError:
        raise IntegrityFailure("does_not_verify") from None
    if expected_sha256 is not None:
        actual = hashlib.sha256(content).hexdigest()
        if not hmac.compare_digest(actual, expected_sha256.lower()):
            raise IntegrityFailure("hash_mismatch")
    return content


def discard(path: str) -> None:
    """Delete a sealed file (e.g. when the submission that stored it is rolled back). Missing is fine."""
    _check_path(path)
    default_storage.delete(path)


def _check_path(path: str) -> None:
    # Paths come from our own rows, but a path that is not one of ours must never reach the storage.
    if not _PATH.fullmatch(path):
        raise IntegrityFailure("bad_path")
