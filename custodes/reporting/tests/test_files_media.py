"""Recordings: tags go (ID3, LIST/INFO, Vorbis comments, MP4 udta/meta, WebM Tags); the sound and picture stay."""

from __future__ import annotations

import io
import struct
import wave

import pytest
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from custodes.reporting.files import FileRefused, inspect_upload, labels
from custodes.reporting.tests import filesamples as samples

MAX = 50 * 1024 * 1024


def _inspect(name: str, data: bytes):
    return inspect_upload(samples.upload(name, data), max_bytes=MAX)


def _refusal(name: str, data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        _inspect(name, data)
    return refused.value


# --- WAV ------------------------------------------------------------------------------------------------------


def test_a_wav_is_rebuilt_from_its_samples_without_list_info_or_bext() -> None:
    original = samples.wav()
    assert b"LIST" in original
    assert samples.SECRET.encode() in original
    inspected = _inspect("voice.wav", original)
    assert b"LIST" not in inspected.clean
    assert b"bext" not in inspected.clean
    assert samples.SECRET.encode() not in inspected.clean
    with wave.open(io.BytesIO(original)) as before, wave.open(io.BytesIO(inspected.clean)) as after:
        assert after.getparams() == before.getparams()
        assert after.readframes(after.getnframes()) == before.readframes(before.getnframes())
    assert {labels.AUDIO_TAGS, labels.RECORDING_DETAILS} <= set(inspected.metadata_removed)
    assert (inspected.kind, inspected.content_type) == ("audio", "audio/wav")


def test_a_floating_point_wav_is_refused_as_a_form_we_cannot_check() -> None:
    fmt = struct.pack("<HHIIHH", 3, 1, 8000, 32000, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 8) + bytes(8)
    refusal = _refusal("float.wav", b"RIFF" + struct.pack("<I", len(body)) + body)
    assert refusal.code == "unsupported_variant"
    assert "MP3" in refusal.message_en


def test_a_wav_cut_short_is_refused() -> None:
    original = samples.wav(info=False)
    assert _refusal("cut.wav", original[: len(original) - 100]).code == "damaged"


# --- MP3, FLAC, Ogg -------------------------------------------------------------------------------------------


def test_an_mp3_keeps_its_frames_and_loses_id3v2_id3v1_and_cover_art() -> None:
    original = samples.mp3()
    assert original.startswith(b"ID3")
    assert original[-128:-125] == b"TAG"
    inspected = _inspect("rec.mp3", original)
    assert inspected.clean == samples.MP3_FRAME * 30
    assert MP3(io.BytesIO(inspected.clean)).tags is None
    assert samples.SECRET.encode() not in inspected.clean
    assert inspected.metadata_removed == (labels.AUDIO_TAGS,)
    assert (inspected.content_type, inspected.extension) == ("audio/mpeg", "mp3")


def test_junk_between_mp3_frames_is_dropped() -> None:
    junk = b"TXXX" + samples.SECRET.encode() * 3
    original = samples.MP3_FRAME * 5 + junk + samples.MP3_FRAME * 5
    inspected = _inspect("rec.mp3", original)
    assert inspected.clean == samples.MP3_FRAME * 10


def test_bytes_inside_ape_and_id3v1_tags_are_never_taken_for_sound() -> None:
    # A tag whose text happens to hold an MPEG frame header must not be copied into the clean file as a "frame".
    value = b"\xff\xfb\x10\x00" + samples.SECRET.encode() * 5
    item = struct.pack("<II", len(value), 0) + b"Artist\x00" + value
    ape = item + b"APETAGEX" + struct.pack("<IIII", 2000, len(item) + 32, 1, 0) + bytes(8)
    id3v1 = b"TAG" + b"\xff\xfb\x10\x00" + samples.SECRET.encode().ljust(121, b"\x00")
    inspected = _inspect("rec.mp3", samples.mp3(tags=False, frames=10) + ape + id3v1)
    assert inspected.clean == samples.MP3_FRAME * 10
    assert labels.AUDIO_TAGS in inspected.metadata_removed


def test_a_flac_loses_its_vorbis_comments() -> None:
    original = samples.flac()
    assert FLAC(io.BytesIO(original)).tags is not None
    inspected = _inspect("rec.flac", original)
    assert FLAC(io.BytesIO(inspected.clean)).tags is None
    assert samples.SECRET.encode() not in inspected.clean
    assert b"LOCATION" not in inspected.clean
    assert inspected.clean.endswith(samples.flac(tags=False)[-70:])  # the frames are untouched
    assert labels.AUDIO_TAGS in inspected.metadata_removed


def test_an_ogg_opus_recording_loses_its_comments() -> None:
    original = samples.ogg_opus()
    assert samples.SECRET.encode() in original
    inspected = _inspect("voice.ogg", original)
    cleaned = OggOpus(io.BytesIO(inspected.clean))
    assert cleaned.tags is not None
    assert not list(cleaned.tags.keys())
    assert samples.SECRET.encode() not in inspected.clean
    assert (inspected.content_type, inspected.extension) == ("audio/ogg", "opus")


def test_an_ogg_holding_two_streams_is_refused() -> None:
    second = samples.ogg_opus(tags=False).replace(b"\x34\x12\x00\x00", b"\x35\x12\x00\x00")
    assert _refusal("two.ogg", samples.ogg_opus(tags=False) + second).code == "unsupported_variant"


# --- MP4 / MOV / M4A ------------------------------------------------------------------------------------------


def test_an_mp4_loses_location_tags_xmp_timestamps_and_its_gps_track() -> None:
    original = samples.mp4()
    assert MP4(io.BytesIO(original)).tags is not None
    assert b"\xa9xyz" in original
    assert samples.SECRET.encode() in original
    inspected = _inspect("clip.mp4", original)
    clean = inspected.clean
    assert len(clean) == len(original)  # blanked in place: no offset moved
    assert not MP4(io.BytesIO(clean)).tags
    for leftover in (b"\xa9xyz", b"+51.4567", b"ISO6709", b"udta", samples.SECRET.encode(), b"GPS 51", b"mett"):
        assert leftover not in clean
    assert clean[clean.index(b"mvhd") + 8 : clean.index(b"mvhd") + 16] == bytes(8)  # creation, modification
    video_sample = b"\x00\x00\x00\x02\x09\xf0" + bytes(26)
    assert clean.index(video_sample) == original.index(video_sample)
    assert {labels.GPS, labels.RECORDING_TIME, labels.METADATA_TRACK, labels.XMP} <= set(inspected.metadata_removed)
    assert (inspected.kind, inspected.content_type, inspected.extension) == ("video", "video/mp4", "mp4")
    assert any("not changed or examined" in note for note in inspected.notes)


def test_mov_and_m4a_are_told_apart_by_brand_and_tracks() -> None:
    mov = _inspect("a.mov", samples.mp4(brand=b"qt  "))
    assert (mov.kind, mov.content_type) == ("video", "video/quicktime")
    m4a = _inspect("a.m4a", samples.mp4(brand=b"M4A ", audio_only=True))
    assert (m4a.kind, m4a.content_type, m4a.extension) == ("audio", "audio/mp4", "m4a")
    assert labels.AUDIO_TAGS in m4a.metadata_removed or labels.TITLE in m4a.metadata_removed


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.99])
def test_a_truncated_mp4_is_refused(cut: float) -> None:
    original = samples.mp4()
    assert _refusal("cut.mp4", original[: int(len(original) * cut)]).code == "damaged"


