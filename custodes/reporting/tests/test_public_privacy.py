"""Reporter protection on the public pages: no cookies in or out, nothing stored before "Send" but sealed files,
and after a full anonymous submission, no trace of the reporter's address, browser or words in the clear in any
table, log line or stored file."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from custodes.core.logging import json_formatter
from custodes.core.roles import Role
from custodes.reporting.models import Attachment, PendingUpload, Report
from custodes.testing.personas import persona, signed_in_client

from . import filesamples
from .handling_support import file_store  # noqa: F401  (a fixture)
from .public_support import NARRATIVE, REMOTE_ADDR, USER_AGENT, Journey, hidden, prison, text

pytestmark = pytest.mark.django_db

FILE_NAME = "marker-photo-name-k2j4.jpg"


@pytest.fixture(autouse=True)
def establishment() -> Any:
    return prison()


# Third-party loggers that write content at DEBUG: Django's template engine (each missing variable, with the whole
# template context, which on public pages holds what the reporter typed) and Pillow (each EXIF tag it reads or
# writes, GPS and names included). custodes/core/logging.py should hold them at INFO or above whatever
# CUSTODES_LOG_LEVEL says; test_debug_loggers_that_quote_content_are_held_at_info checks that.
CONTENT_QUOTING_DEBUG_LOGGERS = ("django.template", "PIL")


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line at every level, as the production JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def every_stored_value() -> Iterator[tuple[str, str, bytes]]:
    """(table, column, value as bytes) for every text, binary and JSON value in every table of the database."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    tables |= set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # names from the schema
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes | bytearray):
                        yield table, column, bytes(value)
                    elif isinstance(value, str):
                        yield table, column, value.encode()
                    elif isinstance(value, dict | list):
                        yield table, column, json.dumps(value, ensure_ascii=False).encode()


