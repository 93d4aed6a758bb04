"""Decide what a file is from its content alone: magic bytes first, then (elsewhere) by parsing it fully.

The name and any MIME type the client sent are never consulted. Accepted formats are recognised by their own
signatures here, precisely (``filetype`` is lenient about some, e.g. it calls anything starting "ID3" an MP3);
``filetype`` then names what is refused, so that the message can say "a ZIP archive" rather than "unknown".
A format recognised here is only a candidate: each cleaner parses the whole file and refuses it if it is damaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import filetype

from custodes.reporting.files.errors import Reject
from custodes.reporting.files.mpeg import adts_header, id3v2_size, mpeg_header

Kind = Literal["image", "pdf", "audio", "video"]


@dataclass(frozen=True)
class Format:
    key: str
    kind: Kind
    content_type: str
    extension: str


JPEG = Format("jpeg", "image", "image/jpeg", "jpg")
PNG = Format("png", "image", "image/png", "png")
GIF = Format("gif", "image", "image/gif", "gif")
WEBP = Format("webp", "image", "image/webp", "webp")
PDF = Format("pdf", "pdf", "application/pdf", "pdf")
MP3 = Format("mp3", "audio", "audio/mpeg", "mp3")
AAC = Format("aac", "audio", "audio/aac", "aac")
M4A = Format("m4a", "audio", "audio/mp4", "m4a")
OGG = Format("ogg", "audio", "audio/ogg", "ogg")
OPUS = Format("opus", "audio", "audio/ogg", "opus")
FLAC = Format("flac", "audio", "audio/flac", "flac")
WAV = Format("wav", "audio", "audio/wav", "wav")
MP4 = Format("mp4", "video", "video/mp4", "mp4")
MOV = Format("mov", "video", "video/quicktime", "mov")
GP3 = Format("3gp", "video", "video/3gpp", "3gp")
WEBM = Format("webm", "video", "video/webm", "webm")
WEBM_AUDIO = Format("webm", "audio", "audio/webm", "webm")

# ISO base media ("ftyp") brands. HEIF/AVIF photos share the container with MP4 and must be told apart by brand.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP"}
_MP4_BRANDS |= {b"dash", b"mmp4", b"MSNV", b"f4v ", b"XAVC"}
_3GP_PREFIXES = (b"3gp", b"3g2", b"3ge", b"3gg")

# filetype's extension → our name for the refused type (messages.TYPE_NAMES).
_REFUSED_BY_FILETYPE: dict[str, str] = {
    "zip": "zip",
    "exe": "exe",
    "elf": "program",
    "wasm": "program",
    "crx": "package",
    "deb": "package",
    "rpm": "package",
    "doc": "office",
    "xls": "office",
    "ppt": "office",
    "docx": "word",
    "xlsx": "excel",
    "pptx": "powerpoint",
    "odt": "opendocument",
    "ods": "opendocument",
    "odp": "opendocument",
    "rtf": "rtf",
    "epub": "epub",
    "ps": "postscript",
    "heic": "heic",
    "avif": "avif",
    "tif": "tiff",
    "bmp": "bmp",
    "cr2": "raw",
    "jpx": "jpeg2000",
    "jxr": "raw",
    "psd": "psd",
    "xcf": "psd",
    "ico": "icon",
    "dwg": "program",
    "dcm": "medical",
    "mkv": "mkv",
    "avi": "avi",
    "wmv": "wmv",
    "flv": "flv",
    "mpg": "mpeg",
    "m4v": "mpeg",
    "3gp": "mpeg",
    "amr": "amr",
    "aiff": "aiff",
    "mid": "midi",
    "woff": "font",
    "woff2": "font",
    "ttf": "font",
    "otf": "font",
    "eot": "font",
    "swf": "flash",
    "sqlite": "database",
    "nes": "program",
}


def detect(data: bytes) -> Format:
    """The accepted format ``data`` claims to be, or ``Reject`` naming what it is instead."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.lstrip(b"\x00\t\n\r\x0c ")[:5] == b"%PDF-":
        return PDF
    if head[:4] == b"OggS":
        return OGG
    if head[:4] == b"fLaC":
        return FLAC
    if head[4:8] == b"ftyp":
        return _iso_media(data)
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return _ebml(data)
    if head[:3] == b"ID3":
        # An ID3 tag can stand in front of MP3, AAC or FLAC: look at what follows it.
        inner = data[id3v2_size(data) :][:64]
        if inner[:4] == b"fLaC":
            return FLAC
        if adts_header(inner, 0) is not None:
            return AAC
        if mpeg_header(inner, 0) is not None:
            return MP3
        raise Reject("damaged")
    if adts_header(head, 0) is not None:
        return AAC
    if mpeg_header(head, 0) is not None:
        return MP3
    raise _refusal(data)


