"""Tiny sample files, built in code, for the files package's tests (no binary files in the repository).

Each builder returns bytes that carry the metadata the cleaning is meant to remove, so tests can check both that
the original had it and that the clean copy does not.
"""

from __future__ import annotations

import io
import struct
import wave
import zipfile
from dataclasses import dataclass
from typing import Any

from mutagen.flac import FLAC
from mutagen.id3 import APIC, ID3, TIT2, TPE1
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

SECRET = "Sgt Pepper of B wing"  # a name that must never survive cleaning
GPS_LATITUDE = (51.0, 27.0, 24.5)


@dataclass(frozen=True)
class Upload:
    """Shaped like custodes.reporting.intake.UploadedContent, which cannot be imported until the reporting app
    is installed (its module imports the models)."""

    name: str
    content: bytes


def upload(name: str, content: bytes) -> Any:
    from django.apps import apps

    if apps.is_installed("custodes.reporting"):
        from custodes.reporting.intake import UploadedContent

        return UploadedContent(name=name, content=content)
    return Upload(name=name, content=content)


# --- images ---------------------------------------------------------------------------------------------------


def _two_tone(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: enough to see a rotation."""
    im = Image.new(mode, size, (255, 0, 0) if mode == "RGB" else (255, 0, 0, 255))
    im.paste((0, 0, 255) if mode == "RGB" else (0, 0, 255, 255), (size[0] // 2, 0, size[0], size[1]))
    return im


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Custodes Camera Co"
    exif[ExifTags.Base.Model] = "Spy 3000"
    exif[ExifTags.Base.DateTime] = "2026:01:02 03:04:05"
    exif[ExifTags.Base.Artist] = SECRET
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:01:02 03:04:05"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.1)
    return exif


def jpeg(size: tuple[int, int] = (40, 20), *, orientation: int = 1, metadata: bool = True) -> bytes:
    out = io.BytesIO()
    extra: dict[str, Any] = {}
    if metadata:
        extra = {"exif": exif_with_gps(orientation), "comment": SECRET.encode(), "xmp": _xmp()}
    _two_tone(size).save(out, "JPEG", quality=90, **extra)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("Description", f"taken by {SECRET}", lang="en")
    info.add_text("Comment", "zipped note", zip=True)
    out = io.BytesIO()
    _two_tone((30, 30), "RGBA").save(out, "PNG", pnginfo=info, exif=exif_with_gps())
    return out.getvalue()


def gif(frames: int = 1) -> bytes:
    images = [_two_tone((16, 16)).rotate(90 * i).convert("P") for i in range(frames)]
    out = io.BytesIO()
    extra = {"save_all": True, "append_images": images[1:], "duration": 80, "loop": 0} if frames > 1 else {}
    images[0].save(out, "GIF", comment=SECRET.encode(), **extra)
    return out.getvalue()


def webp(frames: int = 1) -> bytes:
    images = [_two_tone((16, 16)).rotate(90 * i) for i in range(frames)]
    out = io.BytesIO()
    extra = {"save_all": True, "append_images": images[1:], "duration": 80, "loop": 0} if frames > 1 else {}
    images[0].save(out, "WEBP", exif=exif_with_gps(), xmp=_xmp(), **extra)
    return out.getvalue()


def _xmp() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
        + SECRET.encode()
        + b"</dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


# --- PDF ------------------------------------------------------------------------------------------------------


def pdf(*, pages: int = 2, everything: bool = True, user_password: str | None = None) -> bytes:
    """A PDF with author, title, XMP, an OpenAction JavaScript, document JavaScript, an embedded file, a page
    action, a launch link, a file-attachment annotation and an embedded JPEG photo carrying EXIF GPS."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if everything:
        writer.add_metadata({"/Author": SECRET, "/Title": "What I saw", "/Creator": "Spy Writer"})
        xmp = DecodedStreamObject()
        xmp.set_data(_xmp())
        xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
        script = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(f"app.alert('{SECRET}')")}
        )
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(script)])}
        )
        writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.launchURL('x')")}
        )
        writer.add_attachment("notes.txt", f"hidden notes by {SECRET}".encode())
        page = writer.pages[0]
        page[NameObject("/AA")] = DictionaryObject(
            {
                NameObject("/O"): DictionaryObject(
                    {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
                )
            }
        )
        launch = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)]),
                NameObject("/A"): DictionaryObject(
                    {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
                ),
            }
        )
        attachment = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): ArrayObject([FloatObject(60), FloatObject(60), FloatObject(70), FloatObject(70)]),
                NameObject("/Contents"): TextStringObject(SECRET),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(launch), writer._add_object(attachment)])
        _draw_photo(writer, page)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_photo(writer: PdfWriter, page: Any) -> None:
    photo = DecodedStreamObject()
    photo.set_data(jpeg((8, 8)))
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(8),
            NameObject("/Height"): NumberObject(8),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    resources = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(photo)})}
    )
    page[NameObject("/Resources")] = resources
    content = DecodedStreamObject()
    content.set_data(b"q 80 0 0 80 10 10 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)


# --- audio ----------------------------------------------------------------------------------------------------

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, no CRC: 417 bytes a frame.
MP3_FRAME = b"\xff\xfb\x90\x00" + bytes(413)


def mp3(*, frames: int = 30, tags: bool = True) -> bytes:
    data = MP3_FRAME * frames
    if not tags:
        return data
    buffer = io.BytesIO(data)
    id3 = ID3()
    id3.add(TIT2(encoding=3, text="Recording on B wing"))
    id3.add(TPE1(encoding=3, text=SECRET))
    id3.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=jpeg((4, 4), metadata=False)))
    id3.save(buffer, v1=2)  # ID3v2 at the front and ID3v1 at the end
    return buffer.getvalue()