def test_a_whole_anonymous_submission_leaves_no_trace_of_the_reporter(file_store: Path):  # noqa: F811
    photo = filesamples.jpeg(size=(64, 48))
    journey = Journey()
    with captured_logs() as logged:
        journey.get("")
        journey.answer_everything(files=[SimpleUploadedFile(FILE_NAME, photo, content_type="image/jpeg")])
        assert FILE_NAME in text(journey.last)
        confirmation = journey.send()
    assert confirmation.status_code == 200
    report = Report.objects.get()
    assert Attachment.objects.filter(report=report).count() == 1
    assert not PendingUpload.objects.exists(), "held files are claimed and deleted when the report is sent"

    # Not one response set a cookie.
    for response in journey.responses:
        assert not response.cookies, (response.request["PATH_INFO"], response.cookies)
        assert "Set-Cookie" not in response.headers

    markers = {
        "address": REMOTE_ADDR.encode(),
        "user agent": USER_AGENT.encode(),
        "distinctive part of the user agent": b"Reporter-Marker-7f3a9c",
        "narrative": NARRATIVE.encode(),
        "narrative marker": b"marker-narrative-q8w7e6",
        "file name": FILE_NAME.encode(),
        "file content": photo[len(photo) // 2 : len(photo) // 2 + 48],
        "GPS maker tag": filesamples.SECRET.encode(),
    }
    searched = 0
    for table, column, value in every_stored_value():
        searched += 1
        for what, marker in markers.items():
            assert marker not in value, f"the {what} is stored in the clear in {table}.{column}"
    assert searched > 50, "the search looked at the database"

    lines = [json.loads(line) for line in logged.getvalue().splitlines()]
    assert any(line.get("path") == "/report/send" for line in lines), "the logs were captured"
    logs = "\n".join(
        json.dumps(line, ensure_ascii=False)
        for line in lines
        if not str(line.get("logger", "")).startswith(CONTENT_QUOTING_DEBUG_LOGGERS)
    )
    for what, marker in markers.items():
        assert marker.decode(errors="ignore") not in logs, f"the {what} was logged"

    stored = [path for path in file_store.rglob("*") if path.is_file()]
    assert len(stored) == 2, "the original and the clean copy, sealed"
    for path in stored:
        content = path.read_bytes()
        for what, marker in markers.items():
            assert marker not in content, f"the {what} is in the file store in the clear ({path.name})"


@pytest.mark.parametrize("name", CONTENT_QUOTING_DEBUG_LOGGERS)
def test_debug_loggers_that_quote_content_are_held_at_info(name: str):
    assert logging.getLogger(name).level >= logging.INFO


def test_held_files_are_sealed_in_the_file_store_before_sending(file_store: Path):  # noqa: F811
    photo = filesamples.jpeg(size=(64, 48))
    journey = Journey()
    journey.start()
    journey.post("files", {"files": [SimpleUploadedFile(FILE_NAME, photo)], "action": "upload"})
    assert PendingUpload.objects.count() == 1
    stored = [path for path in file_store.rglob("*") if path.is_file()]
    assert len(stored) == 1
    assert photo[100:160] not in stored[0].read_bytes()
    # The journey's key lives only in the hidden state: the row says nothing about the file or its sender.
    row = PendingUpload.objects.get()
    assert FILE_NAME not in row.path
    assert FILE_NAME not in hidden(journey.last)


def test_nothing_is_stored_before_sending_except_held_files():
    before = {model: model.objects.count() for model in apps.get_models() if model._meta.managed}
    journey = Journey()
    journey.answer_everything()
    after = {model: model.objects.count() for model in apps.get_models() if model._meta.managed}
    changed = {model.__name__: after[model] - before[model] for model in before if after[model] != before[model]}
    assert changed == {}, changed


def test_a_signed_in_member_of_staff_is_anonymous_on_the_public_pages():
    staff = persona(Role.STAFF, prison(code="QRS", name="HMP Staffmoor", units=0))
    client = signed_in_client(staff)
    session_cookie = client.cookies["custodes_session"].value
    journey = Journey(client=client)
    with captured_logs() as logged:
        journey.answer_everything()
        journey.send()
    for response in journey.responses:
        assert not response.cookies, response.cookies
        # No "Sign out" (which would need a CSRF cookie), no navigation: the public layout knows nobody.
        assert "Sign out" not in response.content.decode()
    report = Report.objects.get()
    assert report.filer_tag == ""
    assert report.recorded_by is None
    lines = [json.loads(line) for line in logged.getvalue().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request" and line["path"].startswith("/report")]
    assert requests
    assert all(line["account"] is None for line in requests)
    # The session itself is untouched: still valid for the staff pages.
    assert client.cookies["custodes_session"].value == session_cookie
    assert client.get("/").status_code == 200


def test_no_public_page_sets_a_cookie_even_on_errors():
    journey = Journey()
    responses = [
        journey.get(""),
        journey.get("follow-up"),
        journey.client.post("/report/follow-up", {"receipt": "1234"}),
        journey.client.post("/report/what-it-is-about", {"state": "tampered"}),
        journey.client.get("/report/no-such-page"),
        journey.client.get("/report/kiosk?at=QRP"),
    ]
    for response in responses:
        assert not response.cookies
    assert "Accept-Language" in responses[0].get("Vary", "")


def test_uploads_on_public_pages_never_go_to_a_temporary_file(settings: Any, tmp_path: Path):
    """Django writes large uploads to temporary files; the public pages keep them in memory instead."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spill anything bigger to disk
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "s"}},
    }
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [SimpleUploadedFile("p.jpg", filesamples.jpeg())], "action": "upload"})
    assert "1 file added" in text(response)
    assert not [path for path in tmp_path.iterdir() if path.is_file()], "no temporary upload file was written"


def test_the_journey_state_does_not_say_who_or_where():
    journey = Journey()
    journey.answer_everything()
    blob = hidden(journey.last)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", blob)
    assert REMOTE_ADDR not in blob
