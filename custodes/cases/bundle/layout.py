"""What an evidence bundle holds, and how it is named: shared by the writer (export) and the checker (verify).

No Django here: ``verify`` imports this module and must run on a machine that has only the bundle.

A bundle is a ZIP holding exactly:

- ``manifest.json``: the case reference, when and by whom it was exported, every other file's path, size and
  SHA-256, the audit extract's range and events, and the signing key's fingerprint;
- ``manifest.sig``: the 64-byte Ed25519 signature over the exact bytes of ``manifest.json``;
- ``signing-key.pub``: the public key (PEM) the signature verifies under;
- and the files the manifest lists: ``README.txt``, ``case-summary.pdf``, ``audit-extract.jsonl`` and
  ``evidence/<exhibit>-<name>`` for each digital exhibit. Nothing else.
"""

from __future__ import annotations

import hashlib
import re

FORMAT = "custodes-evidence-bundle"
VERSION = 1

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pub"
ENVELOPE = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})  # the members the manifest cannot list (it signs them)

README = "README.txt"
SUMMARY = "case-summary.pdf"
AUDIT_EXTRACT = "audit-extract.jsonl"
EVIDENCE_DIR = "evidence/"

# The fields of one audit event in the extract: exactly those the chain hashes (custodes.audit.chain), plus hash.
AUDIT_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_roles",
    "action",
    "target_type",
    "target_id",
    "establishment",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.fullmatch(value))


def fingerprint(raw_public_key: bytes) -> str:
    """How a signing key is named, in the bundle and out of band: SHA-256 over the 32 raw bytes of the Ed25519
    public key (the last 32 bytes of its DER form, so ``openssl ... | tail -c 32 | sha256sum`` gives the same)."""
    return "SHA256:" + hashlib.sha256(raw_public_key).hexdigest()


def readable_fingerprint(value: str) -> str:
    """The fingerprint in groups of four hex digits, for reading aloud or comparing by eye."""
    digits = value.removeprefix("SHA256:")
    return "SHA256: " + " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def is_safe_member_name(name: str) -> bool:
    """A relative path inside the bundle that an unzip tool cannot turn into a write elsewhere."""
    if not name or len(name) > 200 or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and ":" not in parts[0]


def evidence_member_name(exhibit: str, original_name: str, extension: str = "") -> str:
    """``evidence/E3-wing-photo.png`` for exhibit C-2026-000045/E3 received as "wing photo.png": ASCII letters,
    digits, dot, dash and underscore only, so the name is the same on every system and in every unzip tool."""
    number = exhibit.rsplit("/", 1)[-1]
    stem, dot, suffix = original_name.rpartition(".")
    if not dot:
        stem, suffix = original_name, ""
    suffix = _UNSAFE_CHARACTERS.sub("", suffix)[:10].lower() or extension
    safe_stem = _UNSAFE_CHARACTERS.sub("-", stem).strip("-._")[:80] or "file"
    return f"{EVIDENCE_DIR}{number}-{safe_stem}" + (f".{suffix}" if suffix else "")
