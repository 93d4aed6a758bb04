"""Checking an evidence bundle offline: the standard library and ``cryptography`` only (no Django, no database).

``verify_bundle`` checks, and names each failure in plain words:

1. the ZIP opens, and no member name is duplicated or unsafe to unzip;
2. ``manifest.sig`` is a valid Ed25519 signature over the exact bytes of ``manifest.json`` by the key in
   ``signing-key.pub``, whose fingerprint is the one the manifest names (and, when the caller knows it from
   elsewhere, the one expected);
3. every file the manifest lists is present with the size and SHA-256 it gives, and nothing else is there;
4. the audit extract is internally consistent: every line is a whole event, in increasing sequence, each event
   that directly follows another names that one's hash as its ``prev_hash``, and the events are exactly those the
   manifest lists.

What this cannot check: the audit events' own hashes are keyed (HMAC) with a key that never leaves the service,
so only the service can recompute them (``audit_hash`` below, used by ``custodes bundle verify
--check-audit-hashes`` where the key is configured). See docs/evidence-bundles.md.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

from custodes.cases.bundle import layout

# Read at most this much of the small members into memory; evidence files are hashed in chunks, never held whole.
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_MAX_EXTRACT_BYTES = 512 * 1024 * 1024
_CHUNK = 1024 * 1024

AuditHash = Callable[[dict[str, Any]], str]


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, problem: str) -> None:
        self.problems.append(problem)


def verify_bundle(
    source: str | Path | IO[bytes],
    *,
    expect_fingerprint: str | None = None,
    audit_hash: AuditHash | None = None,
) -> Verdict:
    """Check the bundle at ``source`` (a path or a binary file). Never raises for a bad bundle: every problem
    found is in the verdict. ``audit_hash`` recomputes an event's keyed hash (the service only)."""
    verdict = Verdict()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        verdict.fail(f"the file is not a readable ZIP archive ({exc})")
        return verdict
    with archive:
        _check(archive, verdict, expect_fingerprint, audit_hash)
    return verdict


def _check(
    archive: zipfile.ZipFile, verdict: Verdict, expect_fingerprint: str | None, audit_hash: AuditHash | None
) -> None:
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in infos:
            verdict.fail(f"{info.filename}: appears more than once in the ZIP")
        if not layout.is_safe_member_name(info.filename) or info.is_dir():
            verdict.fail(f"{info.filename!r}: not a safe file name for a bundle member")
        # The Unix file type in the member's header is covered by no hash: a symbolic link (or any other special
        # file) would point elsewhere once the bundle is unzipped into a folder, as step 3 of its README does.
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind not in (0, stat.S_IFREG):
            verdict.fail(f"{info.filename}: not a plain file in the ZIP (a link or special file)")
        infos[info.filename] = info

    for required in (layout.MANIFEST, layout.SIGNATURE, layout.PUBLIC_KEY):
        if required not in infos:
            verdict.fail(f"{required}: missing")
    manifest_bytes = _read_small(archive, infos, layout.MANIFEST, _MAX_MANIFEST_BYTES, verdict)
    signature = _read_small(archive, infos, layout.SIGNATURE, 1024, verdict)
    public_pem = _read_small(archive, infos, layout.PUBLIC_KEY, 64 * 1024, verdict)

    manifest = _parse_manifest(manifest_bytes, verdict) if manifest_bytes is not None else None
    if manifest_bytes is not None and signature is not None and public_pem is not None:
        _check_signature(manifest_bytes, signature, public_pem, manifest, expect_fingerprint, verdict)
    if manifest is None:
        verdict.fail("the files cannot be checked without a readable manifest")
        return

    listed = _listed_files(manifest, verdict)
    for name in sorted(set(infos) - set(listed) - layout.ENVELOPE):
        verdict.fail(f"{name}: in the ZIP but not listed in the manifest")
    for name, (size, digest) in listed.items():
        if name not in infos:
            verdict.fail(f"{name}: listed in the manifest but missing from the ZIP")
            continue
        _check_member(archive, infos[name], size, digest, verdict)
    _check_audit_extract(archive, infos, manifest, listed, verdict, audit_hash)
    if verdict.ok:
        case = manifest.get("case", {})
        verdict.facts.append(f"case {case.get('reference', '?')}, exported {manifest.get('exported_at', '?')}")
        verdict.facts.append(f"{len(listed)} files match the manifest")


