"""Sound recordings: MP3, raw AAC, FLAC, WAV and Ogg (Vorbis or Opus). M4A goes through isobmff.py like MP4.

Each is checked with mutagen (which parses the stream headers) and rebuilt so that tags have nowhere to be:
MP3 and AAC from their frames alone, FLAC from its stream information, seek table and frames, WAV from its
format and samples (the ``wave`` module), Ogg by emptying the comment packet (mutagen rewrites the pages).
"""

from __future__ import annotations

import io
import wave

import mutagen
from mutagen.aac import AAC as MutagenAAC
from mutagen.flac import FLAC as MutagenFLAC
from mutagen.mp3 import MP3 as MutagenMP3
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE as MutagenWAVE

from custodes.reporting.files import labels
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.detect import AAC, FLAC, MP3, OGG, OPUS, WAV, Format
from custodes.reporting.files.errors import Reject
from custodes.reporting.files.mpeg import (
    id3v2_size,
    is_free_format,
    mpeg_header,
    rebuild_from_frames,
    strip_trailing_tags,
)


def clean_audio(data: bytes, fmt: Format) -> Cleaned:
    if fmt.key in {"mp3", "aac"}:
        return _clean_frames(data, fmt)
    if fmt.key == "flac":
        return _clean_flac(data)
    if fmt.key == "wav":
        return _clean_wav(data)
    if fmt.key == "ogg":
        return _clean_ogg(data)
    raise AssertionError(fmt.key)


def _parse(kind: type[mutagen.FileType], data: bytes) -> mutagen.FileType:
    try:
        return kind(io.BytesIO(data))
    except mutagen.MutagenError as exc:
        raise Reject("damaged") from exc


def _clean_frames(data: bytes, fmt: Format) -> Cleaned:
    adts = fmt.key == "aac"
    start = id3v2_size(data)
    if not adts and mpeg_header(data, start) is None and is_free_format(data, start):
        raise Reject("unsupported_variant", what="mp3_free_format")
    _parse(MutagenAAC if adts else MutagenMP3, data)
    clean, _dropped = rebuild_from_frames(data, adts=adts)
    result = Cleaned(clean=clean, format=AAC if adts else MP3)
    if start or strip_trailing_tags(data)[1]:
        result.remove(labels.AUDIO_TAGS)
    _parse(MutagenAAC if adts else MutagenMP3, clean)
    if id3v2_size(clean):
        raise Reject("cannot_clean")
    return result


_FLAC_KEPT = {0, 3}  # STREAMINFO, SEEKTABLE (its offsets count from the first frame, so they stay right)
# What the other blocks held; padding (1) is nothing. APPLICATION (2) and CUESHEET (5) can hold anything.
_FLAC_LABELS = {1: None, 2: labels.HIDDEN_DATA, 4: labels.AUDIO_TAGS, 5: labels.HIDDEN_DATA, 6: labels.COVER_ART}


def _clean_flac(data: bytes) -> Cleaned:
    _parse(MutagenFLAC, data)
    start = id3v2_size(data)
    result = Cleaned(clean=b"", format=FLAC)
    if start:
        result.remove(labels.AUDIO_TAGS)
    if data[start : start + 4] != b"fLaC":
        raise Reject("damaged")
    pos, last = start + 4, False
    kept: list[tuple[int, bytes]] = []
    while not last:
        if pos + 4 > len(data):
            raise Reject("damaged")
        last, block_type = bool(data[pos] & 0x80), data[pos] & 0x7F
        length = int.from_bytes(data[pos + 1 : pos + 4], "big")
        if block_type == 127 or pos + 4 + length > len(data) or (not kept and block_type != 0):
            raise Reject("damaged")  # 127 is invalid; STREAMINFO must come first
        if block_type in _FLAC_KEPT:
            kept.append((block_type, data[pos + 4 : pos + 4 + length]))
        elif label := _FLAC_LABELS.get(block_type, labels.HIDDEN_DATA):
            result.remove(label)
        pos += 4 + length
    frames = data[pos:]
    if frames[-128:-125] == b"TAG":
        frames = frames[:-128]
        result.remove(labels.AUDIO_TAGS)
    if len(frames) < 2 or frames[0] != 0xFF or frames[1] & 0xFE != 0xF8:
        raise Reject("damaged")  # no audio frames, or something other than a frame where they should start
    out = bytearray(b"fLaC")
    for index, (block_type, body) in enumerate(kept):
        flag = 0x80 if index == len(kept) - 1 else 0
        out += bytes((flag | block_type,)) + len(body).to_bytes(3, "big") + body
    result.clean = bytes(out) + frames
    cleaned = _parse(MutagenFLAC, result.clean)
    if cleaned.tags or getattr(cleaned, "pictures", None):
        raise Reject("cannot_clean")
    return result


