"""Scratch files whose bytes on disk are ciphertext: for work too large for memory that holds plaintext content.

An evidence bundle is built in a temporary file (its exhibits can be far larger than memory should hold), and
those exhibits are decrypted to go into it. A plain temporary file would leave them in the clear on the server's
disk until it is closed, and in the disk's free blocks after. ``encrypted_scratch_file()`` gives a seekable,
readable, writable binary file that encrypts everything written to its (unlinked) temporary file with AES-256-CTR
under a key made for it and held only in memory: after a crash, or from the disk, the bytes cannot be read.

CTR mode is used because a ZIP writer seeks back to rewrite headers and a reader seeks anywhere: any offset's
keystream can be worked out directly. It gives confidentiality, not integrity, which is enough here: the file
never leaves the process that made it, and a bundle carries its own hashes and signature.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 16
BUFFER_SIZE = 1024 * 1024


class _EncryptedRawFile(io.RawIOBase):
    def __init__(self, directory: str | None = None) -> None:
        super().__init__()
        self._disk = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115  (closed with this file)
        self._key = os.urandom(32)
        self._nonce = os.urandom(8)  # the counter block is this nonce then the block number
        self._position = 0

    def _xor(self, data: bytes, offset: int) -> bytes:
        block, skip = divmod(offset, _BLOCK)
        counter = self._nonce + block.to_bytes(8, "big")
        keystream = Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor()
        return keystream.update(bytes(skip) + data)[skip:]

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        self._disk.seek(self._position)
        data = self._disk.read(len(view))
        view[: len(data)] = self._xor(data, self._position)
        self._position += len(data)
        return len(data)

    def write(self, data: Any) -> int:
        plain = bytes(data)
        end = self._disk.seek(0, io.SEEK_END)
        while end < self._position:  # a write past the end: the gap reads as zeros, as in any file
            gap = min(self._position - end, BUFFER_SIZE)
            self._disk.write(self._xor(bytes(gap), end))
            end += gap
        self._disk.seek(self._position)
        self._disk.write(self._xor(plain, self._position))
        self._position += len(plain)
        return len(plain)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            target = self._disk.seek(0, io.SEEK_END) + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if target < 0:
            raise OSError("negative seek position")
        self._position = target
        return target

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        self._disk.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            super().close()
        finally:
            self._disk.close()
            self._key = b""

    # fileno() is deliberately not provided (RawIOBase raises UnsupportedOperation): a server that sends a file
    # straight from its descriptor (sendfile) would send the ciphertext.


def encrypted_scratch_file(directory: str | None = None) -> io.BufferedRandom:
    """A new, empty scratch file (see the module's docstring); close it to delete it."""
    return io.BufferedRandom(_EncryptedRawFile(directory), buffer_size=BUFFER_SIZE)
