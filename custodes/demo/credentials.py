"""Demo credentials: derived, never stored in clear.

``custodes demo-accounts`` must print each demo account's password and API token long after ``seed-demo`` made
them, yet the database keeps only what any account keeps: the Argon2 password hash, the TOTP key (a TOTP device
cannot work without it) and the SHA-256 of the token. So both are derived, when needed, as
HMAC-SHA-256(demo secret, username and purpose), where the demo secret is a random file in ./var/ made on first
use with exclusive creation and mode 0600 (as custodes.config.keyfiles makes the other local keys). Whoever can
read ./var/ can print the demo's credentials, which is the point of a demo; the database alone cannot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from custodes.accounts.services.tokens import TOKEN_PREFIX as ACCOUNT_TOKEN_PREFIX

SECRET_FILE_NAME = "demo_secret"  # noqa: S105  (a file name, not a secret)
# Every Custodes token starts "cst_" (secret scanners look for it); "demo_" then marks a demo token wherever it
# turns up: a log, a shell history, a bug report.
TOKEN_PREFIX = ACCOUNT_TOKEN_PREFIX + "demo_"


class DemoSecretMissing(RuntimeError):
    """The demo secret file is absent, so credentials cannot be derived (and must not be invented)."""


def secret_path(var_dir: Path | None = None) -> Path:
    return Path(var_dir or settings.VAR_DIR) / SECRET_FILE_NAME


def read_or_create_secret(var_dir: Path | None = None) -> bytes:
    """The demo secret, made on first use. O_EXCL: two processes starting at once agree on one secret."""
    path = secret_path(var_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret(var_dir)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return read_secret(var_dir)


def read_secret(var_dir: Path | None = None) -> bytes:
    """The existing demo secret; never creates one (printing credentials must not change anything)."""
    path = secret_path(var_dir)
    try:
        raw = path.read_text().strip()
    except FileNotFoundError:
        raise DemoSecretMissing(f"{path} is missing") from None
    try:
        secret = bytes.fromhex(raw)
    except ValueError:
        raise DemoSecretMissing(f"{path} does not hold a hex secret; delete it and seed a new demo") from None
    if len(secret) < 32:
        raise DemoSecretMissing(f"{path} holds fewer than 32 bytes; delete it and seed a new demo")
    return secret


def _derive(secret: bytes, username: str, purpose: str) -> bytes:
    # A NUL separates the parts so that no (username, purpose) pair can be spelt as another.
    return hmac.digest(secret, f"custodes-demo\x00{username}\x00{purpose}".encode(), hashlib.sha256)


@dataclass(frozen=True)
class DemoCredentials:
    password: str
    totp_key_hex: str  # the form django-otp's TOTPDevice.key takes
    api_token: str


def derive(secret: bytes, username: str) -> DemoCredentials:
    # Password: 120 bits in lower-case base32, in groups of four, so it can be read aloud and typed.
    letters = base64.b32encode(_derive(secret, username, "password")[:15]).decode().lower()
    password = "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))
    # TOTP: a 160-bit key, the size RFC 4226 recommends and django-otp generates.
    totp_key_hex = _derive(secret, username, "totp").hex()[:40]
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(_derive(secret, username, "api-token")).decode().rstrip("=")
    return DemoCredentials(password=password, totp_key_hex=totp_key_hex, api_token=token)
