"""Take the metadata segments out of a JPEG without re-encoding it: used for photos embedded inside PDFs.

A PDF page draws an embedded JPEG from its compressed bytes, so the bytes can be trimmed but the picture cannot
be swapped for a re-encoded one without rewriting the page's image dictionary. What a viewer needs is kept
(frame and scan headers, tables, restart intervals, the entropy-coded data, JFIF and Adobe colour markers); every
other application segment (EXIF with GPS, XMP, ICC, IPTC, maker data), comments and anything after the end of
image go.
"""

from __future__ import annotations

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and restart markers carry no length


def strip_jpeg_metadata(data: bytes) -> tuple[bytes, bool]:
    """The JPEG without metadata, and whether anything was removed. Returns ``data`` unchanged if it does not
    parse as a JPEG (a PDF viewer will then fail on it exactly as it would have before)."""
    if not data.startswith(b"\xff\xd8"):
        return data, False
    out = bytearray(b"\xff\xd8")
    pos, removed = 2, False
    while pos < len(data):
        if data[pos] != 0xFF:
            return data, False
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            return data, False
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            out += b"\xff\xd9"
            return bytes(out), removed or pos < len(data)
        if marker in _STANDALONE:
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > len(data):
            return data, False
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > len(data):
            return data, False
        segment = data[pos + 2 : pos + length]
        if _keep(marker, segment):
            out += bytes((0xFF, marker)) + data[pos : pos + length]
        else:
            removed = True
        pos += length
        if marker == _SOS:
            end = _scan_end(data, pos)
            out += data[pos:end]
            pos = end
    return data, False  # no end-of-image marker: leave it as it was


def _keep(marker: int, segment: bytes) -> bool:
    if 0xE0 <= marker <= 0xEF:  # APP0..APP15
        if marker == 0xE0:
            return segment.startswith(b"JFIF\x00")  # not JFXX, which holds a thumbnail
        return marker == 0xEE and segment.startswith(b"Adobe")  # colour transform, needed to decode
    return marker != 0xFE  # COM


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data after a scan header ends: the next marker that is not a restart or stuffing."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos
