"""Envelope encryption with AES-256-GCM (DESIGN.md §3).

Content (narratives, messages, contact details, files) is encrypted under a data key of its own; the data key is
stored wrapped (encrypted) under a master key from CUSTODES_DATA_KEYS. The database alone therefore reveals no
content, and rotating a master key re-wraps the small data keys without touching the content.

CUSTODES_DATA_KEYS is a comma-separated list of ``id:base64(32 bytes)``. The first key is current (new data keys
are wrapped under it); the others still unwrap what was wrapped under them until everything is re-wrapped.

Every ciphertext is bound to where it belongs by associated data (for example "report:42:narrative"), so a
ciphertext copied into another row or field fails to decrypt instead of showing the wrong content.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_NONCE_BYTES = 12
_KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_FORMAT_VERSION = b"\x01"


class KeyConfigurationError(ValueError):
    """CUSTODES_DATA_KEYS is malformed."""


class DecryptionError(ValueError):
    """The ciphertext was altered, belongs elsewhere, or its key is not configured."""


@dataclass(frozen=True)
class MasterKeys:
    current_id: str
    keys: dict[str, bytes]


def parse_master_keys(value: str) -> MasterKeys:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeyConfigurationError("each CUSTODES_DATA_KEYS entry must be ID:BASE64 with a short plain ID")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise KeyConfigurationError(f"data key {key_id!r} is not valid base64") from None
        if len(key) != _KEY_BYTES:
            raise KeyConfigurationError(f"data key {key_id!r} must be {_KEY_BYTES} bytes (AES-256)")
        if key_id in keys:
            raise KeyConfigurationError(f"data key id {key_id!r} appears twice")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise KeyConfigurationError("CUSTODES_DATA_KEYS holds no key")
    return MasterKeys(current_id=order[0], keys=keys)


@cache
def _configured(value: str) -> MasterKeys:
    return parse_master_keys(value)


def master_keys() -> MasterKeys:
    return _configured(str(settings.DATA_KEYS))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _FORMAT_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def _open(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) < 1 + _NONCE_BYTES + 16 or sealed[:1] != _FORMAT_VERSION:
        raise DecryptionError("not a Custodes ciphertext")
    nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag:
        raise DecryptionError("ciphertext does not verify") from None


@dataclass(frozen=True)
class WrappedKey:
    master_key_id: str
    wrapped: bytes


def wrap_data_key(data_key: bytes, *, context: str, keys: MasterKeys | None = None) -> WrappedKey:
    keys = keys or master_keys()
    sealed = _seal(keys.keys[keys.current_id], data_key, f"data-key:{context}".encode())
    return WrappedKey(master_key_id=keys.current_id, wrapped=sealed)


def unwrap_data_key(wrapped: WrappedKey, *, context: str, keys: MasterKeys | None = None) -> bytes:
    keys = keys or master_keys()
    master = keys.keys.get(wrapped.master_key_id)
    if master is None:
        raise DecryptionError(f"master key {wrapped.master_key_id!r} is not configured")
    return _open(master, wrapped.wrapped, f"data-key:{context}".encode())


def rewrap_data_key(wrapped: WrappedKey, *, context: str, keys: MasterKeys | None = None) -> WrappedKey:
    """Re-wrap under the current master key (key rotation); the data key itself, and the content, stay as they are."""
    keys = keys or master_keys()
    if wrapped.master_key_id == keys.current_id:
        return wrapped
    return wrap_data_key(unwrap_data_key(wrapped, context=context, keys=keys), context=context, keys=keys)


def encrypt(data_key: bytes, plaintext: bytes, *, associated_data: str) -> bytes:
    return _seal(data_key, plaintext, associated_data.encode())


def decrypt(data_key: bytes, sealed: bytes, *, associated_data: str) -> bytes:
    return _open(data_key, sealed, associated_data.encode())