def wav(*, info: bool = True, seconds: float = 0.05) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x02" * int(8000 * seconds))
    data = out.getvalue()
    if not info:
        return data
    name = SECRET.encode() + b"\x00"
    items = b"IART" + struct.pack("<I", len(name)) + name
    items += b"" if len(name) % 2 == 0 else b"\x00"
    chunk = b"LIST" + struct.pack("<I", 4 + len(items)) + b"INFO" + items
    bext = b"bext" + struct.pack("<I", 8) + b"origin\x00\x00"
    body = data[12:] + chunk + bext
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def flac(*, tags: bool = True) -> bytes:
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6)
    # sample rate 44100 (20 bits), channels-1 = 0 (3 bits), bits-1 = 15 (5 bits), total samples 4096 (36 bits)
    packed = (44100 << 44) | (0 << 41) | (15 << 36) | 4096
    streaminfo += packed.to_bytes(8, "big") + bytes(16)
    data = b"fLaC" + bytes((0x80,)) + len(streaminfo).to_bytes(3, "big") + streaminfo
    data += b"\xff\xf8\x69\x08\x00\x00" + bytes(64)  # something shaped like a frame (not decoded by anyone here)
    if not tags:
        return data
    buffer = io.BytesIO(data)
    parsed = FLAC(buffer)
    parsed["ARTIST"] = SECRET
    parsed["LOCATION"] = "51.45, -0.12"
    buffer.seek(0)
    parsed.save(buffer)
    return buffer.getvalue()


def ogg_opus(*, tags: bool = True) -> bytes:
    head = b"OpusHead" + bytes((1, 1)) + struct.pack("<HIhB", 312, 48000, 0, 0)
    vendor = b"custodes-tests"
    comments = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    pages = []
    for sequence, (packets, position, first, last) in enumerate(
        [([head], 0, True, False), ([comments], 0, False, False), ([b"\xf8\xff\xfe"] * 5, 4800, False, True)]
    ):
        page = OggPage()
        page.serial, page.sequence, page.position = 0x1234, sequence, position
        page.packets, page.first, page.last = packets, first, last
        pages.append(page.write())
    data = b"".join(pages)
    if not tags:
        return data
    buffer = io.BytesIO(data)
    parsed = OggOpus(buffer)
    assert parsed.tags is not None
    parsed.tags["ARTIST"] = [SECRET]
    parsed.save(buffer)
    return buffer.getvalue()


# --- video ----------------------------------------------------------------------------------------------------


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def full_box(kind: bytes, version: int, *payload: bytes) -> bytes:
    return box(kind, bytes((version, 0, 0, 0)), *payload)


_WHEN = struct.pack(">II", 3_800_000_000, 3_800_000_001)  # creation and modification, seconds since 1904


def _track(track_id: int, handler: bytes, entry: bytes, sample_offset: int, sample_size: int) -> bytes:
    tkhd = full_box(b"tkhd", 0, _WHEN, struct.pack(">II", track_id, 0), bytes(60))
    mdhd = full_box(b"mdhd", 0, _WHEN, struct.pack(">II", 1000, 1000), bytes(4))
    hdlr = full_box(b"hdlr", 0, bytes(4), handler, bytes(12), b"handler\x00")
    media_header = {b"vide": full_box(b"vmhd", 0, bytes(8)), b"soun": full_box(b"smhd", 0, bytes(4))}.get(
        handler, full_box(b"nmhd", 0)
    )
    dinf = box(b"dinf", full_box(b"dref", 0, struct.pack(">I", 1), full_box(b"url ", 0)))
    stsd = full_box(b"stsd", 0, struct.pack(">I", 1), entry)
    stts = full_box(b"stts", 0, struct.pack(">III", 1, 1, 1000))
    stsc = full_box(b"stsc", 0, struct.pack(">IIII", 1, 1, 1, 1))
    stsz = full_box(b"stsz", 0, struct.pack(">III", 0, 1, sample_size))
    stco = full_box(b"stco", 0, struct.pack(">II", 1, sample_offset))
    stbl = box(b"stbl", stsd, stts, stsc, stsz, stco)
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, box(b"minf", media_header, dinf, stbl)))


