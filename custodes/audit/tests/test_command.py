"""`custodes audit verify|head|actions`: what operators run, and what monitoring reads (exit code, output)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from custodes.audit import chain
from custodes.audit.tests import support
from custodes.audit.tests.support import delete, triggers_removed, update

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_an_intact_chain_exits_0_with_the_count():
    support.build_chain(7)
    code, out = _run("verify")
    assert code == 0
    assert out.startswith("ok: 7 events verified")
    assert f"head 7:{chain.head()[1]}" in out


def test_verify_an_empty_chain():
    code, out = _run("verify")
    assert (code, out.startswith("ok: 0 events verified")) == (0, True)


def test_verify_a_tampered_chain_exits_1_with_the_first_bad_event():
    support.build_chain(6)
    with transaction.atomic():
        with triggers_removed():
            update(4, target_id="something else")
            code, out = _run("verify")
            json_code, json_out = _run("verify", "--json")
        transaction.set_rollback(True)
    assert code == 1
    assert "first bad event 4" in out
    assert "3 events before it verified" in out
    assert json_code == 1
    result = json.loads(json_out)
    assert (result["ok"], result["first_bad_seq"], result["count"]) == (False, 4, 3)
    assert result["reason"] == "hash does not match the event's content"


def test_verify_json_when_intact():
    support.build_chain(3)
    code, out = _run("verify", "--json", "--batch-size", "2")
    result = json.loads(out)
    assert code == 0
    assert (result["ok"], result["count"], result["head_seq"], result["first_bad_seq"]) == (True, 3, 3, None)
    assert result["head_hash"] == chain.head()[1]


def test_an_anchor_shows_the_newest_events_were_removed():
    support.build_chain(5)
    _code, head = _run("head")
    anchor = head.strip()
    with transaction.atomic():
        with triggers_removed():
            delete(5)
            delete(4)
            plain = _run("verify")
            anchored = _run("verify", "--anchor", anchor)
        transaction.set_rollback(True)
    assert plain[0] == 0  # a chain cut short still hangs together by itself...
    assert anchored[0] == 1  # ...but no longer reaches the anchor kept outside
    assert "first bad event 4" in anchored[1]
    assert _run("verify", "--anchor", anchor)[0] == 0


@pytest.mark.parametrize("anchor", ["5", "0:" + "0" * 64, "5:abc", "x:" + "a" * 64, "5:" + "g" * 64])
def test_a_malformed_anchor_is_refused(anchor):
    with pytest.raises(CommandError, match="anchor is SEQ:HASH"):
        call_command("audit", "verify", "--anchor", anchor, stdout=StringIO())


def test_head_prints_seq_colon_hash_and_json():
    assert _run("head") == (0, f"0:{chain.GENESIS_HASH}\n")
    support.build_chain(3)
    seq, digest = chain.head()
    assert _run("head") == (0, f"3:{digest}\n")
    assert json.loads(_run("head", "--json")[1]) == {"seq": 3, "hash": digest}
    assert seq == 3


def test_actions_lists_the_registry():
    out = _run("actions")[1]
    assert "audit.verified\tThe audit chain was verified" in out.splitlines()


# --- The installed console script, end to end, on a database of its own ------------------------------------------


def _custodes(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("custodes")
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.django_db(databases=[])
def test_the_console_script_exit_codes(tmp_path):
    """The real `custodes` command in its own process, against a SQLite file it migrates, as cron would run it."""
    database = tmp_path / "audit.sqlite3"
    env = {
        **os.environ,
        "CUSTODES_DATABASE_URL": f"sqlite:///{database}",
        "CUSTODES_VAR_DIR": str(tmp_path / "var"),
        "CUSTODES_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    assert _custodes(env, "migrate", "--noinput", "-v0").returncode == 0
    made = _custodes(
        env,
        "shell",
        "-c",
        "from custodes import audit\n"
        "for n in range(5): audit.record('auth.sign_in', actor=audit.SYSTEM, detail={'n': n})",
    )
    assert made.returncode == 0, made.stderr

    verified = _custodes(env, "audit", "verify")
    assert (verified.returncode, verified.stdout.split(" events")[0]) == (0, "ok: 5")
    head = _custodes(env, "audit", "head")
    assert head.returncode == 0
    anchor = head.stdout.strip()
    assert anchor.startswith("5:")
    assert len(anchor) == 66

    with sqlite3.connect(database) as db:  # an attacker with the database file, but not the key
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("DROP TRIGGER audit_event_no_delete")
        db.execute("UPDATE audit_auditevent SET detail = '{\"n\": 30}' WHERE seq = 3")
    tampered = _custodes(env, "audit", "verify")
    assert tampered.returncode == 1
    assert "first bad event 3" in tampered.stdout

    with sqlite3.connect(database) as db:
        db.execute("UPDATE audit_auditevent SET detail = '{\"n\": 2}' WHERE seq = 3")  # put it back...
        db.execute("DELETE FROM audit_auditevent WHERE seq = 5")  # ...and remove the newest instead
    assert _custodes(env, "audit", "verify").returncode == 0
    truncated = _custodes(env, "audit", "verify", "--anchor", anchor)
    assert truncated.returncode == 1
    assert "first bad event 5" in truncated.stdout
