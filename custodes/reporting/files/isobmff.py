"""MP4, MOV, 3GP and M4A (ISO base media files): validate the box structure and blank what is not picture or sound.

Nothing is moved: a box that goes is renamed "free" and its contents zeroed, in place. Every player skips "free"
boxes, and because no byte moves, the chunk offsets (stco/co64) that point into the media data stay right. That
is what makes removal safe where deleting boxes would not be.

Kept, by an allow-list at every level: the boxes that describe and hold the media. Blanked: user data (udta: the
©xyz location, ©mak/©mod camera, ©day date, iTunes-style tags), meta boxes (Apple's location, make, model and
creation date keys), uuid boxes (XMP, maker data), producer reference time and event boxes, leftover bytes in
free/skip boxes, and any box the allow-list does not name. The creation and modification times in the movie,
track and media headers are set to zero. Tracks other than picture and sound (timed metadata such as GoPro GPS,
timecode, text) are blanked together with their samples in the media data, and so is every byte of the media data
that no kept track points at (nothing can hide between samples).

Not examined: the coded picture and sound themselves (e.g. text burnt into a picture, or an encoder's notes
inside the video stream). A fragmented file with a track other than picture or sound is refused, because its
samples cannot be found without parsing every fragment.
"""

from __future__ import annotations

import io

import mutagen
from mutagen.mp4 import MP4 as MutagenMP4

from custodes.reporting.files import labels
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.detect import M4A, MP4, Format
from custodes.reporting.files.errors import Reject
from custodes.reporting.files.isobox import Box, Damaged, boxes, child, sample_ranges

_MEDIA_HANDLERS = {b"vide", b"soun"}
_PADDING = {b"free", b"skip"}
_TOP = {b"ftyp", b"moov", b"mdat", b"wide", b"moof", b"mfra", b"sidx", b"styp", b"ssix", b"pdin"} | _PADDING
_CHILDREN: dict[bytes, set[bytes]] = {
    b"moov": {b"mvhd", b"trak", b"mvex", b"iods"},
    b"trak": {b"tkhd", b"mdia", b"edts", b"tref", b"tapt"},
    b"mdia": {b"mdhd", b"hdlr", b"minf", b"elng"},
    b"minf": {b"vmhd", b"smhd", b"hmhd", b"nmhd", b"sthd", b"dinf", b"stbl", b"hdlr"},
    b"stbl": {b"stsd", b"stts", b"ctts", b"cslg", b"stss", b"stps", b"stsc", b"stsz", b"stz2", b"stco", b"co64"}
    | {b"sdtp", b"sbgp", b"sgpd", b"subs", b"saiz", b"saio"},
    b"moof": {b"mfhd", b"traf"},
    b"traf": {b"tfhd", b"tfdt", b"trun", b"sbgp", b"sgpd", b"subs", b"saiz", b"saio"},
    b"mvex": {b"mehd", b"trex", b"leva"},
    b"edts": {b"elst"},
    b"dinf": {b"dref"},
    b"mfra": {b"tfra", b"mfro"},
}
_TIMED_HEADERS = {b"mvhd", b"tkhd", b"mdhd"}
_PROTECTED_ENTRIES = {b"encv", b"enca", b"enct", b"encs", b"drms", b"drmi"}
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_PATTERNS = [  # what the bytes of a removed udta or meta box mention → what it held
    ((b"\xa9xyz", b"location", b"ISO6709", b"GPS"), labels.GPS),
    ((b"\xa9mak", b"\xa9mod", b".make", b".model"), labels.CAMERA),
    ((b"\xa9day", b"creationdate", b"\xa9dat"), labels.DATE_TAKEN),
    ((b"\xa9swr", b"\xa9too", b".software"), labels.SOFTWARE),
    ((b"\xa9ART", b"\xa9aut", b"\xa9cpy", b".author", b"\xa9own"), labels.AUTHOR),
    ((b"\xa9nam", b".title"), labels.TITLE),
]


