"""Receiving files without ever writing them to disk in the clear.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file before the view sees it:
plaintext on the server's disk that outlives a crash, for files (reports' attachments, evidence) that Custodes
otherwise keeps only encrypted. ``BoundedMemoryUploadHandler`` keeps each file in memory instead, and stops
keeping a file's bytes once it passes its per-file limit (the rest is read and dropped), so a huge upload costs
neither disk nor memory and is then refused as too large by name. Memory is bounded by
(max files + 1) x (max bytes + 1) per request.

``UploadsInMemoryMiddleware`` installs it on every request: with the evidence limit and one file for the
evidence pages and API (where staff add exhibits), and with the reports' limits (CUSTODES_UPLOAD_MAX_MB a file,
CUSTODES_UPLOAD_MAX_FILES) everywhere else, the public reports API among them, so no request anyone can send
holds more than the reports' bound in memory. Each view still checks its own limit against the file's true
size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest, HttpResponse

MB = 1024 * 1024


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Files in memory, each cut off after ``max_bytes`` and marked ``oversized``; files past ``max_files`` are
    marked ``over_count`` and kept empty, so a view can name the problem instead of losing a file quietly."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int, max_files: int) -> None:
        super().__init__(request)
        self.max_bytes, self.max_files = max_bytes, max_files
        self.files_seen = 0
        self.buffer = BytesIO()
        self.received = 0
        self.keeping = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = BytesIO()
        self.received = 0
        self.keeping = self.files_seen <= self.max_files
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.keeping and self.received <= self.max_bytes:
            self.buffer.write(raw_data)
        else:
            self.keeping = False
            self.buffer = BytesIO()  # let what was kept go now rather than at the end of the request

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        uploaded = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        uploaded.oversized = file_size > self.max_bytes  # type: ignore[attr-defined]
        uploaded.over_count = self.files_seen > self.max_files  # type: ignore[attr-defined]
        return uploaded


# Where exhibits are added: the case's evidence pages and their API (custodes.cases.evidence, .api.evidence).
EVIDENCE_PATH = re.compile(r"^(/api/v1)?/cases/[^/]+/evidence/")


def limits_for(path: str) -> tuple[int, int]:
    """(bytes kept per file, files kept) for a request to ``path``."""
    if EVIDENCE_PATH.match(path):
        return int(settings.CUSTODES_EVIDENCE_MAX_MB) * MB, 1
    return int(settings.CUSTODES_UPLOAD_MAX_MB) * MB, int(settings.CUSTODES_UPLOAD_MAX_FILES)


class UploadsInMemoryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Set before anything reads the body (CSRF's check does, in process_view), so it governs every upload.
        max_bytes, max_files = limits_for(request.path_info)
        request.upload_handlers = [BoundedMemoryUploadHandler(request, max_bytes=max_bytes, max_files=max_files)]
        return self.get_response(request)
