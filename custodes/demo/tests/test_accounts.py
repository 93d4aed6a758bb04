"""Demo accounts and ``custodes demo-accounts``: the printed sign-ins really work, and only on a demo database."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes import audit
from custodes.accounts.models import ApiToken, RoleGrant, User, hash_token
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.demo import credentials, services
from custodes.demo.cases import COLLEAGUE_USERNAME
from custodes.demo.tests.conftest import TEST_SCALE, TODAY
from custodes.estate.models import Establishment, StaffGrade
from custodes.testing.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

JSON_KEYS = {"username", "password", "roles", "staff_number", "totp_code", "api_token"}


def demo_accounts(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo-accounts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def demo_accounts_json() -> list[dict[str, Any]]:
    out, err = demo_accounts("--json")
    assert err == ""
    listing: list[dict[str, Any]] = json.loads(out)
    return listing


def by_username(listing: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["username"]: entry for entry in listing}


# --- Refusals ------------------------------------------------------------------------------------------------


def test_refuses_on_an_empty_database():
    with pytest.raises(CommandError, match="not a demo database"):
        demo_accounts()


def test_refuses_on_a_real_estate_even_with_a_demo_secret_lying_about(demo_var_dir: Path):
    EstablishmentFactory()
    credentials.read_or_create_secret(demo_var_dir)
    out = io.StringIO()
    with pytest.raises(CommandError, match="not a demo database"):
        call_command("demo-accounts", "--json", stdout=out)
    assert out.getvalue() == ""


def test_the_console_commands_exit_non_zero_on_a_database_they_cannot_use(tmp_path: Path):
    # The real console script against a database of its own: never migrated, never seeded.
    env = {
        **os.environ,
        "CUSTODES_VAR_DIR": str(tmp_path / "other-var"),
        "CUSTODES_DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
    }
    script = Path(sys.executable).with_name("custodes")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=60)

    listing = run("demo-accounts", "--json")
    assert listing.returncode != 0
    assert listing.stdout == ""
    assert "not a demo database" in listing.stderr
    seeding = run("seed-demo", "--seed", "1")
    assert seeding.returncode != 0
    assert "unapplied migration(s): run `custodes migrate` first" in seeding.stderr
    assert not (tmp_path / "other-var" / "demo_secret").exists()


# --- The accounts themselves ---------------------------------------------------------------------------------


def test_one_account_per_role_with_a_scope_the_role_may_hold(seeded: services.SeedResult):
    grants = {g.user.username: g for g in RoleGrant.objects.select_related("user", "establishment")}
    # The demo cases add one colleague investigator, who cannot sign in (custodes.demo.cases).
    assert set(grants) == set(services.demo_usernames()) | {COLLEAGUE_USERNAME}
    most_crowded = max(Establishment.objects.all(), key=lambda e: e.current_prisoners.count() / e.in_use_cna)
    for username, role in services.demo_usernames().items():
        grant = grants[username]
        assert grant.role == role.value
        definition = ROLE_DEFINITIONS[role]
        if definition.national:
            assert grant.establishment is None
        else:
            assert definition.establishment
            assert grant.establishment == most_crowded
    user = User.objects.get(username="demo-governor")
    assert user.staff_member is not None
    assert user.staff_member.grade == StaffGrade.GOVERNOR
    assert user.staff_member.current_establishment == most_crowded
    staff = User.objects.get(username="demo-staff")
    assert staff.staff_member is not None
    assert staff.staff_member.current_establishment == most_crowded
    assert staff.full_name == f"{staff.staff_member.first_name} {staff.staff_member.last_name}"
    assert not User.objects.filter(is_service_account=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_each_account_has_a_confirmed_authenticator_and_a_scoped_token(seeded: services.SeedResult):
    for username, role in services.demo_usernames().items():
        user = User.objects.get(username=username)
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
        token = ApiToken.objects.get(user=user)
        assert token.is_usable
        assert token.scopes == services.api_scopes_for(role)
    admin_scopes = services.api_scopes_for(Role.SYSTEM_ADMINISTRATOR)
    assert "estate:write" in admin_scopes
    assert "estate:write" not in services.api_scopes_for(Role.GOVERNOR)


def test_nothing_secret_is_stored_in_clear(settings: Any, demo_var_dir: Path):
    # Argon2 for real here (the suite otherwise uses a fast hasher).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    services.seed_demo(actor=audit.SYSTEM, seed=11, scale=TEST_SCALE, today=TODAY)
    secret = credentials.read_secret(demo_var_dir)
    colleague = User.objects.get(username=COLLEAGUE_USERNAME)
    assert not colleague.has_usable_password()
    assert not ApiToken.objects.filter(user=colleague).exists()
    for user in User.objects.exclude(pk=colleague.pk):
        derived = credentials.derive(secret, user.username)
        assert user.password.startswith("argon2$argon2id$")
        assert derived.password not in user.password
        assert user.check_password(derived.password)
        token = ApiToken.objects.get(user=user)
        assert token.token_hash == hash_token(derived.api_token)
        assert derived.api_token not in (token.token_hash, token.prefix, token.name)
        assert token.prefix == derived.api_token[:12]


def test_credentials_are_derived_per_account_and_purpose():
    secret = bytes(range(32))
    governor, analyst = credentials.derive(secret, "demo-governor"), credentials.derive(secret, "demo-analyst")
    assert governor == credentials.derive(secret, "demo-governor")
    assert governor.password != analyst.password
    assert governor.api_token != analyst.api_token
    assert governor.totp_key_hex != analyst.totp_key_hex
    assert len(governor.totp_key_hex) == 40
    assert governor.api_token.startswith("cst_demo_")
    assert credentials.derive(bytes(32), "demo-governor") != governor


# --- The listing ---------------------------------------------------------------------------------------------


def test_json_lists_every_account_in_the_promised_shape(seeded: services.SeedResult):
    listing = demo_accounts_json()
    assert [entry["username"] for entry in listing] == list(services.demo_usernames())
    governor_code = User.objects.get(username="demo-governor").role_grants.get().establishment.code  # type: ignore[union-attr]
    for entry in listing:
        assert set(entry) == JSON_KEYS
        assert isinstance(entry["password"], str)
        assert entry["password"]
        assert isinstance(entry["api_token"], str)
        assert entry["api_token"].startswith("cst_demo_")
        assert isinstance(entry["totp_code"], str)
        assert re.fullmatch(r"[0-9]{6}", entry["totp_code"])
        assert len(entry["roles"]) == 1
        assert set(entry["roles"][0]) == {"role", "scope"}
    entries = by_username(listing)
    assert entries["demo-governor"]["roles"] == [{"role": "governor", "scope": governor_code}]
    assert entries["demo-analyst"]["roles"] == [{"role": "analyst", "scope": "national"}]
    staff = User.objects.select_related("staff_member").get(username="demo-staff")
    assert entries["demo-staff"]["staff_number"] == staff.staff_member.staff_number  # type: ignore[union-attr]
    assert entries["demo-analyst"]["staff_number"] is None


def test_the_printed_totp_code_verifies_against_the_device(seeded: services.SeedResult):
    for entry in demo_accounts_json():
        device = TOTPDevice.objects.get(user__username=entry["username"])
        assert device.verify_token(entry["totp_code"]), entry["username"]


def test_the_printed_password_and_code_sign_in(seeded: services.SeedResult):
    entry = by_username(demo_accounts_json())["demo-governor"]
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/sign-in", {"username": entry["username"], "password": entry["password"]})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/code")
    response = client.post("/sign-in/code", {"code": entry["totp_code"]})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Governor" in home.content.decode()


def test_a_wrong_password_does_not_sign_in(seeded: services.SeedResult):
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/sign-in", {"username": "demo-governor", "password": "not-the-password"})
    assert response.status_code == 200


def test_the_printed_token_authenticates_on_the_api(seeded: services.SeedResult):
    client = Client(HTTP_HOST="127.0.0.1")
    for entry in demo_accounts_json():
        response = client.get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {entry['api_token']}")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["username"] == entry["username"]
        role = services.demo_usernames()[entry["username"]]
        assert body["token_scopes"] == services.api_scopes_for(role)
    assert client.get("/api/v1/whoami", HTTP_AUTHORIZATION="Bearer cst_demo_wrong").status_code == 401


def test_the_plain_listing_says_how_to_sign_in(seeded: services.SeedResult):
    out, err = demo_accounts()
    assert err == ""
    assert "Demo accounts (fictional estate, seed 7)" in out
    assert "Sign in at http://127.0.0.1:" in out
    for username in services.demo_usernames():
        assert f"\n{username}  (" in out
    governor = User.objects.get(username="demo-governor").role_grants.get().establishment
    assert f"Governor at {governor.name} ({governor.code})" in out  # type: ignore[union-attr]
    assert "Analyst, national" in out
    assert "staff number" in out


def test_credentials_from_another_checkout_are_not_printed(seeded: services.SeedResult, demo_var_dir: Path):
    # Another ./var/ (another checkout, the same database): the derived credentials would be wrong.
    (demo_var_dir / "demo_secret").write_text(bytes(range(32, 64)).hex() + "\n")
    listing_out, err = demo_accounts("--json")
    listing = json.loads(listing_out)
    assert all(entry["password"] is None and entry["api_token"] is None for entry in listing)
    assert all(entry["totp_code"] is not None for entry in listing)  # the device's key is in the database
    assert "demo-governor: the password derived from ./var/demo_secret does not match" in err
    plain, _ = demo_accounts()
    assert "(cannot be shown: see the message above)" in plain


def test_a_missing_demo_secret_is_reported_not_recreated(seeded: services.SeedResult, demo_var_dir: Path):
    (demo_var_dir / "demo_secret").unlink()
    out, err = demo_accounts("--json")
    assert all(entry["password"] is None for entry in json.loads(out))
    assert "demo_secret is missing" in err
    assert not (demo_var_dir / "demo_secret").exists()


def test_a_revoked_token_is_not_printed(seeded: services.SeedResult):
    ApiToken.objects.filter(user__username="demo-analyst").update(revoked_at="2025-01-01T00:00:00Z")
    out, err = demo_accounts("--json")
    assert by_username(json.loads(out))["demo-analyst"]["api_token"] is None
    assert by_username(json.loads(out))["demo-governor"]["api_token"] is not None
    assert "demo-analyst: its demo API token does not match, has been revoked or has expired" in err
