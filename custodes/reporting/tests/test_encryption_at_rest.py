"""Encryption at rest (DESIGN.md §3, issue 3): after a report has been submitted with files and contact details,
and handler and reporter have written to each other, read every column of every table straight from the database
(no ORM) and every file in the file store. None of them holds any of the content in the clear."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from custodes.core.roles import Role
from custodes.reporting import services
from custodes.reporting.intake import Contact, UploadedContent
from custodes.testing.personas import persona

from .handling_support import World, browser, file_store, png_with_comment, world  # noqa: F401

pytestmark = pytest.mark.django_db

SECRETS = {
    "narrative": "Officer Quillon passes parcels to D wing after lock-up",
    "involved": "Quillon and two others from the night detail",
    "contact name": "Persimmon Whitlock-Ravel",
    "contact phone": "07700 900654",
    "contact email": "persimmon.ravel@example.org",
    "contact address": "12 Imaginary Crescent, Nowhereton",
    "handler message": "Could you tell us which night this happened on",
    "reporter message": "It was the Friday before the inspection visit",
    "file metadata": "Geotagged by a fictional phone of Quillon",
    "file name": "quillon-parcels-evidence",
}


def _as_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def every_stored_value() -> list[tuple[str, str, bytes]]:
    """(table, column, value) for every value of every table, read with plain SQL."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                found.extend((table, column, _as_bytes(value)) for column, value in zip(columns, row, strict=True))
    return found


def test_nothing_submitted_is_readable_in_the_database_or_the_file_store(world: World, file_store: Path):
    photo = png_with_comment(SECRETS["file metadata"])
    submitted = world.submit(
        narrative=SECRETS["narrative"],
        involved=SECRETS["involved"],
        anonymity="confidential",
        contact=Contact(
            name=SECRETS["contact name"],
            phone=SECRETS["contact phone"],
            email=SECRETS["contact email"],
            postal_address=SECRETS["contact address"],
        ),
        files=(UploadedContent(name=SECRETS["file name"] + ".png", content=photo),),
    )
    report = submitted.report
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    services.send_message(actor=lead, report=report, body=SECRETS["handler message"], asks_for_more=True)
    second = UploadedContent(name=SECRETS["file name"] + "-2.png", content=png_with_comment(SECRETS["file metadata"]))
    services.reporter_adds(receipt=submitted.receipt, body=SECRETS["reporter message"], uploads=(second,))
    # Reading it (pages, identity) writes audit events and sessions: those must not copy content either.
    browser(lead).get(f"/reports/{report.reference}")
    liaison = browser(persona(Role.REPORTER_LIAISON))
    assert (
        SECRETS["contact name"]
        in liaison.post(
            f"/reports/{report.reference}/identity", {"reason": "To arrange a safe time to call"}
        ).content.decode()
    )

    needles = {name: text.encode() for name, text in SECRETS.items() if text}
    needles["receipt"] = submitted.receipt.encode()
    needles["photo bytes"] = photo[-64:]  # the image data itself, as sent
    values = every_stored_value()
    assert any(table == "reporting_report" for table, _, _ in values)
    leaks = [
        (table, column, name)
        for table, column, value in values
        for name, needle in needles.items()
        if needle in value or needle.lower() in value.lower()
    ]
    assert not leaks, leaks

    stored_files = [path for path in file_store.rglob("*") if path.is_file()]
    assert len(stored_files) == 4  # two files, each sealed as original and as the cleaned copy
    for path in stored_files:
        data = path.read_bytes()
        for name, needle in needles.items():
            assert needle not in data, (path.name, name)
        assert not data.startswith(b"\x89PNG")

    # And yet it is all there for those allowed to read it.
    opened = services.open_report(actor=lead, report=report)
    assert opened.narrative == SECRETS["narrative"]
    assert [m.body for m in opened.messages] == [SECRETS["handler message"], SECRETS["reporter message"]]