def _read_small(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], name: str, limit: int, verdict: Verdict
) -> bytes | None:
    info = infos.get(name)
    if info is None:
        return None
    if info.file_size > limit:
        verdict.fail(f"{name}: larger than any genuine one ({info.file_size} bytes)")
        return None
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except Exception as exc:  # zipfile raises many kinds for a damaged member (BadZipFile, zlib.error, ...)
        verdict.fail(f"{name}: cannot be read from the ZIP ({type(exc).__name__}: {exc})")
        return None
    if len(data) > limit:
        verdict.fail(f"{name}: larger than any genuine one")
        return None
    return data


def _parse_manifest(data: bytes, verdict: Verdict) -> dict[str, Any] | None:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        verdict.fail(f"{layout.MANIFEST}: not valid JSON ({exc})")
        return None
    if not isinstance(manifest, dict):
        verdict.fail(f"{layout.MANIFEST}: not a JSON object")
        return None
    if manifest.get("format") != layout.FORMAT or manifest.get("version") != layout.VERSION:
        verdict.fail(f"{layout.MANIFEST}: not a version {layout.VERSION} {layout.FORMAT} manifest")
        return None
    return manifest


def _check_signature(
    manifest_bytes: bytes,
    signature: bytes,
    public_pem: bytes,
    manifest: dict[str, Any] | None,
    expect_fingerprint: str | None,
    verdict: Verdict,
) -> None:
    try:
        key = load_pem_public_key(public_pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        verdict.fail(f"{layout.PUBLIC_KEY}: not a usable PEM public key ({exc})")
        return
    if not isinstance(key, Ed25519PublicKey):
        verdict.fail(f"{layout.PUBLIC_KEY}: not an Ed25519 key")
        return
    # The PEM reader forgives stray whitespace; a genuine bundle carries the key in exactly the form the service
    # writes, so any other byte in the file is a change, and named as one.
    if public_pem != key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo):
        verdict.fail(f"{layout.PUBLIC_KEY}: not exactly as the service writes it (changed)")
    actual = layout.fingerprint(key.public_bytes(Encoding.Raw, PublicFormat.Raw))
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        verdict.fail(
            f"{layout.SIGNATURE}: the signature does not verify over {layout.MANIFEST} with {layout.PUBLIC_KEY}"
        )
    else:
        verdict.facts.append(f"signature verifies with the key {actual}")
    named = manifest.get("signing_key") if manifest is not None else None
    if manifest is not None and (not isinstance(named, dict) or named.get("fingerprint") != actual):
        verdict.fail(f"{layout.PUBLIC_KEY}: its fingerprint {actual} is not the one the manifest names")
    if expect_fingerprint is not None and _normal_fingerprint(expect_fingerprint) != actual:
        verdict.fail(f"{layout.PUBLIC_KEY}: signed by {actual}, not by the expected key {expect_fingerprint}")


def _normal_fingerprint(value: str) -> str:
    digits = "".join(value.strip().lower().removeprefix("sha256:").split())
    return "SHA256:" + digits


