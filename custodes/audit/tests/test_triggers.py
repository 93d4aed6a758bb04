"""The database itself refuses to rewrite history: UPDATE and DELETE (and TRUNCATE on PostgreSQL) fail."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from custodes import audit
from custodes.audit import chain, triggers
from custodes.audit.actors import SYSTEM
from custodes.audit.models import AuditEvent
from custodes.audit.tests.support import on_postgresql, triggers_removed

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> list[AuditEvent]:
    return [audit.record("auth.sign_in", actor=SYSTEM, detail={"n": n}) for n in range(3)]


def _refused(sql: str, params: list[object] | None = None) -> str:
    """Run ``sql`` in a savepoint (so the test's transaction survives the error) and return the error text."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    return str(raised.value)


def test_the_triggers_are_installed_by_the_migrations():
    assert triggers.installed(connection)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET detail = '{}' WHERE seq = 2",
        "UPDATE audit_auditevent SET seq = seq + 100",
        "UPDATE audit_auditevent SET hash = prev_hash WHERE seq = 3",
    ],
)
def test_update_is_refused(events, sql):
    assert "append-only" in _refused(sql)
    assert chain.verify().ok


@pytest.mark.parametrize("sql", ["DELETE FROM audit_auditevent WHERE seq = 3", "DELETE FROM audit_auditevent"])
def test_delete_is_refused(events, sql):
    assert "append-only" in _refused(sql)
    assert AuditEvent.objects.count() == 3


def test_the_orm_is_refused_too(events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert chain.verify().ok


def test_truncate_is_refused_on_postgresql(events):
    if not on_postgresql():
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused above")
    assert "append-only" in _refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 3


def test_appending_still_works(events):
    audit.record("auth.sign_out", actor=SYSTEM)
    assert chain.verify().count == 4


def test_it_is_the_triggers_that_refuse(events):
    """Without them the same statement succeeds (what an attacker who drops them can do): the chain shows it."""
    with transaction.atomic():
        with triggers_removed():
            assert not triggers.installed(connection)
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditevent SET actor_label = 'nobody' WHERE seq = 2")
            assert chain.verify().first_bad_seq == 2
        assert triggers.installed(connection)
        transaction.set_rollback(True)
    assert triggers.installed(connection)
    assert chain.verify().ok
