"""The files page of the public journey: files are checked by content as they are chosen, refusals are explained
by name in the error summary (English and Welsh), files can be removed, and unsent ones are purged."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from custodes.reporting.models import Attachment, PendingUpload, Report, SpentJourney

from . import filesamples
from .handling_support import file_store  # noqa: F401  (a fixture)
from .public_support import Journey, error_summary, heading, hidden, prison, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def establishment(file_store: Path) -> Any:  # noqa: F811
    return prison()


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, filesamples.jpeg(), content_type="image/jpeg")


def test_a_photo_is_held_and_listed_and_sent_with_the_report(file_store: Path):  # noqa: F811
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [photo("my photo.jpg")], "action": "upload"})
    assert heading(response) == "Do you want to send photos, documents or recordings?"
    assert "1 file added." in text(response)
    assert "my photo.jpg" in text(response)
    assert PendingUpload.objects.count() == 1

    journey.answer_everything(files=[photo("second.jpg")])
    # answer_everything starts a new journey: only its own file goes with it.
    assert "second.jpg" in text(journey.last)
    assert "my photo.jpg" not in text(journey.last)
    journey.send()
    report = Report.objects.get()
    attachment = Attachment.objects.get(report=report)
    assert attachment.content_type == "image/jpeg"
    assert "gps" in " ".join(attachment.metadata_removed).lower()


@pytest.mark.parametrize(
    ("upload", "english", "welsh"),
    [
        (
            lambda: SimpleUploadedFile("notes.zip", filesamples.zip_archive()),
            "The file ‘notes.zip’ is a ZIP archive",  # noqa: RUF001
            "Mae’r ffeil ‘notes.zip’ yn archif ZIP",  # noqa: RUF001
        ),
        (
            lambda: SimpleUploadedFile("empty.jpg", b""),
            "The file ‘empty.jpg’ is empty",  # noqa: RUF001
            "Mae’r ffeil ‘empty.jpg’ yn wag",  # noqa: RUF001
        ),
        (
            lambda: SimpleUploadedFile("fake.jpg", b"\xff\xd8\xff\xe0 this is not really a photo"),
            "‘fake.jpg’",  # noqa: RUF001
            "‘fake.jpg’",  # noqa: RUF001
        ),
    ],
    ids=["zip", "empty", "malformed"],
)
@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_refused_file_is_explained_by_name_in_the_error_summary(upload: Any, english: str, welsh: str, language: str):
    journey = Journey(language=language)
    journey.start()
    response = journey.post("files", {"files": [upload()], "action": "continue"})
    assert response.status_code == 200
    summary = error_summary(response)
    assert len(summary) == 1
    href, message = summary[0]
    assert href == "#files"
    assert (english if language == "en" else welsh) in message
    assert 'class="govuk-error-message"' in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_file_over_the_size_limit_is_refused_without_being_kept(settings: Any):
    settings.CUSTODES_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10))
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [big], "action": "upload"})
    expected = "The file ‘big.jpg’ is larger than 1 MB. Send a smaller file, or split a long recording into parts."  # noqa: RUF001
    assert error_summary(response) == [("#files", expected)]
    assert not PendingUpload.objects.exists()


def test_more_files_than_allowed_are_refused_once(settings: Any):
    settings.CUSTODES_UPLOAD_MAX_FILES = 2
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [photo("a.jpg"), photo("b.jpg"), photo("c.jpg")], "action": "upload"})
    summary = error_summary(response)
    assert summary == [("#files", "You can send up to 2 files. Remove some files, then try again.")]
    assert PendingUpload.objects.count() == 2
    assert "You have added 2 files, the most you can send." in text(response)
    assert 'name="files"' not in response.content.decode()


def test_a_file_can_be_removed(file_store: Path):  # noqa: F811
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [photo("keep.jpg"), photo("drop.jpg")], "action": "upload"})
    token = PendingUpload.objects.order_by("pk").last().token
    assert f'value="remove:{token}"' in response.content.decode()
    response = journey.post("files", {"action": f"remove:{token}"})
    assert "drop.jpg" not in text(response)
    assert "keep.jpg" in text(response)
    assert PendingUpload.objects.count() == 1
    assert len([p for p in file_store.rglob("*") if p.is_file()]) == 1


def test_continue_with_a_chosen_file_holds_it_and_moves_on():
    journey = Journey()
    journey.start()
    response = journey.post("files", {"files": [photo()], "action": "continue"})
    assert heading(response) == "Do you want to tell us who you are?"
    assert PendingUpload.objects.count() == 1


def test_a_held_file_purged_before_sending_is_asked_for_again():
    journey = Journey()
    journey.answer_everything(files=[photo("lost.jpg")])
    PendingUpload.objects.all().delete()
    response = journey.send()
    assert heading(response) == "Do you want to send photos, documents or recordings?"
    assert "We no longer have the file ‘lost.jpg’" in text(response)  # noqa: RUF001
    assert not Report.objects.exists()
    assert not SpentJourney.objects.exists(), "the journey can still be sent"
    journey.post("files", {"action": "continue"})
    journey.send()
    assert Report.objects.count() == 1


def test_the_purge_command_deletes_held_files_older_than_a_day(file_store: Path):  # noqa: F811
    journey = Journey()
    journey.start()
    journey.post("files", {"files": [photo("old.jpg")], "action": "upload"})
    journey.post("files", {"files": [photo("new.jpg")], "action": "upload"})
    old = PendingUpload.objects.order_by("pk").first()
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    SpentJourney.objects.create(digest="0" * 64)
    SpentJourney.objects.update(spent_at=timezone.now() - dt.timedelta(days=2))
    out = StringIO()
    call_command("reporting-purge-pending", stdout=out)
    assert "1" in out.getvalue()
    assert list(PendingUpload.objects.values_list("pk", flat=True)) != [old.pk]
    assert PendingUpload.objects.count() == 1
    assert not SpentJourney.objects.exists()
    assert len([p for p in file_store.rglob("*") if p.is_file()]) == 1


def test_an_expired_journey_releases_its_held_files_at_once(monkeypatch: pytest.MonkeyPatch):
    from custodes.reporting.public import state as journey_state

    journey = Journey()
    journey.start()
    journey.post("files", {"files": [photo()], "action": "upload"})
    blob = hidden(journey.last)
    later = journey_state.time.time() + 3 * 3600
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    response = journey.post("files", {"action": "continue"}, state=blob)
    assert response.status_code == 410
    assert not PendingUpload.objects.exists()
