"""For tests that an upload never reaches Django's default handlers (which write large files to disk)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler

DISK_HANDLERS_MUST_NOT_RUN = "custodes.testing.uploads.DiskHandlersMustNotRun"


class DiskHandlersMustNotRun(FileUploadHandler):
    """Stands in for Django's default handlers in FILE_UPLOAD_HANDLERS: any call is a failure."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("an upload reached Django's default handlers")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        raise AssertionError("an upload reached Django's default handlers")

    def file_complete(self, file_size: int) -> None:
        raise AssertionError("an upload reached Django's default handlers")
