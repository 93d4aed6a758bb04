"""WebM (Matroska with the "webm" DocType): validate the element structure and void what is not picture or sound.

As with MP4, nothing moves: an element that goes is overwritten, in place, by a Void element of exactly the same
length, which every player skips; positions in the seek head and cues stay right. A CRC-32 element guarding a
changed parent is recomputed.

Voided: Tags (with any location, date or names), Attachments (embedded files), Chapters, the segment title and
recording date (DateUTC), file names and family ids, track names, leftover bytes in Void elements, and any
segment-level element this module does not know. Kept: the EBML header, seek head, segment information needed
to play (timestamp scale, duration, muxing and writing application names), tracks, clusters and cues. Browser
recordings (MediaRecorder) write a segment and clusters of unknown size; those are followed element by element.

Not examined: the coded picture and sound themselves.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from custodes.reporting.files import labels
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.detect import WEBM, WEBM_AUDIO
from custodes.reporting.files.errors import Reject

EBML, DOC_TYPE, SEGMENT, VOID, CRC32 = 0x1A45DFA3, 0x4282, 0x18538067, 0xEC, 0xBF
SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES = 0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1F43B675, 0x1C53BB6B
TAGS, ATTACHMENTS, CHAPTERS = 0x1254C367, 0x1941A469, 0x1043A770
TRACK_ENTRY, TRACK_TYPE, TRACK_NAME = 0xAE, 0x83, 0x536E

_SEGMENT_CHILDREN = {SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, TAGS, ATTACHMENTS, CHAPTERS, VOID, CRC32}
_CLUSTER_CHILDREN = {0xE7, 0xA3, 0xA0, 0xA7, 0xAB, 0x5854, 0xAF, VOID, CRC32}
# Segment information kept: timestamp scale, duration, muxing app, writing app.
_INFO_KEPT = {0x2AD7B1, 0x4489, 0x4D80, 0x5741, VOID, CRC32}
_INFO_LABELS = {0x7BA9: labels.TITLE, 0x4461: labels.RECORDING_TIME, 0x7384: labels.HIDDEN_DATA}
_VOIDED = {TAGS: labels.TAGS, ATTACHMENTS: labels.EMBEDDED_FILES, CHAPTERS: labels.TEXT_TRACK}
_TAG_PATTERNS = [
    ((b"LOCATION", b"GPS", b"RECORDING_LOCATION"), labels.GPS),
    ((b"DATE",), labels.DATE_TAKEN),
    ((b"ARTIST", b"AUTHOR", b"COMPOSER", b"DIRECTOR", b"COPYRIGHT"), labels.AUTHOR),
    ((b"ENCODER", b"ENCODED_BY"), labels.SOFTWARE),
]


class _Damaged(Exception):
    pass


@dataclass(frozen=True)
class Element:
    id: int
    start: int
    data: int
    end: int
    unknown_size: bool


def _vint(buf: bytes | bytearray, pos: int, *, is_id: bool) -> tuple[int, int, bool]:
    """(value, length, all-ones) of the variable-length integer at ``pos``."""
    if pos >= len(buf) or buf[pos] == 0:
        raise _Damaged
    length = 9 - buf[pos].bit_length()
    if (is_id and length > 4) or pos + length > len(buf):
        raise _Damaged
    raw = int.from_bytes(buf[pos : pos + length], "big")
    if is_id:
        return raw, length, False
    mask = (1 << (7 * length)) - 1
    return raw & mask, length, raw & mask == mask


def read_element(buf: bytes | bytearray, pos: int, limit: int) -> Element:
    ident, id_length, _ = _vint(buf, pos, is_id=True)
    size, size_length, unknown = _vint(buf, pos + id_length, is_id=False)
    data = pos + id_length + size_length
    end = limit if unknown else data + size
    if end > limit:
        raise _Damaged
    return Element(ident, pos, data, end, unknown)


def children(buf: bytes | bytearray, parent: Element) -> list[Element]:
    out, pos = [], parent.data
    while pos < parent.end:
        child = read_element(buf, pos, parent.end)
        if child.unknown_size:
            raise _Damaged
        out.append(child)
        pos = child.end
    return out


def doc_type(data: bytes) -> bytes | None:
    """The DocType in the EBML header ("webm", "matroska"), or None when the header does not parse."""
    try:
        header = read_element(data, 0, len(data))
        if header.id != EBML or header.unknown_size:
            return None
        for child in children(data, header):
            if child.id == DOC_TYPE:
                return bytes(data[child.data : child.end]).rstrip(b"\x00")
    except _Damaged:
        return None
    return b""


def clean_webm(data: bytes) -> Cleaned:
    buf = bytearray(data)
    try:
        result = _Cleaner(buf).run()
    except _Damaged:
        raise Reject("damaged") from None
    result.clean = bytes(buf)
    return result


class _Cleaner:
    def __init__(self, buf: bytearray) -> None:
        self.buf = buf
        self.result = Cleaned(clean=b"", format=WEBM)
        self.guarded: list[Element] = []  # masters whose CRC-32 must be recomputed, innermost first

    def run(self) -> Cleaned:
        header = read_element(self.buf, 0, len(self.buf))
        if header.id != EBML or doc_type(bytes(self.buf[: header.end])) != b"webm":
            raise _Damaged
        segment = read_element(self.buf, header.end, len(self.buf))
        if segment.id != SEGMENT or segment.end != len(self.buf):
            raise _Damaged  # one segment, and nothing after it
        seen: set[int] = set()
        track_types: set[int] = set()
        pos = segment.data
        while pos < segment.end:
            element = read_element(self.buf, pos, segment.end)
            if element.id == CLUSTER and element.unknown_size:
                element = self._open_cluster(element, segment.end)
            elif element.unknown_size:
                raise _Damaged
            seen.add(element.id)
            self._segment_child(element, track_types)
            pos = element.end
        if not {INFO, TRACKS, CLUSTER} <= seen or not track_types & {1, 2}:
            raise _Damaged
        self.guarded.append(segment)
        for master in self.guarded:
            self._fix_crc(master)
        if 1 not in track_types:
            self.result.format = WEBM_AUDIO
        self.result.notes.append(
            "Only the container's details were removed: the picture and sound themselves were not changed or "
            "examined (for example, text or a date shown in the picture is still there)."
        )
        return self.result

    def _open_cluster(self, cluster: Element, limit: int) -> Element:
        """A cluster of unknown size ends where an element that cannot be inside a cluster begins."""
        pos = cluster.data
        while pos < limit:
            ident, _, _ = _vint(self.buf, pos, is_id=True)
            if ident in _SEGMENT_CHILDREN - _CLUSTER_CHILDREN:
                break
            if ident not in _CLUSTER_CHILDREN:
                raise _Damaged
            child = read_element(self.buf, pos, limit)
            if child.unknown_size:
                raise _Damaged
            pos = child.end
        return Element(cluster.id, cluster.start, cluster.data, pos, True)

    def _segment_child(self, element: Element, track_types: set[int]) -> None:
        if element.id == INFO:
            self._clean_master(element, keep=_INFO_KEPT, label_for=_INFO_LABELS)
        elif element.id == TRACKS:
            for entry in children(self.buf, element):
                if entry.id == TRACK_ENTRY:
                    track_types.add(self._track(entry))
                elif entry.id not in {VOID, CRC32}:
                    self._void(entry, labels.HIDDEN_DATA)
            self.guarded.append(element)
        elif element.id == VOID:
            self._void(element, labels.HIDDEN_DATA)
        elif element.id in _VOIDED:
            if element.id == TAGS:  # say what the tags held before they are gone
                payload = bytes(self.buf[element.data : element.end]).upper()
                for needles, label in _TAG_PATTERNS:
                    if any(n in payload for n in needles):
                        self.result.remove(label)
            self._void(element, _VOIDED[element.id])
        elif element.id not in {SEEK_HEAD, CLUSTER, CUES, CRC32}:
            self._void(element, labels.HIDDEN_DATA)

    def _track(self, entry: Element) -> int:
        track_type = 0
        for child in children(self.buf, entry):
            if child.id == TRACK_NAME:
                self._void(child, labels.TRACK_NAMES)
            elif child.id == TRACK_TYPE:
                track_type = int.from_bytes(self.buf[child.data : child.end], "big")
            elif child.id == VOID:
                self._void(child, labels.HIDDEN_DATA)
        self.guarded.append(entry)
        return track_type

    def _clean_master(self, master: Element, *, keep: set[int], label_for: dict[int, str]) -> None:
        for child in children(self.buf, master):
            if child.id == VOID or child.id not in keep:
                self._void(child, label_for.get(child.id, labels.HIDDEN_DATA) if child.id != VOID else None)
        self.guarded.append(master)

    def _void(self, element: Element, label: str | None) -> None:
        """Overwrite ``element`` with a Void element of the same total length and zeroed contents."""
        payload = self.buf[element.data : element.end]
        if label is not None and (element.id != VOID or any(payload)):
            self.result.remove(label)
        total = element.end - element.start
        for length in range(1, 9):
            size = total - 1 - length
            if 0 <= size < (1 << (7 * length)) - 1:
                break
        else:
            raise _Damaged
        size_field = ((1 << (7 * length)) | size).to_bytes(length, "big")
        self.buf[element.start : element.end] = bytes((VOID,)) + size_field + bytes(size)

    def _fix_crc(self, master: Element) -> None:
        """Matroska's CRC-32 element, when first in a master, covers the rest of that master's data."""
        if master.data >= master.end:
            return
        first = read_element(self.buf, master.data, master.end)
        if first.id == CRC32 and first.end - first.data == 4:
            crc = zlib.crc32(self.buf[first.end : master.end])
            self.buf[first.data : first.end] = crc.to_bytes(4, "little")
