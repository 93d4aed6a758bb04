"""MPEG audio (MP3) and ADTS (raw AAC) frames: headers, and rebuilding a file from its frames alone.

Rebuilding from frames is the cleaning: a file made only of the frames that carry sound has nowhere left for an
ID3 or APE tag, a Lyrics3 block or anything appended, whatever tag format or position was used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from custodes.reporting.files.errors import Reject

_MPEG1_BITRATES = {
    3: (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),  # layer I
    2: (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),  # layer II
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # layer III
}
_MPEG2_BITRATES = {
    3: (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    1: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}

# Junk between frames is dropped; this much of it (a share of the file) means the file is not really MPEG audio.
_MAX_JUNK_SHARE = 0.2


@dataclass(frozen=True)
class FrameHeader:
    stream: tuple[int, ...]  # what must stay the same from frame to frame (version, layer, sample rate ...)
    length: int


_HeaderReader = Callable[[bytes, int], "FrameHeader | None"]


def id3v2_size(data: bytes) -> int:
    """Bytes taken by an ID3v2 tag at the start of ``data`` (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3" or any(b & 0x80 for b in data[6:10]):
        return 0
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def strip_trailing_tags(data: bytes) -> tuple[bytes, bool]:
    """``data`` without the tags that live at the end of MP3 and AAC files (ID3v1, APEv2, Lyrics3v2), in any
    order and number, and whether there were any. Taken off before the frames are walked, so that bytes inside
    a tag can never be mistaken for sound."""
    stripped = False
    while True:
        if len(data) >= 128 and data[-128:-125] == b"TAG":
            data, stripped = data[:-128], True
        elif len(data) >= 32 and data[-32:-24] == b"APETAGEX":
            size = int.from_bytes(data[-20:-16], "little")  # items and footer
            has_header = bool(int.from_bytes(data[-12:-8], "little") & 0x8000_0000)
            total = size + (32 if has_header else 0)
            if total < 32 or total > len(data):
                return data, stripped
            data, stripped = data[:-total], True
        elif len(data) >= 15 and data[-9:] == b"LYRICS200" and data[-15:-9].isdigit():
            total = int(data[-15:-9]) + 15
            if total > len(data) or not data[-total:].startswith(b"LYRICSBEGIN"):
                return data, stripped
            data, stripped = data[:-total], True
        else:
            return data, stripped


def mpeg_header(data: bytes, pos: int) -> FrameHeader | None:
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2 = data[pos + 1], data[pos + 2]
    version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values; bitrate index 0 is "free format", which has no computable frame length
    bitrate = (_MPEG1_BITRATES if version == 3 else _MPEG2_BITRATES)[layer][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    if layer == 3:
        length = (12 * bitrate // rate + padding) * 4
    elif layer == 1 and version != 3:
        length = 72 * bitrate // rate + padding
    else:
        length = 144 * bitrate // rate + padding
    return FrameHeader(stream=(version, layer, rate_index), length=length)


def is_free_format(data: bytes, pos: int) -> bool:
    return pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] & 0xE0 == 0xE0 and data[pos + 2] >> 4 == 0


def adts_header(data: bytes, pos: int) -> FrameHeader | None:
    if pos + 7 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xF6 != 0xF0:
        return None  # 12-bit sync, then layer must be 0
    rate_index = (data[pos + 2] >> 2) & 0xF
    if rate_index > 12:
        return None
    length = ((data[pos + 3] & 3) << 11) | (data[pos + 4] << 3) | (data[pos + 5] >> 5)
    header = 7 if data[pos + 1] & 1 else 9
    if length <= header:
        return None
    channels = ((data[pos + 2] & 1) << 2) | (data[pos + 3] >> 6)
    return FrameHeader(stream=(data[pos + 1] & 0x08, data[pos + 2] >> 6, rate_index, channels), length=length)


def rebuild_from_frames(data: bytes, *, adts: bool) -> tuple[bytes, int]:
    """The frames of ``data`` joined, and how many bytes that were not frames were dropped.

    A frame is accepted where its header is valid, matches the first frame's stream, and (after any gap) is
    followed by further valid frames, so that a tag's bytes that happen to look like a header are not taken
    for sound. A last frame cut short is dropped. Refuses a file with no frames or mostly junk.
    """
    header_at: _HeaderReader = adts_header if adts else mpeg_header
    start = id3v2_size(data)
    data, _ = strip_trailing_tags(data)
    frames: list[bytes] = []
    stream: tuple[int, ...] | None = None
    pos, dropped, synced = start, start, False
    while pos < len(data):
        header = header_at(data, pos)
        ok = header is not None and (stream is None or header.stream == stream)
        if ok and header is not None and not synced:
            ok = _chain(data, pos, header, header_at)
        if ok and header is not None and pos + header.length <= len(data):
            stream = header.stream
            frames.append(data[pos : pos + header.length])
            pos += header.length
            synced = True
            continue
        if ok and header is not None:  # the last frame, cut short
            dropped += len(data) - pos
            break
        synced = False
        next_sync = data.find(b"\xff", pos + 1)
        next_sync = len(data) if next_sync < 0 else next_sync
        dropped += next_sync - pos
        pos = next_sync
    if not frames:
        raise Reject("damaged")
    if dropped > len(data) * _MAX_JUNK_SHARE and dropped > 4096:
        raise Reject("damaged")
    return b"".join(frames), dropped


def _chain(data: bytes, pos: int, header: FrameHeader, header_at: _HeaderReader) -> bool:
    """After a gap, a candidate frame counts only if the next two frames follow it (or the file ends)."""
    for _ in range(2):
        pos += header.length
        if len(data) - pos < 4:  # the end of the file (trailing tags were taken off before)
            return True
        following = header_at(data, pos)
        if following is None or following.stream != header.stream:
            return False
        header = following
    return True
