"""Keys for one report: its data key (wrapped under a master key) and the keyed look-ups derived from
CUSTODES_LOOKUP_KEY. Each derived key has its own purpose label, so a receipt's look-up value can never be
confused with a filer tag (domain separation)."""

from __future__ import annotations

import hmac
from functools import cache

from django.conf import settings

from custodes.core import crypto


def _lookup_root() -> bytes:
    raw = str(settings.LOOKUP_KEY).strip()
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = raw.encode()
    if len(key) < 32:
        raise RuntimeError("CUSTODES_LOOKUP_KEY must hold at least 32 bytes (64 hex digits).")
    return key


@cache
def _derived(root: bytes, purpose: str) -> bytes:
    return hmac.digest(root, b"custodes derived key\x00" + purpose.encode(), "sha256")


def keyed(purpose: str, value: str) -> str:
    """HMAC-SHA-256 of value under the key derived for purpose, as hex."""
    return hmac.digest(_derived(_lookup_root(), purpose), value.encode(), "sha256").hex()


def receipt_lookup(receipt_digits: str) -> str:
    return keyed("receipt lookup", receipt_digits)


def filer_tag(account_id: int) -> str:
    return keyed("filer tag", str(account_id))


def new_wrapped_key(context: str) -> tuple[bytes, crypto.WrappedKey]:
    data_key = crypto.new_data_key()
    return data_key, crypto.wrap_data_key(data_key, context=context)


def unwrap(key_id: str, wrapped: bytes | memoryview, context: str) -> bytes:
    return crypto.unwrap_data_key(crypto.WrappedKey(master_key_id=key_id, wrapped=bytes(wrapped)), context=context)