def _listed_files(manifest: dict[str, Any], verdict: Verdict) -> dict[str, tuple[int, str]]:
    entries = manifest.get("files")
    if not isinstance(entries, list) or not entries:
        verdict.fail(f"{layout.MANIFEST}: lists no files")
        return {}
    listed: dict[str, tuple[int, str]] = {}
    for index, entry in enumerate(entries):
        path = entry.get("path") if isinstance(entry, dict) else None
        size = entry.get("size") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not layout.is_safe_member_name(path) or path in layout.ENVELOPE:
            verdict.fail(f"{layout.MANIFEST}: file entry {index + 1} has no usable path")
        elif path in listed:
            verdict.fail(f"{layout.MANIFEST}: {path} is listed twice")
        elif isinstance(size, bool) or not isinstance(size, int) or size < 0 or not layout.is_sha256(digest):
            verdict.fail(f"{layout.MANIFEST}: {path} is listed without a size and SHA-256")
        else:
            listed[path] = (size, str(digest))
    return listed


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, expected: str, verdict: Verdict) -> None:
    name = info.filename
    if info.file_size != size:
        verdict.fail(f"{name}: {info.file_size} bytes, but the manifest says {size}")
        return
    digest = hashlib.sha256()
    read = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                read += len(chunk)
                if read > size:
                    break
                digest.update(chunk)
    except Exception as exc:  # a damaged member: bad CRC, bad compressed data, truncated archive
        verdict.fail(f"{name}: cannot be read from the ZIP ({type(exc).__name__}: {exc})")
        return
    if read != size:
        verdict.fail(f"{name}: {read} bytes, but the manifest says {size}")
    elif digest.hexdigest() != expected:
        verdict.fail(f"{name}: SHA-256 {digest.hexdigest()} does not match the manifest ({expected})")


def _check_audit_extract(
    archive: zipfile.ZipFile,
    infos: dict[str, zipfile.ZipInfo],
    manifest: dict[str, Any],
    listed: dict[str, tuple[int, str]],
    verdict: Verdict,
    audit_hash: AuditHash | None,
) -> None:
    described = manifest.get("audit_extract")
    if not isinstance(described, dict) or described.get("path") != layout.AUDIT_EXTRACT:
        verdict.fail(f"{layout.MANIFEST}: does not describe the audit extract")
        return
    if layout.AUDIT_EXTRACT not in listed:
        verdict.fail(f"{layout.AUDIT_EXTRACT}: not listed among the manifest's files")
        return
    raw = _read_small(archive, infos, layout.AUDIT_EXTRACT, _MAX_EXTRACT_BYTES, verdict)
    if raw is None:
        return
    events = _parse_events(raw, verdict)
    if events is None:
        return
    where = layout.AUDIT_EXTRACT
    for earlier, later in itertools.pairwise(events):
        if later["seq"] <= earlier["seq"]:
            verdict.fail(f"{where}: event {later['seq']} comes after event {earlier['seq']}; not in sequence")
        elif later["seq"] == earlier["seq"] + 1 and later["prev_hash"] != earlier["hash"]:
            verdict.fail(f"{where}: event {later['seq']} does not link to event {earlier['seq']} (prev_hash differs)")
    if len({event["hash"] for event in events}) != len(events):
        verdict.fail(f"{where}: the same hash appears on two events")
    found = [[event["seq"], event["hash"]] for event in events]
    if described.get("events") != found:
        verdict.fail(f"{where}: the events are not the ones the manifest lists")
    seqs = [event["seq"] for event in events]
    expected_range = [described.get("count"), described.get("first_seq"), described.get("last_seq")]
    if expected_range != [len(seqs), seqs[0] if seqs else None, seqs[-1] if seqs else None]:
        verdict.fail(f"{where}: the count or range of events is not the one the manifest gives")
    if audit_hash is not None:
        for event in events:
            if audit_hash(event) != event["hash"]:
                verdict.fail(f"{where}: event {event['seq']} does not match its keyed hash in the audit chain")
    if verdict.ok:
        verdict.facts.append(f"audit extract: {len(events)} events, linked where consecutive")


def _parse_events(raw: bytes, verdict: Verdict) -> list[dict[str, Any]] | None:
    where = layout.AUDIT_EXTRACT
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        verdict.fail(f"{where}: not UTF-8 text")
        return None
    events: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            event = json.loads(line)
        except ValueError:
            verdict.fail(f"{where}: line {number} is not a JSON event")
            return None
        if not isinstance(event, dict) or set(event) != set(layout.AUDIT_FIELDS):
            verdict.fail(f"{where}: line {number} does not have exactly the fields of an audit event")
            return None
        seq = event["seq"]
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            verdict.fail(f"{where}: line {number} has no valid sequence number")
            return None
        if not layout.is_sha256(event["hash"]) or not layout.is_sha256(event["prev_hash"]):
            verdict.fail(f"{where}: event {seq} has a malformed hash or prev_hash")
            return None
        events.append(event)
    return events
