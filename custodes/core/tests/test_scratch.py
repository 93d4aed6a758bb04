"""Scratch files: what is read back is what was written, at any offset, and the disk holds none of it."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.core import scratch
from custodes.core.scratch import encrypted_scratch_file


def _disk_bytes(handle: io.BufferedRandom) -> bytes:
    handle.flush()
    disk = handle.raw._disk  # type: ignore[attr-defined]
    disk.seek(0)
    return disk.read()


def test_a_zip_written_and_read_back_through_it_is_intact_and_the_disk_holds_only_ciphertext():
    secret = b"The officer's statement, in full. " * 5000
    with encrypted_scratch_file() as spool:
        with zipfile.ZipFile(spool, "w") as archive:
            archive.writestr("statement.txt", secret)
            archive.writestr("stored.txt", secret, compress_type=zipfile.ZIP_STORED)
        spool.seek(0)
        with zipfile.ZipFile(spool) as archive:
            assert archive.testzip() is None
            assert archive.read("statement.txt") == secret
            assert archive.read("stored.txt") == secret
        on_disk = _disk_bytes(spool)
        assert len(on_disk) == spool.seek(0, io.SEEK_END)
        assert b"officer" not in on_disk
        assert b"statement.txt" not in on_disk  # not even the ZIP's own names
        assert b"PK\x03\x04" not in on_disk


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=5000), st.binary(max_size=700)), min_size=1, max_size=12))
def test_writes_at_any_offsets_read_back_exactly_as_a_plain_file_would(writes):
    plain = io.BytesIO()
    with encrypted_scratch_file() as spool:
        for offset, data in writes:
            for target in (plain, spool):
                target.seek(offset)
                target.write(data)
        for start in {0, 1, 15, 16, 17, 4095, writes[0][0]}:
            plain.seek(start)
            spool.seek(start)
            assert spool.read() == plain.read()
        assert spool.seek(0, io.SEEK_END) == plain.seek(0, io.SEEK_END)


def test_each_file_has_its_own_key():
    contents = b"\x00" * 64
    disks = []
    for _ in range(2):
        with encrypted_scratch_file() as spool:
            spool.write(contents)
            disks.append(_disk_bytes(spool))
    assert disks[0] != disks[1]
    assert contents not in disks


def test_it_offers_no_file_descriptor_so_nothing_sends_the_ciphertext_directly():
    with encrypted_scratch_file() as spool, pytest.raises(io.UnsupportedOperation):
        spool.fileno()


def test_closing_deletes_it(tmp_path: Path):
    spool = encrypted_scratch_file(str(tmp_path))
    spool.write(b"x" * (scratch.BUFFER_SIZE + 10))
    spool.close()
    assert spool.closed
    assert not list(tmp_path.iterdir())  # an unlinked temporary file: never a name in the folder
    assert os.listdir(tmp_path) == []
