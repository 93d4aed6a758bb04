"""Files chosen during the public journey, held sealed until the report is sent.

Each file is checked by content at once (so a refusal is explained on the files page, not at the end), then its
original bytes are sealed under the journey's own data key, which lives only in the reporter's encrypted journey
state. What stays on the server meanwhile is a sealed file and a row with a random token, its path and a time:
nothing that says who sent it or what it is. On "Send", the files are unsealed and go through
services.submit_report like any other upload; unclaimed ones are purged after a day.

No audit event is written here: there is no report yet, and a trail of anonymous uploads would only be a record
of someone's activity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from custodes.core.logging import get_logger
from custodes.reporting import files
from custodes.reporting.files.config import megabytes
from custodes.reporting.files.messages import display_name, render
from custodes.reporting.intake import UploadedContent
from custodes.reporting.models import PendingUpload, SpentJourney
from custodes.reporting.public.state import JourneyState, PendingFile, journey_digest

log = get_logger("custodes.reporting.public")

KEEP_FOR = dt.timedelta(days=1)
_OPPORTUNISTIC_BATCH = 20


class PendingFileMissing(LookupError):
    """A file chosen earlier is no longer held (purged after a day, or already sent)."""

    def __init__(self, token: str) -> None:
        super().__init__("pending file missing")
        self.token = token


class AlreadySent(Exception):
    """This journey has sent its report already (a refresh, a double click, or the back button)."""


def claim(state: JourneyState) -> None:
    """Mark the journey as sending, before sending: a second request for the same journey is refused, even at the
    same moment. Committed on its own so the slow part of sending (hashing the receipt, cleaning files) holds no
    lock; ``unclaim`` if sending then fails, so the reporter can correct and send again."""
    try:
        with transaction.atomic():
            SpentJourney.objects.create(digest=journey_digest(state))
    except IntegrityError as exc:
        raise AlreadySent() from exc


def unclaim(state: JourneyState) -> None:
    SpentJourney.objects.filter(digest=journey_digest(state)).delete()


def _context(token: str) -> str:
    return f"pending-upload:{token}"


def refusal_for(upload: UploadedFile, *, already: int) -> files.FileRefused | None:
    """Refusals the upload handler already knows about: too large (its bytes were not kept), or one too many."""
    current = files.limits()
    if getattr(upload, "over_count", False) or already >= current.max_files:
        en, cy = render("too_many_files", "", {"limit": str(current.max_files)})
        return files.FileRefused("too_many_files", en, cy)
    if getattr(upload, "oversized", False):
        en, cy = render("too_large", display_name(upload.name or ""), {"limit": megabytes(current.max_bytes)})
        return files.FileRefused("too_large", en, cy)
    return None


def hold(state: JourneyState, upload: UploadedFile) -> PendingFile:
    """Check one chosen file and hold it sealed; raises files.FileRefused with the reason, in both languages."""
    refused = refusal_for(upload, already=len(state.files))
    if refused is not None:
        raise refused
    name = upload.name or ""
    content = upload.read()
    inspected = files.inspect_upload(UploadedContent(name=name, content=content), max_bytes=files.limits().max_bytes)
    token = secrets.token_urlsafe(24)
    path = files.seal(content, data_key=state.data_key(), context=_context(token))
    try:
        PendingUpload.objects.create(token=token, path=path)
    except BaseException:
        files.discard(path)
        raise
    purge(limit=_OPPORTUNISTIC_BATCH)
    return PendingFile(
        token=token,
        name=display_name(name) or "file",
        size=inspected.size,
        content_type=inspected.content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def release(pending: PendingFile) -> None:
    """The reporter removed a file, or the journey ended: delete it now rather than waiting for the purge."""
    row = PendingUpload.objects.filter(token=pending.token).first()
    if row is None:
        return
    files.discard(row.path)
    row.delete()


def release_all(state: JourneyState) -> None:
    for pending in state.files:
        release(pending)


def unseal_all(state: JourneyState) -> tuple[UploadedContent, ...]:
    """The held files as uploads for services.submit_report (the files package checks and cleans them again)."""
    rows = {row.token: row for row in PendingUpload.objects.filter(token__in=[p.token for p in state.files])}
    unsealed = []
    for pending in state.files:
        row = rows.get(pending.token)
        if row is None:
            raise PendingFileMissing(pending.token)
        try:
            content = files.unseal(
                row.path, data_key=state.data_key(), context=_context(pending.token), expected_sha256=pending.sha256
            )
        except files.IntegrityFailure as exc:
            raise PendingFileMissing(pending.token) from exc
        unsealed.append(UploadedContent(name=pending.name, content=content))
    return tuple(unsealed)


def purge(*, older_than: dt.timedelta = KEEP_FOR, limit: int | None = None) -> int:
    """Delete held files nobody sent, and spent-journey markers whose journeys have long expired."""
    cutoff = timezone.now() - older_than
    stale = PendingUpload.objects.filter(created_at__lt=cutoff).order_by("created_at")
    rows = list(stale[:limit] if limit else stale)
    for row in rows:
        files.discard(row.path)
    with transaction.atomic():
        PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
        spent = SpentJourney.objects.filter(spent_at__lt=cutoff)
        if limit:
            spent = SpentJourney.objects.filter(pk__in=list(spent.values_list("pk", flat=True)[:limit]))
        spent.delete()
    if rows:
        log.info("pending uploads purged", count=len(rows))
    return len(rows)
