"""Email settings by environment, in fresh processes: console locally, SMTP in production once a relay is named
and no email before, and a half-configured relay refused at start-up."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

CUSTODES = str(Path(sys.executable).with_name("custodes"))
PRINT = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.CUSTODES_BASE_URL)"


def _env(tmp_path: Path, production: bool, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODES_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(CUSTODES_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", CUSTODES_VAR_DIR=str(tmp_path / "var"))
    if production:
        env.update(
            CUSTODES_ENV="production",
            CUSTODES_SECRET_KEY=secrets.token_urlsafe(60),
            CUSTODES_DATA_KEYS=f"k1:{base64.b64encode(os.urandom(32)).decode()}",
            CUSTODES_AUDIT_KEY=secrets.token_hex(32),
            CUSTODES_LOOKUP_KEY=secrets.token_hex(32),
            CUSTODES_ALLOWED_HOSTS="custodes.example.org",
        )
    env.update(overrides)
    return env


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CUSTODES, "shell", "--verbosity", "0", "-c", PRINT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_email_backend_by_mode(tmp_path: Path):
    local = _run(_env(tmp_path, production=False))
    assert local.stdout.split() == ["django.core.mail.backends.console.EmailBackend", "http://127.0.0.1:8000"]
    production = _run(_env(tmp_path, production=True))
    assert production.stdout.split() == ["django.core.mail.backends.dummy.EmailBackend", "https://custodes.example.org"]
    relay = _run(_env(tmp_path, production=True, CUSTODES_EMAIL_HOST="smtp.example.org"))
    assert relay.stdout.split()[0] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_half_configured_relay_is_refused(tmp_path: Path):
    missing_host = _run(_env(tmp_path, production=True, CUSTODES_EMAIL_BACKEND="smtp"))
    assert missing_host.returncode != 0
    assert "CUSTODES_EMAIL_BACKEND=smtp needs CUSTODES_EMAIL_HOST" in missing_host.stderr
    both = _run(_env(tmp_path, production=False, CUSTODES_EMAIL_USE_SSL="true"))
    assert both.returncode != 0
    assert "CUSTODES_EMAIL_USE_TLS" in both.stderr
