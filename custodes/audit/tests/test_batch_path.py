"""The PostgreSQL batch path (custodes.audit.pgverify): the bytes it hashes are canonical_bytes() exactly, it
never vouches for an event whose stored values differ from what was hashed, and it leaves the caller's
transaction as it found it.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.audit import chain, pgverify
from custodes.audit.models import AuditEvent
from custodes.audit.tests import support
from custodes.audit.tests.support import event_content, row, triggers_removed, update

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if not support.on_postgresql():
        pytest.skip("the batch path renders bytes in PostgreSQL; SQLite uses the reference check throughout")


def _needs_escaping(text: str) -> bool:
    return any(ch in '"\\' or ord(ch) < 0x20 for ch in text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    contents=st.lists(event_content(), min_size=1, max_size=8), plain=st.lists(event_content(plain=True), max_size=4)
)
def test_the_database_renders_exactly_the_canonical_bytes(contents, plain):
    with transaction.atomic():
        support.build_chain(len(contents) + len(plain), contents + plain)
        rendered = pgverify.rendered_messages()
        for event in AuditEvent.objects.order_by("seq"):
            values = row(event.seq)
            message = rendered[event.seq]
            strings = [values[c] for c in ("actor_label", "actor_roles", "target_type", "target_id")]
            escaped = any(_needs_escaping(s) for s in [*strings, values["establishment"], values["request_id"]])
            # Byte for byte the same wherever no string needs escaping; elsewhere deferred (None) or different,
            # so the event goes to the reference check.
            assert (message == support.canonical(values)) is not escaped
        transaction.set_rollback(True)


def test_an_ordinary_chain_is_verified_entirely_in_batches():
    support.build_chain(30, [{"actor": chain.ActorSnapshot(7, "user7", "investigator@WWI")}] * 30)
    result = chain.verify(batch_size=4)
    assert (result.ok, result.count, result.reference_checked) == (True, 30, 0)


def test_events_it_cannot_render_are_checked_one_by_one_and_the_rest_in_batches():
    odd = {5: 'O"Brien', 12: "back\\slash", 13: "new\nline", 29: "tab\tbed"}
    for index in range(30):
        support.append_event(index, actor=chain.ActorSnapshot(None, odd.get(index + 1, "plain"), ""))
    with transaction.atomic():
        search_path = _search_path()
        result = chain.verify(batch_size=4)
        # The stream was cut short (and its query cancelled) four times: the transaction is still usable,
        # with its own search path.
        assert AuditEvent.objects.count() == 30
        assert _search_path() == search_path
    assert (result.ok, result.count, result.reference_checked) == (True, 30, len(odd))


def _search_path() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        return str(cursor.fetchone()[0])


def test_text_that_renders_like_the_original_once_unescaped_is_still_caught():
    """Stored 'a\\"b' renders unescaped as "a\\"b", the very bytes hashed for the original 'a"b'."""
    support.build_chain(2)
    support.append_event(2, actor=chain.ActorSnapshot(None, 'a"b', ""))
    with transaction.atomic():
        with triggers_removed():
            update(3, actor_label='a\\"b')
            result = chain.verify()
        transaction.set_rollback(True)
    assert (result.ok, result.first_bad_seq) == (False, 3)


@pytest.mark.parametrize(
    "moved_to",
    [
        "12026-03-04 05:06:07.123456+00",  # a year Python cannot hold
        "0044-03-15 12:00:00+00 BC",
        "infinity",
    ],
)
def test_a_time_python_cannot_hold_is_caught(moved_to):
    support.build_chain(3)
    with transaction.atomic():
        with triggers_removed(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET occurred_at = %s::timestamptz WHERE seq = 2", [moved_to])
            result = chain.verify()
        transaction.set_rollback(True)
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 2, "the event's time cannot be read")


def test_a_bc_date_with_the_same_digits_is_caught():
    """to_char() prints 2026 BC as 2026: without the guard the batch path would vouch for it."""
    event = support.append_event(0)
    moment = event.occurred_at
    with transaction.atomic():
        with triggers_removed(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET occurred_at = %s::timestamptz WHERE seq = 1",
                [moment.strftime("%Y-%m-%d %H:%M:%S.%f+00 BC")],
            )
            cursor.execute(
                "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                "FROM audit_auditevent WHERE seq = 1"
            )
            assert cursor.fetchone()[0] == chain.format_time(moment)  # the trap is real
            result = chain.verify()
        transaction.set_rollback(True)
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 1, "the event's time cannot be read")


def test_a_function_planted_in_the_apps_schema_cannot_make_verify_vouch_for_a_change():
    """Someone able to create functions could shadow a built-in for the app's search path so that the database
    renders a tampered event as the original; verify() only ever calls the built-in catalogue."""
    support.build_chain(1)
    support.append_event(1, actor=chain.ActorSnapshot(None, "alice", ""))
    with transaction.atomic():
        with triggers_removed(), connection.cursor() as cursor:
            update(2, actor_label="mallory")
            cursor.execute(
                "CREATE FUNCTION public.convert_to(text, name) RETURNS bytea LANGUAGE sql AS "
                "$$ SELECT pg_catalog.convert_to(pg_catalog.replace($1, 'mallory', 'alice'), $2) $$"
            )
            cursor.execute("SET LOCAL search_path = public, pg_catalog")
            cursor.execute("SELECT convert_to('mallory', 'UTF8')")
            assert bytes(cursor.fetchone()[0]) == b"alice"  # the shadowing works for ordinary queries
            result = chain.verify()
        transaction.set_rollback(True)
    assert (result.ok, result.first_bad_seq) == (False, 2)
