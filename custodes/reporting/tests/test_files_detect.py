"""The type comes from the content, never the name; refusals say plainly, in English and Welsh, what to do."""

from __future__ import annotations

import pickle

import pytest
from django.core.exceptions import ImproperlyConfigured

from custodes.reporting.files import FileRefused, check_file_count, inspect_upload, limits
from custodes.reporting.tests import filesamples as samples

MAX = 50 * 1024 * 1024
ADVICE = "Send photos as JPG or PNG, documents as PDF, recordings as MP3 or MP4."


def _refusal(name: str, data: bytes, max_bytes: int = MAX) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload(name, data), max_bytes=max_bytes)
    return refused.value


def test_a_jpeg_named_pdf_is_treated_as_a_jpeg() -> None:
    inspected = inspect_upload(samples.upload("x.pdf", samples.jpeg()), max_bytes=MAX)
    assert (inspected.content_type, inspected.extension) == ("image/jpeg", "jpg")


def test_a_pdf_named_jpg_is_treated_as_a_pdf() -> None:
    inspected = inspect_upload(samples.upload("photo.jpg", samples.pdf(everything=False)), max_bytes=MAX)
    assert inspected.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("build", "english", "welsh"),
    [
        (samples.zip_archive, "is a ZIP archive.", "yn archif ZIP."),
        (samples.exe, "is a Windows program.", "yn rhaglen Windows."),
        (samples.html, "is a web page (HTML).", "yn dudalen we (HTML)."),
        (samples.svg, "is an SVG picture, which can contain programs.", "yn llun SVG"),
        (lambda: b"Dear Sir,\nI want to report...\n", "is a text file.", "yn ffeil destun."),
        (lambda: b"\x7fELF\x02\x01\x01" + bytes(100), "is a computer program.", "yn rhaglen gyfrifiadurol."),
    ],
)
def test_other_types_renamed_photo_jpg_are_refused_with_the_right_message(build, english, welsh) -> None:
    refusal = _refusal("photo.jpg", build())
    assert refusal.code == "unsupported_type"
    assert refusal.message_en == f"The file \u2018photo.jpg\u2019 {english} {ADVICE}"
    assert refusal.message_cy.startswith("Mae\u2019r ffeil \u2018photo.jpg\u2019 ")
    assert welsh in refusal.message_cy
    assert refusal.message_in("cy") == refusal.message_cy
    assert refusal.message_in("en-gb") == refusal.message_en


def test_an_office_document_and_unknown_bytes_are_refused() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert "Microsoft Office" in _refusal("a.doc", ole).message_en
    unknown = _refusal("a.bin", bytes(range(256)) * 4)
    assert unknown.code == "unknown_type"
    assert "do not recognise" in unknown.message_en


def test_an_empty_file_is_refused() -> None:
    refusal = _refusal("empty.jpg", b"")
    assert refusal.code == "empty"
    assert (
        refusal.message_en == "The file \u2018empty.jpg\u2019 is empty. Choose the file again, or send a different one."
    )
    assert "yn wag" in refusal.message_cy


def test_a_file_over_the_limit_is_refused_and_the_message_says_the_limit_in_mb() -> None:
    refusal = _refusal("big.jpg", samples.jpeg() + bytes(1024 * 1024), max_bytes=1024 * 1024)
    assert refusal.code == "too_large"
    assert "larger than 1 MB" in refusal.message_en
    assert "yn fwy na 1 MB" in refusal.message_cy
    half = _refusal("big.jpg", bytes(600 * 1024), max_bytes=512 * 1024)
    assert "larger than 0.5 MB" in half.message_en


@pytest.mark.parametrize(
    "build",
    [samples.jpeg, samples.png_with_text, samples.gif, samples.webp, samples.pdf, samples.flac, samples.mp4],
)
def test_a_truncated_file_of_an_accepted_type_is_refused_as_damaged(build) -> None:
    original = build()
    refusal = _refusal("cut", original[: len(original) * 2 // 3])
    assert refusal.code == "damaged"
    assert "could not be opened: it may be damaged" in refusal.message_en
    assert "wedi\u2019i difrodi" in refusal.message_cy


def test_the_name_is_shown_cleaned_and_never_in_str_or_repr() -> None:
    name = "C:\\Users\\me\\Desktop\\photo of Sgt Pepper\u202egpj.exe\x00" + "x" * 200
    refusal = _refusal(name, b"")
    assert "\u202e" not in refusal.message_en
    assert "\x00" not in refusal.message_en
    assert "Desktop" not in refusal.message_en
    assert "\u2018photo of Sgt Peppergpj.exexxx" in refusal.message_en
    assert "\u2026\u2019" in refusal.message_en  # shortened
    assert "Pepper" not in str(refusal)
    assert "Pepper" not in repr(refusal)
    restored = pickle.loads(pickle.dumps(refusal))  # noqa: S301  (our own object)
    assert (restored.code, restored.message_cy) == (refusal.code, refusal.message_cy)


def test_a_file_without_a_name_is_still_named_in_the_message() -> None:
    refusal = _refusal("", b"")
    assert "\u2018unnamed\u2019" in refusal.message_en
    assert "\u2018heb enw\u2019" in refusal.message_cy


def test_the_repr_of_an_inspected_file_leaves_out_the_bytes() -> None:
    inspected = inspect_upload(samples.upload("a.jpg", samples.jpeg()), max_bytes=MAX)
    assert "original" not in repr(inspected)
    assert "b'" not in repr(inspected)


def test_limits_come_from_settings_with_defaults(settings) -> None:
    for name in ("CUSTODES_UPLOAD_MAX_MB", "CUSTODES_UPLOAD_MAX_FILES"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert (limits().max_mb, limits().max_files, limits().max_bytes) == (50, 5, 50 * 1024 * 1024)
    settings.CUSTODES_UPLOAD_MAX_MB = 10
    settings.CUSTODES_UPLOAD_MAX_FILES = 2
    assert (limits().max_bytes, limits().max_files) == (10 * 1024 * 1024, 2)
    settings.CUSTODES_UPLOAD_MAX_MB = "lots"
    with pytest.raises(ImproperlyConfigured):
        limits()


def test_too_many_files_are_refused_with_the_limit() -> None:
    check_file_count(5, max_files=5)
    with pytest.raises(FileRefused) as refused:
        check_file_count(6, max_files=5)
    assert refused.value.code == "too_many_files"
    assert refused.value.message_en == "You can send up to 5 files. Remove some files, then try again."
