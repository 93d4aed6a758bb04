"""Sealed storage: ciphertext on disk under random paths; it opens only with its key and context, unaltered."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodes.core import crypto
from custodes.reporting.files import IntegrityFailure, discard, seal, unseal

CONTEXT = "report:R-2026-000123:attachment:1:original"
PLAINTEXT = b"%PDF-1.7 what I saw on B wing, written down by the reporter " * 20


@pytest.fixture
def store(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def test_round_trip_and_nothing_readable_on_disk(store: Path) -> None:
    key = crypto.new_data_key()
    path = seal(PLAINTEXT, data_key=key, context=CONTEXT)
    assert re.fullmatch(r"reports/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}\.bin", path)
    on_disk = (store / path).read_bytes()
    assert PLAINTEXT[:32] not in on_disk
    assert b"B wing" not in on_disk
    assert unseal(path, data_key=key, context=CONTEXT, expected_sha256=hashlib.sha256(PLAINTEXT).hexdigest()) == (
        PLAINTEXT
    )
    assert seal(PLAINTEXT, data_key=key, context=CONTEXT) != path  # a new random path every time


def test_the_wrong_context_or_key_does_not_open_it(store: Path) -> None:
    key = crypto.new_data_key()
    path = seal(PLAINTEXT, data_key=key, context=CONTEXT)
    for kwargs in ({"data_key": key, "context": CONTEXT.replace("1:original", "2:original")},
                   {"data_key": crypto.new_data_key(), "context": CONTEXT}):  # fmt: skip
        with pytest.raises(IntegrityFailure) as failed:
            unseal(path, **kwargs)
        assert failed.value.reason == "does_not_verify"


def test_a_tampered_file_does_not_open(store: Path) -> None:
    key = crypto.new_data_key()
    path = seal(PLAINTEXT, data_key=key, context=CONTEXT)
    stored = bytearray((store / path).read_bytes())
    stored[len(stored) // 2] ^= 0x01
    (store / path).write_bytes(bytes(stored))
    with pytest.raises(IntegrityFailure) as failed:
        unseal(path, data_key=key, context=CONTEXT)
    assert failed.value.reason == "does_not_verify"


def test_a_file_that_is_not_the_one_recorded_fails_the_hash_check(store: Path) -> None:
    key = crypto.new_data_key()
    path = seal(PLAINTEXT, data_key=key, context=CONTEXT)
    with pytest.raises(IntegrityFailure) as failed:
        unseal(path, data_key=key, context=CONTEXT, expected_sha256=hashlib.sha256(b"other").hexdigest())
    assert failed.value.reason == "hash_mismatch"


def test_discard_removes_the_file_and_a_missing_file_is_reported(store: Path) -> None:
    key = crypto.new_data_key()
    path = seal(PLAINTEXT, data_key=key, context=CONTEXT)
    discard(path)
    assert not (store / path).exists()
    discard(path)  # twice is fine: cleanup after a failed transaction may run more than once
    with pytest.raises(IntegrityFailure) as failed:
        unseal(path, data_key=key, context=CONTEXT)
    assert failed.value.reason == "missing"


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "reports/aa/bb/../../../x.bin", "reports/x.bin"])
def test_paths_that_are_not_ours_never_reach_the_storage(store: Path, path: str) -> None:
    with pytest.raises(IntegrityFailure) as failed:
        unseal(path, data_key=crypto.new_data_key(), context=CONTEXT)
    assert failed.value.reason == "bad_path"
    with pytest.raises(IntegrityFailure):
        discard(path)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=4096), context=st.text(min_size=1, max_size=60))
def test_any_content_round_trips(store: Path, content: bytes, context: str) -> None:
    key = crypto.new_data_key()
    path = seal(content, data_key=key, context=context)
    assert unseal(path, data_key=key, context=context, expected_sha256=hashlib.sha256(content).hexdigest()) == content
    discard(path)