def test_an_mp4_whose_boxes_do_not_add_up_is_refused() -> None:
    original = bytearray(samples.mp4(metadata=False))
    moov = original.index(b"moov") - 4
    original[moov : moov + 4] = (10**6).to_bytes(4, "big")
    assert _refusal("bad.mp4", bytes(original)).code == "damaged"


def test_an_mp4_sample_pointing_outside_the_media_data_is_refused() -> None:
    original = bytearray(samples.mp4(metadata=False))
    stco = original.index(b"stco")
    original[stco + 12 : stco + 16] = (5).to_bytes(4, "big")  # the chunk now "starts" inside the ftyp box
    assert _refusal("bad.mp4", bytes(original)).code == "damaged"


def test_bytes_in_the_media_data_that_no_track_points_at_are_blanked() -> None:
    inspected = _inspect("clip.mp4", samples.mp4(metadata=False, hidden=b"lat=51.4567 " + samples.SECRET.encode()))
    assert samples.SECRET.encode() not in inspected.clean
    assert b"lat=51.4567" not in inspected.clean
    assert labels.HIDDEN_DATA in inspected.metadata_removed


def test_a_metadata_track_pointing_outside_the_media_data_is_refused_not_blanked() -> None:
    original = bytearray(samples.mp4())
    second_stco = original.index(b"stco", original.index(b"stco") + 4)
    original[second_stco + 12 : second_stco + 16] = (40).to_bytes(4, "big")  # "its sample is inside the moov box"
    assert _refusal("bad.mp4", bytes(original)).code == "damaged"


def test_a_heic_photo_is_refused_by_name() -> None:
    heic = samples.box(b"ftyp", b"heic", bytes(4), b"mif1heic") + samples.box(b"meta", bytes(20))
    refusal = _refusal("IMG_0002.jpg", heic)
    assert refusal.code == "unsupported_type"
    assert "HEIC" in refusal.message_en


# --- WebM -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("live", [False, True])
def test_a_webm_loses_title_date_track_names_and_tags(live: bool) -> None:
    original = samples.webm(live=live)
    inspected = _inspect("rec.webm", original)
    assert len(inspected.clean) == len(original)
    for leftover in (samples.SECRET.encode(), b"RECORDING_LOCATION", b"+51.4567"):
        assert leftover in original
        assert leftover not in inspected.clean
    block = b"\x81\x00\x00\x80" + bytes(20)
    assert inspected.clean.index(block) == original.index(block)
    assert {labels.TITLE, labels.RECORDING_TIME, labels.TRACK_NAMES, labels.TAGS, labels.GPS} <= set(
        inspected.metadata_removed
    )
    assert (inspected.kind, inspected.content_type) == ("video", "video/webm")
    again = _inspect("again.webm", inspected.clean)  # the clean copy is itself a valid WebM
    assert labels.TAGS not in again.metadata_removed


def test_a_truncated_webm_and_a_matroska_file_are_refused() -> None:
    original = samples.webm()
    assert _refusal("cut.webm", original[:-10]).code == "damaged"
    mkv = _refusal("film.mkv", samples.webm(doc_type=b"matroska"))
    assert mkv.code == "unsupported_type"
    assert "Matroska" in mkv.message_en
