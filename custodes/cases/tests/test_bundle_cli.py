"""``custodes bundle``: verify offline (no database, in a fresh process), export as an operator, show the key;
and the bundle's own README commands with standard tools (OpenSSL, sha256sum, python)."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from custodes.cases.bundle import layout
from custodes.cases.bundle.export import export_bundle
from custodes.cases.bundle.signing import signing_key
from custodes.cases.models import Disclosure

from .evidence_support import Setting, file_store, members, rezip, setting, world  # noqa: F401

pytestmark = pytest.mark.django_db

CUSTODES = str(Path(sys.executable).with_name("custodes"))


@pytest.fixture
def bundle_file(setting: Setting, tmp_path: Path) -> Path:
    setting.add_file()
    setting.add_item()
    bundle = export_bundle(
        actor=setting.lead, case=setting.case, recipient="Hearing panel", reason="Misconduct hearing"
    )
    path = tmp_path / "bundle.zip"
    with bundle.file:
        path.write_bytes(bundle.file.read())
    return path


def _offline(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``custodes bundle ...`` in a fresh process whose database does not exist (nor may come to exist)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODES_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    database = tmp_path / "nowhere" / "no-database.sqlite3"
    env.update(CUSTODES_DATABASE_URL=f"sqlite:///{database}", CUSTODES_VAR_DIR=str(tmp_path / "recipient-var"))
    result = subprocess.run(
        [CUSTODES, "bundle", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return result, database


def test_verify_works_offline_without_a_database(bundle_file: Path, tmp_path: Path):
    fingerprint = signing_key().fingerprint
    result, database = _offline(tmp_path, "verify", str(bundle_file), "--expect-fingerprint", fingerprint)
    assert result.returncode == 0, result.stderr
    assert "the bundle verifies" in result.stdout
    assert not database.exists(), "verify must never open a database"


def test_verify_exits_1_naming_what_fails(bundle_file: Path, tmp_path: Path):
    contents = members(bundle_file.read_bytes())
    contents[layout.SUMMARY] = contents[layout.SUMMARY].replace(b"Case", b"Cose", 1)
    del contents[layout.README]
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rezip(contents))
    result, database = _offline(tmp_path, "verify", str(tampered))
    assert result.returncode == 1
    assert "FAILED: case-summary.pdf: SHA-256" in result.stderr
    assert "FAILED: README.txt: listed in the manifest but missing from the ZIP" in result.stderr
    assert not database.exists()
    result, _ = _offline(tmp_path, "verify", str(bundle_file), "--expect-fingerprint", "SHA256:" + "00" * 32)
    assert result.returncode == 1
    assert "not by the expected key" in result.stderr
    result, _ = _offline(tmp_path, "verify", str(tmp_path / "absent.zip"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr


def test_the_service_rechecks_the_audit_hashes(bundle_file: Path, capsys):
    call_command("bundle", "verify", str(bundle_file), "--check-audit-hashes")
    assert "the bundle verifies" in capsys.readouterr().out


@pytest.mark.skipif(not (shutil.which("openssl") and shutil.which("sha256sum")), reason="needs openssl and sha256sum")
def test_a_recipient_can_check_it_with_standard_tools(bundle_file: Path, tmp_path: Path):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle_file) as archive:
        archive.extractall(folder)
    manifest = json.loads((folder / layout.MANIFEST).read_text())

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True, timeout=60, check=False)  # noqa: S602

    fingerprint = run("openssl pkey -pubin -in signing-key.pub -outform DER | tail -c 32 | sha256sum")
    assert "SHA256:" + fingerprint.stdout.split()[0] == manifest["signing_key"]["fingerprint"]
    signature = "openssl pkeyutl -verify -pubin -inkey signing-key.pub -rawin -in manifest.json -sigfile manifest.sig"
    assert run(signature).returncode == 0
    hashes = (
        f"{sys.executable} -c \"import json;m=json.load(open('manifest.json'));"
        "[print(f['sha256']+'  '+f['path']) for f in m['files']]\" | sha256sum -c"
    )
    assert run(hashes).returncode == 0
    # The Python-only check given in docs/evidence-bundles.md, exactly as written there.
    docs = (Path(__file__).resolve().parents[3] / "docs" / "evidence-bundles.md").read_text()
    snippet = docs.split("python3 - <<'EOF'\n", 1)[1].split("\n    EOF", 1)[0]
    script = "\n".join(line.removeprefix("    ") for line in snippet.splitlines())
    checked = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "signature and files verify" in checked.stdout
    (folder / "evidence" / os.listdir(folder / "evidence")[0]).write_bytes(b"changed")
    assert run(hashes).returncode != 0
    (folder / layout.MANIFEST).write_bytes((folder / layout.MANIFEST).read_bytes().replace(b"Hearing", b"Hearinf"))
    assert run(signature).returncode != 0


def test_an_operator_exports_a_bundle_that_is_listed_as_a_disclosure(setting: Setting, tmp_path: Path, capsys):
    setting.add_file()
    output = tmp_path / "out.zip"
    call_command(
        "bundle", "export", setting.case.reference, "--actor", setting.lead.username,
        "--recipient", "DS 1234, Testshire Police", "--reason", "Criminal investigation", "-o", str(output),
    )  # fmt: skip
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    disclosure = Disclosure.objects.get()
    assert disclosure.bundle_sha256 in capsys.readouterr().out
    call_command("bundle", "verify", str(output))
    with pytest.raises(CommandError, match="exists"):  # never overwritten, and nothing recorded
        call_command(
            "bundle", "export", setting.case.reference, "--actor", setting.lead.username,
            "--recipient", "Panel", "--reason", "Hearing", "-o", str(output),
        )  # fmt: skip
    assert Disclosure.objects.count() == 1


def test_the_export_command_applies_the_policy(setting: Setting, tmp_path: Path):
    output = tmp_path / "out.zip"
    for actor, message in [(setting.governor, "may not export"), (setting.unassigned, "may not see a case")]:
        with pytest.raises(CommandError, match=message):
            call_command(
                "bundle", "export", setting.case.reference, "--actor", actor.username,
                "--recipient", "Panel", "--reason", "Hearing", "-o", str(output),
            )  # fmt: skip
        assert not output.exists()
    assert not Disclosure.objects.exists()


def test_the_key_command_prints_the_fingerprint(capsys):
    call_command("bundle", "key")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == signing_key().fingerprint
    assert "BEGIN PUBLIC KEY" in out


def test_the_verify_module_needs_no_django():
    """A recipient's copy of the checker runs with the standard library and cryptography alone."""
    code = (
        "import sys, custodes.cases.bundle.verify as v; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'; "
        "print(v.verify_bundle(__import__('io').BytesIO(b'nope')).problems[0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "not a readable ZIP" in result.stdout


def test_production_starts_without_a_signing_key_but_warns(tmp_path: Path):
    import base64
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODES_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        CUSTODES_ENV="production",
        CUSTODES_SECRET_KEY=secrets.token_urlsafe(60),
        CUSTODES_DATA_KEYS=f"k1:{base64.b64encode(os.urandom(32)).decode()}",
        CUSTODES_AUDIT_KEY=secrets.token_hex(32),
        CUSTODES_LOOKUP_KEY=secrets.token_hex(32),
        CUSTODES_ALLOWED_HOSTS="custodes.example.org",
        CUSTODES_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        CUSTODES_VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run([CUSTODES, "check"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "custodes.W002" in result.stderr + result.stdout
    assert not (tmp_path / "var" / "bundle_signing_key").exists(), "production never generates keys into ./var/"
    env["CUSTODES_BUNDLE_SIGNING_KEY"] = "not hex"
    result = subprocess.run([CUSTODES, "check"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "custodes.E004" in result.stderr + result.stdout
