"""Receiving files on the public pages without ever writing them to disk in the clear.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file before the view sees it:
plaintext on the server's disk that outlives a crash. On the public pages this handler keeps each file in
memory instead, and stops keeping a file's bytes once it passes the per-file limit (the rest of it is read and
dropped), so a huge upload costs neither disk nor memory and is then refused as too large by name. Memory is
bounded by (max files + 1) x (max bytes + 1) per request.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest


def _limits() -> tuple[int, int]:
    from custodes.reporting.files import limits  # imported late: the middleware loads this module at start-up

    current = limits()
    return current.max_bytes, current.max_files


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Files in memory, each cut off after the limit and marked ``oversized``; files past the count marked too."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_bytes, self.max_files = _limits()
        self.files_seen = 0
        self.buffer = BytesIO()
        self.received = 0
        self.keeping = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = BytesIO()
        self.received = 0
        # One past the limit is kept (empty) so the view can say "send up to N files" rather than lose it quietly.
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
