"""inspect_upload: from the bytes a reporter sent to a checked original and a clean copy for handlers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from custodes.core.logging import get_logger
from custodes.reporting.files import messages
from custodes.reporting.files.audio import clean_audio
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.config import megabytes
from custodes.reporting.files.detect import Format, Kind, detect
from custodes.reporting.files.errors import FileRefused, Reject
from custodes.reporting.files.images import clean_image
from custodes.reporting.files.isobmff import clean_iso_media
from custodes.reporting.files.pdf import clean_pdf
from custodes.reporting.files.webm import clean_webm

if TYPE_CHECKING:
    from custodes.reporting.intake import UploadedContent  # noqa: F401  (the usual argument; see Upload)

log = get_logger(__name__)


class Upload(Protocol):
    """What inspect_upload reads: custodes.reporting.intake.UploadedContent, or anything shaped like it."""

    @property
    def name(self) -> str: ...

    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True)
class InspectedFile:
    """A file that passed: the original as received and the clean copy that handlers open.

    ``sha256`` is of the original bytes; ``metadata_removed`` names what cleaning took away (labels.py);
    ``notes`` say plainly what cleaning did not do. The bytes are left out of the repr so they never reach a log.
    """

    kind: Kind
    content_type: str
    extension: str
    size: int
    sha256: str
    clean_sha256: str
    metadata_removed: tuple[str, ...]
    notes: tuple[str, ...]
    original: bytes = field(repr=False)
    clean: bytes = field(repr=False)

    @property
    def clean_size(self) -> int:
        return len(self.clean)


def inspect_upload(upload: Upload, *, max_bytes: int) -> InspectedFile:
    """Check ``upload`` by its content and clean it, or raise FileRefused with a message for the sender.

    The type is decided from the bytes alone; the name is used only in messages back to the sender.
    """
    name = messages.display_name(upload.name or "")
    content = bytes(upload.content)
    try:
        if not content:
            raise Reject("empty")
        if len(content) > max_bytes:
            raise Reject("too_large", limit=megabytes(max_bytes))
        fmt = detect(content)
        cleaned = _clean(content, fmt)
        if not cleaned.clean:
            raise Reject("cannot_clean")
    except Reject as reject:
        # The code and size only: the name and content can identify the sender.
        log.info("file refused", refusal=reject.code, size=len(content))
        english, welsh = messages.render(reject.code, name, reject.params)
        raise FileRefused(reject.code, english, welsh) from None
    return InspectedFile(
        kind=cleaned.format.kind,
        content_type=cleaned.format.content_type,
        extension=cleaned.format.extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        clean_sha256=hashlib.sha256(cleaned.clean).hexdigest(),
        metadata_removed=tuple(cleaned.removed),
        notes=tuple(cleaned.notes),
        original=content,
        clean=cleaned.clean,
    )


def check_file_count(count: int, *, max_files: int) -> None:
    """Refuse a submission or message with more than ``max_files`` files (config.limits().max_files)."""
    if count > max_files:
        english, welsh = messages.render("too_many_files", "", {"limit": str(max_files)})
        raise FileRefused("too_many_files", english, welsh)


def _clean(content: bytes, fmt: Format) -> Cleaned:
    try:
        if fmt.kind == "image":
            return clean_image(content, fmt)
        if fmt.kind == "pdf":
            return clean_pdf(content)
        if fmt.key in {"m4a", "mp4", "mov", "3gp"}:
            return clean_iso_media(content, fmt)
        if fmt.key == "webm":
            return clean_webm(content)
        return clean_audio(content, fmt)
    except Reject:
        raise
    except Exception as exc:
        # The parsers meet hostile input here, and each fails in its own ways (struct.error, KeyError,
        # RecursionError, zlib.error, MemoryError...). Whatever they raise, the file could not be read.
        # The exception's type is logged, not its message, which may quote the file.
        log.warning("file could not be parsed", format=fmt.key, error=type(exc).__name__)
        raise Reject("damaged") from None
