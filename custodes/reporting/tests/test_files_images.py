"""Photos come out as pixels only: no EXIF (GPS, camera, dates), XMP, comments, text chunks or colour profile."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from custodes.reporting.files import FileRefused, inspect_upload, labels
from custodes.reporting.files import images as image_cleaner
from custodes.reporting.tests import filesamples as samples

MAX = 50 * 1024 * 1024


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_jpeg_with_gps_comes_out_with_no_exif_at_all() -> None:
    original = samples.jpeg()
    before = _open(original).getexif()
    gps = before.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitude] == samples.GPS_LATITUDE  # the sample really carries a position
    assert before[ExifTags.Base.Make]
    assert before.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal]

    inspected = inspect_upload(samples.upload("IMG_0001.jpg", original), max_bytes=MAX)

    clean = _open(inspected.clean)
    assert clean.format == "JPEG"
    assert len(clean.getexif()) == 0
    assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(clean.info)
    assert b"Exif" not in inspected.clean
    assert b"GPS" not in inspected.clean
    assert samples.SECRET.encode() not in inspected.clean
    assert {labels.GPS, labels.CAMERA, labels.DATE_TAKEN, labels.AUTHOR, labels.XMP, labels.COMMENTS} <= set(
        inspected.metadata_removed
    )
    assert (inspected.kind, inspected.content_type, inspected.extension) == ("image", "image/jpeg", "jpg")
    assert inspected.original == original
    assert inspected.size == len(original)
    assert inspected.sha256 == hashlib.sha256(original).hexdigest()
    assert inspected.clean_sha256 == hashlib.sha256(inspected.clean).hexdigest()
    assert inspected.clean_size == len(inspected.clean)


def test_the_exif_orientation_is_applied_before_exif_is_dropped() -> None:
    # Stored 40x20, left half red and right half blue, with orientation 6: "rotate 90° clockwise to view".
    inspected = inspect_upload(samples.upload("p.jpg", samples.jpeg((40, 20), orientation=6)), max_bytes=MAX)
    clean = _open(inspected.clean).convert("RGB")
    assert clean.size == (20, 40)
    top, bottom = clean.getpixel((10, 5)), clean.getpixel((10, 35))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200
    assert top[2] < 60
    assert bottom[2] > 200
    assert bottom[0] < 60


def test_png_text_chunks_and_exif_are_removed_and_transparency_kept() -> None:
    original = samples.png_with_text()
    assert "Author" in _open(original).text  # type: ignore[attr-defined]
    inspected = inspect_upload(samples.upload("screen.png", original), max_bytes=MAX)
    clean = _open(inspected.clean)
    assert clean.format == "PNG"
    assert clean.mode == "RGBA"
    assert clean.text == {}  # type: ignore[attr-defined]
    assert len(clean.getexif()) == 0
    assert samples.SECRET.encode() not in inspected.clean
    assert {labels.AUTHOR, labels.TEXT_NOTES, labels.GPS} <= set(inspected.metadata_removed)


@pytest.mark.parametrize(
    ("build", "content_type", "frames"),
    [
        (lambda: samples.gif(1), "image/gif", 1),
        (lambda: samples.gif(3), "image/gif", 3),
        (lambda: samples.webp(1), "image/webp", 1),
        (lambda: samples.webp(3), "image/webp", 3),
    ],
)
def test_gif_and_webp_are_accepted_and_moving_pictures_keep_their_frames(build, content_type, frames) -> None:
    original = build()
    inspected = inspect_upload(samples.upload("x", original), max_bytes=MAX)
    assert inspected.content_type == content_type
    clean = _open(inspected.clean)
    assert getattr(clean, "n_frames", 1) == frames
    assert len(clean.getexif()) == 0
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(clean.info)
    assert samples.SECRET.encode() in original
    assert samples.SECRET.encode() not in inspected.clean


def test_a_colour_profile_is_converted_to_srgb_and_dropped() -> None:
    rgb_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(out, "JPEG", icc_profile=rgb_profile)
    inspected = inspect_upload(samples.upload("c.jpg", out.getvalue()), max_bytes=MAX)
    assert "icc_profile" not in _open(inspected.clean).info
    assert labels.COLOUR_PROFILE in inspected.metadata_removed


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header and has almost no data: how decompression bombs start."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [8000, 10_000, 30_000])  # under, between and over Pillow's own two limits
def test_pictures_over_the_pixel_limit_are_refused_before_decoding(side: int) -> None:
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload("bomb.png", _png_header_only(side, side)), max_bytes=MAX)
    assert refused.value.code == "too_many_pixels"
    assert "50 million pixels" in refused.value.message_en
    assert "bomb.png" in refused.value.message_cy


def test_a_moving_picture_with_too_many_frames_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_cleaner, "MAX_FRAMES", 2)
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload("anim.gif", samples.gif(3)), max_bytes=MAX)
    assert refused.value.code == "too_many_frames"


def test_a_cmyk_jpeg_and_a_greyscale_png_are_accepted() -> None:
    for mode, fmt in (("CMYK", "JPEG"), ("L", "PNG"), ("P", "PNG"), ("I;16", "PNG")):
        out = io.BytesIO()
        Image.new(mode, (6, 6)).save(out, fmt)
        inspected = inspect_upload(samples.upload("m", out.getvalue()), max_bytes=MAX)
        assert _open(inspected.clean).format == fmt


def test_a_jpeg_with_thousands_of_scans_is_refused_before_decoding() -> None:
    # Each scan is decoded over the whole picture, so a small file of many scans takes minutes to decode.
    crafted = samples.jpeg(metadata=False)[:-2] + b"\xff\xda\x00\x02" * 300 + b"\xff\xd9"
    with pytest.raises(FileRefused) as refused:
        inspect_upload(samples.upload("scans.jpg", crafted), max_bytes=MAX)
    assert refused.value.code == "damaged"
