"""System checks for configuration that Django cannot know is wrong."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from custodes.core.crypto import KeyConfigurationError, parse_master_keys


@register(Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    try:
        parse_master_keys(str(settings.DATA_KEYS))
    except KeyConfigurationError as exc:
        problems.append(Error(f"CUSTODES_DATA_KEYS: {exc}", id="custodes.E001"))
    for variable, value, check_id in (
        ("CUSTODES_AUDIT_KEY", settings.AUDIT_KEY, "custodes.E002"),
        ("CUSTODES_LOOKUP_KEY", settings.LOOKUP_KEY, "custodes.E003"),
    ):
        raw = str(value).strip()
        try:
            length = len(bytes.fromhex(raw))
        except ValueError:
            length = len(raw.encode())
        if length < 32:
            problems.append(Error(f"{variable} must hold at least 32 bytes (64 hex digits).", id=check_id))
    problems.extend(_check_bundle_signing_key(str(getattr(settings, "BUNDLE_SIGNING_KEY", "")).strip()))
    return problems


def _check_bundle_signing_key(raw: str) -> list[CheckMessage]:
    # Optional, so that a production service starts without it; evidence bundles are refused until it is set.
    if not raw:
        return [
            Warning(
                "CUSTODES_BUNDLE_SIGNING_KEY is not set: evidence bundles cannot be exported.",
                hint="Set it to 64 hex digits (32 random bytes), e.g. from `openssl rand -hex 32`.",
                id="custodes.W002",
            )
        ]
    try:
        seed = bytes.fromhex(raw)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        return [
            Error("CUSTODES_BUNDLE_SIGNING_KEY must be exactly 64 hex digits (an Ed25519 key).", id="custodes.E004")
        ]
    return []


@register(Tags.security, deploy=True)
def check_production_mode(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CUSTODES_ENV != "production":
        return [
            Warning(
                "CUSTODES_ENV is not 'production': keys may come from ./var/ and cookies are not marked Secure.",
                hint="Set CUSTODES_ENV=production and give every secret in the environment.",
                id="custodes.W001",
            )
        ]
    return []