def clean_iso_media(data: bytes, fmt: Format) -> Cleaned:
    _validate_with_mutagen(data)
    buf = bytearray(data)
    try:
        result = _Cleaner(buf, fmt).run()
    except Damaged:
        raise Reject("damaged") from None
    result.clean = bytes(buf)
    after = _validate_with_mutagen(result.clean)
    if after.tags:
        raise Reject("cannot_clean")
    return result


def _validate_with_mutagen(data: bytes) -> MutagenMP4:
    try:
        return MutagenMP4(io.BytesIO(data))
    except mutagen.MutagenError as exc:
        raise Reject("damaged") from exc


class _Cleaner:
    def __init__(self, buf: bytearray, fmt: Format) -> None:
        self.buf = buf
        self.fmt = fmt
        self.result = Cleaned(clean=b"", format=fmt)
        self.media_ranges: list[tuple[int, int]] = []
        self.kept_ranges: list[tuple[int, int]] = []
        self.tags_label = labels.AUDIO_TAGS if fmt.kind == "audio" else labels.TAGS

    def run(self) -> Cleaned:
        top = boxes(self.buf, 0, len(self.buf))
        if not top or top[0].kind != b"ftyp":
            raise Damaged
        movies = [b for b in top if b.kind == b"moov"]
        if len(movies) != 1:
            raise Damaged
        self.media_ranges = [(b.body, b.end) for b in top if b.kind == b"mdat"]
        movie = boxes(self.buf, movies[0].body, movies[0].end)
        # Fragmented: the samples are described by movie fragments (moof), not by the tracks' tables.
        fragmented = any(b.kind == b"moof" for b in top) or any(b.kind == b"mvex" for b in movie)
        if not self.media_ranges and not fragmented:
            raise Damaged
        for box in top:
            if box.kind not in _TOP:
                self._remove(box)
            elif box.kind in _PADDING:
                self._zero_padding(box)
            elif box.kind in _CHILDREN and box.kind != b"moov":
                self._walk(box)
        handlers = self._movie(movie, fragmented)
        if not fragmented:
            self._blank_unreferenced_media()
        if b"vide" in handlers:
            self.result.format = MP4 if self.fmt.kind == "audio" else self.fmt
        elif b"soun" in handlers:
            self.result.format = M4A
        else:
            raise Reject("unsupported_variant", what="mp4_no_media")
        self.result.notes.append(
            "Only the container's details were removed: the picture and sound themselves were not changed or "
            "examined (for example, text or a date shown in the picture is still there)."
        )
        return self.result

    def _movie(self, children: list[Box], fragmented: bool) -> set[bytes]:
        kinds = [c.kind for c in children]
        if b"cmov" in kinds:
            raise Reject("unsupported_variant", what="mp4_compressed_header")
        if b"mvhd" not in kinds or b"trak" not in kinds:
            raise Damaged
        kept: set[bytes] = set()
        for box in children:
            if box.kind == b"trak":
                handler = self._track(box, fragmented)
                if handler is not None:
                    kept.add(handler)
            else:
                self._visit(box, b"moov")
        if len(kept) < len([k for k in kinds if k == b"trak"]):
            # A reference from a kept track to a blanked one (timecode, chapters) would now point nowhere.
            for trak in (c for c in children if c.kind == b"trak" and self.buf[c.start + 4 : c.start + 8] == b"trak"):
                for box in boxes(self.buf, trak.body, trak.end):
                    if box.kind == b"tref":
                        self._remove(box, label=None)
        return kept

    def _track(self, trak: Box, fragmented: bool) -> bytes | None:
        """Clean a track and return its handler type, or blank it and its samples and return None."""
        handler = self._handler(trak)
        # In a fragmented file the samples are described by the fragments (moof), not the track.
        ranges = [] if fragmented else self._inside_media(sample_ranges(self.buf, trak))
        if handler in _MEDIA_HANDLERS:
            self._walk(trak)
            self.kept_ranges += ranges
            return handler
        if fragmented:
            raise Reject("cannot_clean")
        for start, end in ranges:
            self.buf[start:end] = bytes(end - start)
        label = {b"tmcd": labels.TIMECODE, b"text": labels.TEXT_TRACK, b"sbtl": labels.TEXT_TRACK}
        self._remove(trak, label=label.get(handler, labels.METADATA_TRACK))
        return None

    def _inside_media(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Every chunk must lie inside the media data: catches a file cut short, and keeps blanking off the boxes."""
        for start, end in ranges:
            if not any(lo <= start and end <= hi for lo, hi in self.media_ranges):
                raise Damaged
        return ranges

    def _blank_unreferenced_media(self) -> None:
        """Zero the bytes of the media data that no kept track points at: nothing can hide between samples."""
        covered = sorted(self.kept_ranges)
        for lo, hi in self.media_ranges:
            cursor = lo
            for start, end in covered:
                if end <= cursor or start >= hi:
                    continue
                self._zero_gap(cursor, start)
                cursor = max(cursor, end)
            self._zero_gap(cursor, hi)

    def _zero_gap(self, start: int, end: int) -> None:
        if end > start and any(self.buf[start:end]):
            self.buf[start:end] = bytes(end - start)
            self.result.remove(labels.HIDDEN_DATA)

    def _handler(self, trak: Box) -> bytes:
        hdlr = child(self.buf, child(self.buf, trak, b"mdia"), b"hdlr")
        if hdlr.end - hdlr.body < 12:
            raise Damaged
        return bytes(self.buf[hdlr.body + 8 : hdlr.body + 12])

    def _walk(self, container: Box) -> None:
        for box in boxes(self.buf, container.body, container.end):
            self._visit(box, container.kind)

    def _visit(self, box: Box, parent: bytes) -> None:
        if box.kind in _PADDING:
            self._zero_padding(box)
        elif box.kind not in _CHILDREN.get(parent, set()):
            self._remove(box)
        elif box.kind in _TIMED_HEADERS:
            self._zero_times(box)
        elif box.kind == b"stsd":
            self._check_entries(box)
        elif box.kind in _CHILDREN:
            self._walk(box)

    def _zero_times(self, box: Box) -> None:
        version = self.buf[box.body] if box.end > box.body else 0
        span = 16 if version == 1 else 8
        if box.end - box.body < 4 + span:
            raise Damaged
        times = slice(box.body + 4, box.body + 4 + span)
        if any(self.buf[times]):
            self.buf[times] = bytes(span)
            self.result.remove(labels.RECORDING_TIME)

    def _check_entries(self, stsd: Box) -> None:
        if stsd.end - stsd.body < 16:
            raise Damaged
        if bytes(self.buf[stsd.body + 12 : stsd.body + 16]) in _PROTECTED_ENTRIES:
            raise Reject("unsupported_variant", what="mp4_protected")

    def _zero_padding(self, box: Box) -> None:
        if any(self.buf[box.body : box.end]):
            self.buf[box.body : box.end] = bytes(box.end - box.body)
            self.result.remove(labels.HIDDEN_DATA)

    def _remove(self, box: Box, label: str | None = "") -> None:
        """Turn ``box`` into a "free" box of the same size with zeroed contents, recording what it held."""
        payload = bytes(self.buf[box.body : box.end])
        if label == "":
            label = self._label(box, payload)
        if label is not None and (any(payload) or box.kind in {b"udta", b"meta"}):
            self.result.remove(label)
        largesize = int.from_bytes(self.buf[box.start : box.start + 4], "big") == 1
        self.buf[box.start + 4 : box.start + 8] = b"free"
        first = box.start + (16 if largesize else 8)
        self.buf[first : box.end] = bytes(box.end - first)

    def _label(self, box: Box, payload: bytes) -> str:
        if box.kind == b"uuid":
            usertype = bytes(self.buf[box.start + box.header - 16 : box.start + box.header])
            return labels.XMP if usertype == _XMP_UUID else labels.HIDDEN_DATA
        if box.kind in {b"udta", b"meta"}:
            found = [label for needles, label in _PATTERNS if any(n in payload for n in needles)]
            for label in found[1:]:
                self.result.remove(label)
            return found[0] if found else self.tags_label
        return labels.HIDDEN_DATA
