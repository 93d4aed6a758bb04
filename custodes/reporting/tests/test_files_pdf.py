"""PDFs are rewritten page by page without document information, XMP, scripts, actions or embedded files."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from custodes.reporting.files import FileRefused, inspect_upload, labels
from custodes.reporting.tests import filesamples as samples

MAX = 50 * 1024 * 1024


def _walk_keys(reader: PdfReader) -> set[str]:
    """Every dictionary key anywhere in the file, from the trailer down."""
    keys: set[str] = set()
    seen: set[int] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if hasattr(obj, "idnum"):
            if obj.idnum in seen:  # type: ignore[attr-defined]
                continue
            seen.add(obj.idnum)  # type: ignore[attr-defined]
            obj = obj.get_object()  # type: ignore[attr-defined]
        if isinstance(obj, DictionaryObject):
            keys |= set(obj)
            keys |= {str(v) for v in obj.values() if isinstance(v, str) and v.startswith("/")}
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
    return keys


def test_author_title_xmp_javascript_actions_and_embedded_files_are_removed() -> None:
    original = samples.pdf(pages=3)
    before = PdfReader(io.BytesIO(original))
    assert before.metadata is not None
    assert before.metadata.author == samples.SECRET
    assert {"/Metadata", "/OpenAction", "/EmbeddedFiles", "/JavaScript", "/AA", "/FileAttachment", "/Launch"} <= (
        _walk_keys(before)
    )

    inspected = inspect_upload(samples.upload("statement.pdf", original), max_bytes=MAX)

    after = PdfReader(io.BytesIO(inspected.clean))
    assert after.metadata is None
    assert len(after.pages) == 3
    left = _walk_keys(after) & {
        "/Metadata", "/OpenAction", "/EmbeddedFiles", "/EmbeddedFile", "/JavaScript", "/JS", "/AA",
        "/FileAttachment", "/Launch", "/Names", "/Info", "/XFA", "/EF",
    }  # fmt: skip
    assert not left
    assert samples.SECRET.encode() not in inspected.clean
    assert b"calc.exe" not in inspected.clean
    assert b"pypdf" not in inspected.clean
    assert {
        labels.DOCUMENT_AUTHOR,
        labels.DOCUMENT_TITLE,
        labels.XMP,
        labels.JAVASCRIPT,
        labels.EMBEDDED_FILES,
        labels.RISKY_LINKS,
        labels.PHOTO_METADATA_IN_DOCUMENT,
    } <= set(inspected.metadata_removed)
    assert (inspected.kind, inspected.content_type, inspected.extension) == ("pdf", "application/pdf", "pdf")


def test_page_content_is_kept_and_embedded_photos_lose_only_their_metadata() -> None:
    inspected = inspect_upload(samples.upload("p.pdf", samples.pdf()), max_bytes=MAX)
    page = PdfReader(io.BytesIO(inspected.clean)).pages[0]
    assert page.get_contents().get_data() == b"q 80 0 0 80 10 10 cm /Im0 Do Q"  # type: ignore[union-attr]
    photo = page["/Resources"]["/XObject"]["/Im0"].get_object()  # type: ignore[index]
    jpeg = photo._data
    assert jpeg.startswith(b"\xff\xd8")
    assert b"Exif" not in jpeg
    assert b"GPS" not in jpeg
    assert Image.open(io.BytesIO(jpeg)).size == (8, 8)


def test_a_password_protected_pdf_is_refused_with_a_clear_message() -> None:
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload("locked.pdf", samples.pdf(user_password="secret")), max_bytes=MAX)
    assert refused.value.code == "encrypted"
    assert "password" in refused.value.message_en
    assert "locked.pdf" in refused.value.message_en
    assert "cyfrinair" in refused.value.message_cy


def test_a_pdf_restricted_only_by_an_owner_password_opens_and_is_cleaned_unencrypted() -> None:
    inspected = inspect_upload(samples.upload("s.pdf", samples.pdf(user_password="")), max_bytes=MAX)
    assert labels.PASSWORD in inspected.metadata_removed
    assert not PdfReader(io.BytesIO(inspected.clean)).is_encrypted


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.98])
def test_a_truncated_pdf_is_refused_as_damaged(cut: float) -> None:
    original = samples.pdf()
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload("cut.pdf", original[: int(len(original) * cut)]), max_bytes=MAX)
    assert refused.value.code == "damaged"
    assert refused.value.message_en == (
        "The file \u2018cut.pdf\u2019 could not be opened: it may be damaged. Try saving or exporting it again, "
        "then send it."
    )


def test_a_plain_pdf_passes_with_nothing_to_remove() -> None:
    inspected = inspect_upload(samples.upload("plain.pdf", samples.pdf(everything=False)), max_bytes=MAX)
    assert len(PdfReader(io.BytesIO(inspected.clean)).pages) == 2
    assert labels.JAVASCRIPT not in inspected.metadata_removed
