"""The public reporting pages' uploads: in memory only (custodes.core.uploads), with the reports' limits
(CUSTODES_UPLOAD_MAX_MB per file, CUSTODES_UPLOAD_MAX_FILES per submission or message)."""

from __future__ import annotations

from django.http import HttpRequest

from custodes.core.uploads import BoundedMemoryUploadHandler


def public_upload_handler(request: HttpRequest) -> BoundedMemoryUploadHandler:
    from custodes.reporting.files import limits  # imported late: the middleware loads this module at start-up

    current = limits()
    return BoundedMemoryUploadHandler(request, max_bytes=current.max_bytes, max_files=current.max_files)
