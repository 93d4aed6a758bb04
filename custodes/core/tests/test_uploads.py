"""Uploads are held in memory with a bound per request: the evidence limit only where exhibits are added."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadhandler import StopFutureHandlers

from custodes.core.uploads import MB, BoundedMemoryUploadHandler, limits_for


def test_only_the_evidence_pages_and_api_take_the_evidence_limit_and_then_one_file(settings: Any):
    settings.CUSTODES_EVIDENCE_MAX_MB, settings.CUSTODES_UPLOAD_MAX_MB, settings.CUSTODES_UPLOAD_MAX_FILES = 100, 7, 3
    for path in ("/cases/C-2026-000001/evidence/add/file", "/api/v1/cases/C-2026-000001/evidence/files"):
        assert limits_for(path) == (100 * MB, 1), path
    for path in ("/api/v1/reports", "/report/files", "/reports/new", "/cases/C-2026-000001/notes/add", "/evidence/"):
        assert limits_for(path) == (7 * MB, 3), path


def _receive(handler: BoundedMemoryUploadHandler, name: str, chunks: list[bytes]) -> Any:
    with pytest.raises(StopFutureHandlers):  # it is the only handler: Django's own never see the file
        handler.new_file("files", name, "text/plain", None)
    for chunk in chunks:
        handler.receive_data_chunk(chunk, 0)
    return handler.file_complete(sum(map(len, chunks)))


def test_a_file_past_its_limit_keeps_its_size_but_not_its_bytes_and_files_past_the_count_are_marked():
    handler = BoundedMemoryUploadHandler(None, max_bytes=10, max_files=2)
    small = _receive(handler, "small", [b"12345"])
    big = _receive(handler, "big", [b"12345", b"678901"])
    extra = _receive(handler, "extra", [b"1"])
    assert (small.read(), small.size, small.oversized, small.over_count) == (b"12345", 5, False, False)
    assert (big.read(), big.size, big.oversized, big.over_count) == (b"", 11, True, False)
    assert (extra.read(), extra.over_count) == (b"", True)