_WAV_KEPT_CHUNKS = {b"fmt ", b"data", b"fact", b"JUNK", b"PAD ", b"pad "}
_WAV_LABELS = {b"LIST": labels.AUDIO_TAGS, b"ID3 ": labels.AUDIO_TAGS, b"id3 ": labels.AUDIO_TAGS}
_WAV_LABELS |= {b"bext": labels.RECORDING_DETAILS, b"iXML": labels.RECORDING_DETAILS, b"_PMX": labels.XMP}


def _clean_wav(data: bytes) -> Cleaned:
    _parse(MutagenWAVE, data)
    result = Cleaned(clean=b"", format=WAV)
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk not in _WAV_KEPT_CHUNKS:
            result.remove(_WAV_LABELS.get(chunk, labels.HIDDEN_DATA))
        pos += 8 + size + (size & 1)
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            params = source.getparams()
            frames = source.readframes(params.nframes)
    except wave.Error as exc:
        # Python's wave module reads plain PCM only; compressed or floating-point WAV is reported as "unknown format".
        if "unknown format" in str(exc):
            raise Reject("unsupported_variant", what="wav_codec") from exc
        raise Reject("damaged") from exc
    except (EOFError, ValueError, RuntimeError) as exc:  # RuntimeError: a chunk that claims more than there is
        raise Reject("damaged") from exc
    if not (1 <= params.sampwidth <= 4 and params.nchannels >= 1 and params.framerate >= 1 and params.nframes):
        raise Reject("damaged")
    if len(frames) != params.nframes * params.sampwidth * params.nchannels:
        raise Reject("damaged")  # a data chunk cut short
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setparams(params)
        target.writeframes(frames)
    result.clean = out.getvalue()
    return result


def _clean_ogg(data: bytes) -> Cleaned:
    first_packet = _check_ogg_pages(data)
    if first_packet.startswith(b"\x01vorbis"):
        kind: type[mutagen.FileType] = OggVorbis
        fmt = OGG
    elif first_packet.startswith(b"OpusHead"):
        kind, fmt = OggOpus, OPUS
    else:
        raise Reject("unsupported_variant", what="ogg_codec")  # FLAC or Speex in Ogg, or Theora video
    parsed = _parse(kind, data)
    result = Cleaned(clean=b"", format=fmt)
    tags = parsed.tags
    keys: set[str] = {k.lower() for k in tags.keys()} if tags is not None else set()  # noqa: SIM118
    if keys - {"metadata_block_picture"}:
        result.remove(labels.AUDIO_TAGS)
    if "metadata_block_picture" in keys:
        result.remove(labels.COVER_ART)
    buffer = io.BytesIO(data)
    try:
        parsed.delete(buffer)
    except mutagen.MutagenError as exc:
        raise Reject("damaged") from exc
    result.clean = buffer.getvalue()
    cleaned = _parse(kind, result.clean)
    if cleaned.tags is not None and len(cleaned.tags.keys()):
        raise Reject("cannot_clean")
    _check_ogg_pages(result.clean)
    return result


def _check_ogg_pages(data: bytes) -> bytes:
    """Walk every page: all complete, one logical stream only (mutagen cleans only the first). Returns the
    start of the first packet, which names the codec."""
    pos, serial, first = 0, None, b""
    while pos < len(data):
        header = data[pos : pos + 27]
        if len(header) < 27 or header[:4] != b"OggS" or header[4] != 0:
            raise Reject("damaged")
        segments = header[26]
        table = data[pos + 27 : pos + 27 + segments]
        if len(table) < segments:
            raise Reject("damaged")
        body = pos + 27 + segments
        end = body + sum(table)
        if end > len(data):
            raise Reject("damaged")
        page_serial = int.from_bytes(header[14:18], "little")
        if serial is None:
            if not header[5] & 0x02:  # the first page must begin the stream
                raise Reject("damaged")
            serial, first = page_serial, data[body:end]
        elif page_serial != serial:
            raise Reject("unsupported_variant", what="ogg_streams")
        pos = end
    if serial is None:
        raise Reject("damaged")
    return first