def mp4(*, metadata: bool = True, brand: bytes = b"isom", audio_only: bool = False, hidden: bytes = b"") -> bytes:
    """A one-frame MP4 (moov before mdat) with, optionally, a udta carrying ©xyz location and an iTunes title, an
    Apple-style moov/meta with a location key, an XMP uuid box, and a timed-metadata track of GPS samples."""
    video_sample = b"\x00\x00\x00\x02\x09\xf0" + bytes(26)
    gps_sample = b"GPS 51.4567 -0.1234 " + SECRET.encode()
    avc1 = box(b"avc1", bytes(6), struct.pack(">H", 1), bytes(16), struct.pack(">HH", 16, 16), bytes(50))
    mp4a = box(
        b"mp4a",
        bytes(6),
        struct.pack(">H", 1),
        bytes(8),
        struct.pack(">HHHHI", 1, 16, 0, 0, 44100 << 16),
        box(b"btrt", bytes(12)),
    )
    mett = box(b"mett", bytes(6), struct.pack(">H", 1), b"\x00", b"application/gps\x00")
    ftyp = box(b"ftyp", brand, struct.pack(">I", 0), brand, b"mp41")

    def build(video_offset: int, gps_offset: int) -> bytes:
        mvhd = full_box(b"mvhd", 0, _WHEN, struct.pack(">II", 1000, 1000), bytes(80))
        first = _track(1, b"soun", mp4a, video_offset, len(video_sample)) if audio_only else None
        parts = [mvhd, first or _track(1, b"vide", avc1, video_offset, len(video_sample))]
        if metadata:
            parts.append(_track(2, b"meta", mett, gps_offset, len(gps_sample)))
            ilst = box(b"ilst", box(b"\xa9nam", box(b"data", struct.pack(">II", 1, 0), b"Wing B")))
            meta = full_box(b"meta", 0, full_box(b"hdlr", 0, bytes(4), b"mdir", bytes(12), b"\x00"), ilst)
            parts.append(box(b"udta", box(b"\xa9xyz", struct.pack(">HH", 17, 0), b"+51.4567-000.1234/"), meta))
            keys = full_box(b"keys", 0, struct.pack(">I", 1), box(b"mdta", b"com.apple.quicktime.location.ISO6709"))
            parts.append(box(b"meta", full_box(b"hdlr", 0, bytes(4), b"mdta", bytes(12), b"\x00"), keys))
        moov = box(b"moov", *parts)
        xmp = box(b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac"), _xmp()) if metadata else b""
        head = ftyp + moov + xmp
        mdat_body = video_sample + (gps_sample if metadata else b"") + hidden  # hidden: referenced by no track
        return head + box(b"mdat", mdat_body), len(head) + 8

    _draft, mdat_body = build(0, 0)
    final, again = build(mdat_body, mdat_body + len(video_sample))
    assert again == mdat_body
    return final


def _ebml_id(ident: int) -> bytes:
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big")


def ebml(ident: int, *payload: bytes, unknown_size: bool = False) -> bytes:
    body = b"".join(payload)
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else b"\x01" + len(body).to_bytes(7, "big")
    return _ebml_id(ident) + size + body


def webm(*, metadata: bool = True, doc_type: bytes = b"webm", live: bool = False) -> bytes:
    """A one-block WebM with, optionally, a title, recording date, track name and Tags with a location. ``live``
    writes the segment and cluster with unknown sizes, as a browser's MediaRecorder does."""
    header = ebml(0x1A45DFA3, ebml(0x4286, b"\x01"), ebml(0x4282, doc_type), ebml(0x4287, b"\x04"))
    info = [ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")), ebml(0x4D80, b"tests"), ebml(0x5741, b"tests")]
    if metadata:
        info += [ebml(0x7BA9, b"Recording by " + SECRET.encode()), ebml(0x4461, (123456789).to_bytes(8, "big"))]
    video = ebml(0xE0, ebml(0xB0, b"\x10"), ebml(0xBA, b"\x10"))
    entry = [ebml(0xD7, b"\x01"), ebml(0x73C5, b"\x01"), ebml(0x83, b"\x01"), ebml(0x86, b"V_VP8"), video]
    if metadata:
        entry.append(ebml(0x536E, b"Camera of " + SECRET.encode()))
    tracks = ebml(0x1654AE6B, ebml(0xAE, *entry))
    block = ebml(0xA3, b"\x81\x00\x00\x80" + bytes(20))
    cluster = ebml(0x1F43B675, ebml(0xE7, b"\x00"), block, unknown_size=live)
    parts = [ebml(0x1549A966, *info), tracks]
    if metadata:
        simple = ebml(0x67C8, ebml(0x45A3, b"RECORDING_LOCATION"), ebml(0x4487, b"+51.4567-000.1234/"))
        parts.append(ebml(0x1254C367, ebml(0x7373, simple)))
    parts.append(cluster)
    return header + ebml(0x18538067, *parts, unknown_size=live)


# --- refused types --------------------------------------------------------------------------------------------


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("photo.jpg", jpeg())
    return out.getvalue()


def exe() -> bytes:
    return b"MZ\x90\x00" + bytes(56) + b"PE\x00\x00" + bytes(200)


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
