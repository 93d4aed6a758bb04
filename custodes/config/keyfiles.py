"""Locally generated secrets for the demo and development (CUSTODES_ENV=local only).

Each secret lives in its own file under ./var/, created with mode 0600 the first time it is needed. Creation is
exclusive (O_EXCL), so two processes starting at once agree on one key instead of each writing its own.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

_FILE_NAMES = {
    "CUSTODES_SECRET_KEY": "secret_key",
    "CUSTODES_DATA_KEYS": "data_keys",
    "CUSTODES_AUDIT_KEY": "audit_key",
    "CUSTODES_LOOKUP_KEY": "lookup_key",
    "CUSTODES_BUNDLE_SIGNING_KEY": "bundle_signing_key",
}


def generate(kind: str) -> str:
    if kind == "django-secret":
        return secrets.token_urlsafe(50)
    if kind == "data-keys":
        # One AES-256 master key in the "id:base64" form that CUSTODES_DATA_KEYS takes.
        return f"k{secrets.token_hex(4)}:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    if kind == "audit-key":
        return secrets.token_hex(32)
    if kind == "signing-key":
        # An Ed25519 private key is any 32 random bytes (its seed); kept as 64 hex digits.
        return secrets.token_hex(32)
    raise ValueError(f"unknown key kind {kind!r}")


def key_path(var_dir: Path, variable: str) -> Path:
    return var_dir / _FILE_NAMES[variable]


def read_or_create_key(var_dir: Path, variable: str, *, generator: str) -> str:
    path = key_path(var_dir, variable)
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text().strip()
        if not value:
            raise RuntimeError(f"{path} is empty; delete it to have a new key generated.") from None
        return value
    with os.fdopen(fd, "w") as handle:
        handle.write(generate(generator) + "\n")
    return path.read_text().strip()
