"""Files sent with reports: checked by content, cleaned of metadata, sealed at rest (issue 3, DESIGN.md §3).

Usage::

    inspected = inspect_upload(upload, max_bytes=limits().max_bytes)   # or FileRefused(code, message_en/_cy)
    original_path = seal(inspected.original, data_key=key, context=...)
    clean_path = seal(inspected.clean, data_key=key, context=...)
    unseal(clean_path, data_key=key, context=..., expected_sha256=inspected.clean_sha256)
    discard(path)                                                       # when the transaction fails
"""

from custodes.reporting.files.config import Limits, limits
from custodes.reporting.files.errors import FileRefused, IntegrityFailure
from custodes.reporting.files.inspection import InspectedFile, Upload, check_file_count, inspect_upload
from custodes.reporting.files.store import discard, seal, unseal

__all__ = [
    "FileRefused",
    "InspectedFile",
    "IntegrityFailure",
    "Limits",
    "Upload",
    "check_file_count",
    "discard",
    "inspect_upload",
    "limits",
    "seal",
    "unseal",
]
