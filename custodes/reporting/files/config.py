"""Upload limits, from Django settings with defaults (issue 3: 50 MB a file, 5 files)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_MAX_MB = 50
DEFAULT_MAX_FILES = 5
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_mb: int
    max_files: int

    @property
    def max_bytes(self) -> int:
        return self.max_mb * _MB


def _positive_int(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1")
    return value


def limits() -> Limits:
    """CUSTODES_UPLOAD_MAX_MB (a file) and CUSTODES_UPLOAD_MAX_FILES (a submission or message), read on each call
    so that a changed setting (and pytest-django's ``settings`` fixture) takes effect at once."""
    return Limits(
        max_mb=_positive_int("CUSTODES_UPLOAD_MAX_MB", DEFAULT_MAX_MB),
        max_files=_positive_int("CUSTODES_UPLOAD_MAX_FILES", DEFAULT_MAX_FILES),
    )


def megabytes(size: int) -> str:
    """``size`` in MB for people: whole when it is whole ("50"), else one decimal ("0.5")."""
    value = size / _MB
    return str(int(value)) if value == int(value) else f"{value:.1f}"
