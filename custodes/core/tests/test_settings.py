"""Configuration by environment, run in fresh processes so each case gets its own settings."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

CUSTODES = str(Path(sys.executable).with_name("custodes"))


def _clean_environment() -> dict[str, str]:
    # The browser tests allow sync database calls beside Playwright's event loop for the whole test process;
    # a deployment must not inherit that (Django's own deploy check says so), nor any CUSTODES_ setting.
    return {k: v for k, v in os.environ.items() if not k.startswith("CUSTODES_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = _clean_environment()
    env.update(
        CUSTODES_ENV="production",
        CUSTODES_SECRET_KEY=secrets.token_urlsafe(60),
        CUSTODES_DATA_KEYS=f"k1:{base64.b64encode(os.urandom(32)).decode()}",
        CUSTODES_AUDIT_KEY=secrets.token_hex(32),
        CUSTODES_LOOKUP_KEY=secrets.token_hex(32),
        CUSTODES_BUNDLE_SIGNING_KEY=secrets.token_hex(32),
        CUSTODES_ALLOWED_HOSTS="custodes.example.org",
        CUSTODES_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        CUSTODES_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(overrides)
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CUSTODES, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path):
    result = _run(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["CUSTODES_SECRET_KEY", "CUSTODES_DATA_KEYS", "CUSTODES_AUDIT_KEY", "CUSTODES_LOOKUP_KEY"]
)
def test_production_refuses_to_start_without_each_secret(tmp_path: Path, missing: str):
    env = _production_env(tmp_path)
    del env[missing]
    result = _run(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr
    assert not (tmp_path / "var").exists(), "production must never fall back to generating keys in ./var/"


def test_production_needs_allowed_hosts(tmp_path: Path):
    env = _production_env(tmp_path)
    del env["CUSTODES_ALLOWED_HOSTS"]
    result = _run(env, "check")
    assert result.returncode != 0
    assert "CUSTODES_ALLOWED_HOSTS" in result.stderr


def test_local_mode_generates_keys_once_into_var(tmp_path: Path):
    env = _clean_environment()
    env.update(CUSTODES_VAR_DIR=str(tmp_path / "var"), CUSTODES_DATABASE_URL=f"sqlite:///{tmp_path / 'l.sqlite3'}")
    assert _run(env, "check").returncode == 0
    var = tmp_path / "var"
    first = {name: (var / name).read_text() for name in ("secret_key", "data_keys", "audit_key", "lookup_key")}
    assert all(first.values())
    assert oct((var / "audit_key").stat().st_mode & 0o777) == "0o600"
    assert _run(env, "check").returncode == 0
    assert {name: (var / name).read_text() for name in first} == first


def test_local_mode_reports_deploy_warning(tmp_path: Path):
    env = _clean_environment()
    env.update(CUSTODES_VAR_DIR=str(tmp_path / "var"), CUSTODES_DATABASE_URL=f"sqlite:///{tmp_path / 'l.sqlite3'}")
    result = _run(env, "check", "--deploy")
    assert "custodes.W001" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CUSTODES_DEBUG", "perhaps", "must be true or false"),
        ("CUSTODES_ENV", "staging", "must be one of"),
        ("CUSTODES_DATABASE_URL", "mysql://x/y", "CUSTODES_DATABASE_URL"),
        ("CUSTODES_DATA_KEYS", "k1:dG9vIHNob3J0", "32 bytes"),
        ("CUSTODES_SESSION_IDLE_SECONDS", "ten", "whole number"),
    ],
)
def test_malformed_settings_stop_with_the_variable_named(tmp_path: Path, variable: str, value: str, message: str):
    env = _production_env(tmp_path, **{variable: value})
    result = _run(env, "check")
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