def _iso_media(data: bytes) -> Format:
    size = int.from_bytes(data[:4], "big")
    if size < 16 or size > min(len(data), 4096) or size % 4:
        raise Reject("damaged")
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, size, 4)}
    if major in _HEIC_BRANDS or (brands & _HEIC_BRANDS and not brands & _MP4_BRANDS):
        raise Reject("unsupported_type", what="heic")
    if major in _AVIF_BRANDS:
        raise Reject("unsupported_type", what="avif")
    if major == b"M4P ":
        raise Reject("unsupported_type", what="protected_audio")
    if major in _M4A_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    if major.startswith(_3GP_PREFIXES):
        return GP3
    if major in _MP4_BRANDS or brands & _MP4_BRANDS:
        return MP4
    if major.startswith(b"jp2") or major == b"jpx ":
        raise Reject("unsupported_type", what="jpeg2000")
    if major == b"crx ":
        raise Reject("unsupported_type", what="raw")
    raise Reject("unknown_type")


def _ebml(data: bytes) -> Format:
    # The EBML header is small and always first; its DocType says WebM or Matroska. A real parse follows later.
    from custodes.reporting.files.webm import doc_type

    kind = doc_type(data)
    if kind == b"webm":
        return WEBM
    if kind == b"matroska":
        raise Reject("unsupported_type", what="mkv")
    raise Reject("damaged") if kind is None else Reject("unknown_type")


def _refusal(data: bytes) -> Reject:
    guessed = filetype.guess(data[:8192])
    if guessed is not None and guessed.extension in _REFUSED_BY_FILETYPE:
        return Reject("unsupported_type", what=_REFUSED_BY_FILETYPE[guessed.extension])
    if guessed is not None and guessed.mime.startswith("application/x-") and "compress" in guessed.mime:
        return Reject("unsupported_type", what="archive")
    if guessed is not None and guessed.extension in {"rar", "7z", "gz", "bz2", "xz", "tar", "zst", "lz", "lz4"}:
        return Reject("unsupported_type", what="archive")
    if guessed is not None and guessed.extension in {"cab", "Z", "lzo", "br", "ar"}:
        return Reject("unsupported_type", what="archive")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE compound file: old Word, Excel, Outlook, installers
        return Reject("unsupported_type", what="office")
    if data[:2] == b"MZ":
        return Reject("unsupported_type", what="exe")
    if data[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"):
        return Reject("unsupported_type", what="program")
    text = _as_text(data[:8192])
    if text is not None:
        lowered = text.lower()
        if "<svg" in lowered:
            return Reject("unsupported_type", what="svg")
        if "<html" in lowered or "<!doctype html" in lowered or "<script" in lowered or "<body" in lowered:
            return Reject("unsupported_type", what="html")
        if lowered.lstrip().startswith("<?xml"):
            return Reject("unsupported_type", what="xml")
        return Reject("unsupported_type", what="text")
    return Reject("unknown_type")


def _as_text(head: bytes) -> str | None:
    """The start of the file as text, if it reads as text (UTF-8 or UTF-16 with a byte order mark)."""
    encoding = "utf-8"
    for bom, bom_encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head, encoding = head[len(bom) :], bom_encoding
            break
    try:
        # A multi-byte character may be cut at the end of the sample: ignore an incomplete last character only.
        text = head.decode(encoding, errors="strict") if encoding != "utf-8" else _utf8_prefix(head)
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\t\r\n\x0c")
    return text if printable / len(text) > 0.95 else None


def _utf8_prefix(head: bytes) -> str:
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            if cut == 3:
                raise
    raise AssertionError("unreachable")
