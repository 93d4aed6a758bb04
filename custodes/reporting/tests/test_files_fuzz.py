"""Hostile input: whatever bytes arrive, inspect_upload either refuses them with FileRefused or returns a clean copy
that is itself acceptable. Any other exception would be a crash in front of a reporter (or a parser bug to fix)."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.reporting.files import FileRefused, InspectedFile, inspect_upload
from custodes.reporting.tests import filesamples as samples

MAX = 1024 * 1024
SIGNATURES = [
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"RIFF\x00\x10\x00\x00WAVEfmt ",
    b"%PDF-1.7\n",
    b"OggS\x00\x02",
    b"fLaC\x00\x00\x00\x22",
    b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41",
    b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
    b"ID3\x04\x00\x00\x00\x00\x00\x00",
    b"\xff\xfb\x90\x00",
    b"\xff\xf1\x50\x80",
]


@cache
def valid_samples() -> tuple[bytes, ...]:
    return (
        samples.jpeg(),
        samples.png_with_text(),
        samples.gif(3),
        samples.webp(2),
        samples.pdf(pages=1),
        samples.mp3(frames=8),
        samples.wav(),
        samples.flac(),
        samples.ogg_opus(),
        samples.mp4(),
        samples.webm(live=True),
    )


def _check(content: bytes) -> None:
    try:
        inspected = inspect_upload(samples.upload("fuzz.bin", content), max_bytes=MAX)
    except FileRefused as refused:
        messages = (refused.message_en, refused.message_cy)
    else:
        messages = ()
    if messages:
        assert all("fuzz.bin" in message for message in messages)
        return
    assert isinstance(inspected, InspectedFile)
    assert inspected.clean
    assert inspected.original == content
    again = inspect_upload(samples.upload("clean", inspected.clean), max_bytes=MAX)
    assert (again.kind, again.content_type) == (inspected.kind, inspected.content_type)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_or_cleaned(content: bytes) -> None:
    _check(content)


@FUZZ
@given(st.sampled_from(SIGNATURES), st.binary(max_size=4096))
def test_random_bytes_behind_a_real_signature_are_refused_or_cleaned(signature: bytes, tail: bytes) -> None:
    _check(signature + tail)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(valid_samples())))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "duplicate"]))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif action == "set" and data:
            data[at] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80]))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif action == "truncate":
            del data[at:]
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=64))]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_valid_files_are_refused_or_cleaned(content: bytes) -> None:
    _check(content)


def test_every_valid_sample_is_accepted_and_its_clean_copy_is_accepted_again() -> None:
    for content in valid_samples():
        _check(content)
        inspect_upload(samples.upload("sample", content), max_bytes=MAX)
