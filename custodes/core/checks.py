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
    raw = str(settings.AUDIT_KEY).strip()
    try:
        audit_key_length = len(bytes.fromhex(raw))
    except ValueError:
        audit_key_length = len(raw.encode())
    if audit_key_length < 32:
        problems.append(Error("CUSTODES_AUDIT_KEY must hold at least 32 bytes (64 hex digits).", id="custodes.E002"))
    return problems


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
