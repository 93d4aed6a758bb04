"""record(): one event, in the caller's transaction, from a registered action and small JSON-safe detail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from custodes import audit
from custodes.audit import chain
from custodes.audit.actors import SYSTEM, AnonymousActor, SystemActor
from custodes.audit.chain import AuditDetailError
from custodes.audit.models import AuditEvent
from custodes.audit.registry import UnknownAuditAction
from custodes.core.request_context import reset_request_id, set_request_id
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_an_event_is_part_of_the_callers_transaction_and_leaves_no_gap_when_rolled_back():
    audit.record("auth.sign_in", actor=SYSTEM)
    seen_inside = []

    def write_then_fail() -> None:
        with transaction.atomic():
            inside = audit.record("auth.sign_out", actor=SYSTEM)
            seen_inside.append((inside.seq, AuditEvent.objects.filter(seq=2).exists()))
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    assert seen_inside == [(2, True)]  # written, and visible inside the transaction that wrote it
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["auth.sign_in"]

    after = audit.record("auth.sign_out", actor=SYSTEM)
    assert after.seq == 2  # the rolled-back number is reused: no gap
    assert after.prev_hash == AuditEvent.objects.get(seq=1).hash
    result = chain.verify()
    assert result.ok
    assert result.count == 2


def test_events_chain_from_the_genesis_hash():
    first = audit.record("auth.sign_in", actor=SYSTEM)
    second = audit.record("auth.sign_out", actor=SYSTEM)
    assert (first.seq, first.prev_hash) == (1, chain.GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)


def test_the_hash_is_hmac_sha256_of_the_canonical_bytes_under_the_audit_key():
    event = audit.record(
        "estate.prisoner_changed",
        actor=SYSTEM,
        target_type="estate.prisoner",
        target_id=42,
        establishment="WWI",
        detail={"fields": ["cell"], "b": 1, "a": None},
    )
    message = chain.canonical_bytes(
        event.seq,
        event.occurred_at,
        None,
        "system",
        "",
        "estate.prisoner_changed",
        "estate.prisoner",
        "42",
        "WWI",
        "",
        {"a": None, "b": 1, "fields": ["cell"]},
        chain.GENESIS_HASH,
    )
    assert message.startswith(b'[1,"')
    assert b'{"a":null,"b":1,"fields":["cell"]}' in message
    assert event.hash == chain.keyed_hash(chain.audit_key(), message)
    # Someone with the database but another key cannot produce hashes verify() accepts.
    assert chain.verify(key=b"k" * 32).first_bad_seq == 1


def test_occurred_at_is_utc_with_microseconds():
    event = audit.record("auth.sign_in", actor=SYSTEM)
    event.refresh_from_db()
    assert event.occurred_at.utcoffset() == dt.timedelta(0)
    assert chain.format_time(event.occurred_at).endswith("Z")


def test_an_unknown_action_is_refused_and_nothing_is_written():
    with pytest.raises(UnknownAuditAction):
        audit.record("auth.sign_inn", actor=SYSTEM)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        ({"score": 0.5}, "float"),
        ({"scores": [1, 2.0]}, "float"),
        ({"nested": {"deep": 1.5}}, "float"),
        ({1: "key is not text"}, "keys must be text"),
        ({"nested": {2: "x"}}, "keys must be text"),
        ({"text": "x" * 5000}, "larger than 4096 bytes"),
        ({"many": ["é" * 100] * 10}, "larger than 4096 bytes"),  # counted as escaped JSON, not characters
        ({"nul": "a\x00b"}, "NUL"),
        ({"when": dt.date(2026, 1, 1)}, "date"),
        ({"amount": Decimal("1.5")}, "Decimal"),
        ({"raw": b"bytes"}, "bytes"),
        ({"set": {1, 2}}, "set"),
        ({"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}, "nested too deeply"),
    ],
)
def test_bad_detail_is_refused_and_nothing_is_written(detail, message):
    with pytest.raises(AuditDetailError, match=message):
        audit.record("auth.sign_in", actor=SYSTEM, detail=detail)
    assert not AuditEvent.objects.exists()


def test_detail_keeps_what_json_keeps():
    event = audit.record("auth.sign_in", actor=SYSTEM, detail={"pair": (1, 2), "flag": True, "none": None})
    event.refresh_from_db()
    assert event.detail == {"pair": [1, 2], "flag": True, "none": None}
    assert chain.verify().ok


def test_detail_just_under_the_limit_is_accepted():
    audit.record("auth.sign_in", actor=SYSTEM, detail={"text": "x" * 4000})
    assert chain.verify().ok


def test_an_account_is_recorded_by_id_username_and_roles_with_their_scope():
    wandsworth = EstablishmentFactory(code="WWI")
    user = persona(Role.GOVERNOR, wandsworth, username="governor-one")
    user.role_grants.create(role=Role.INVESTIGATOR.value, establishment=None)
    user.forget_policy_grants()
    event = audit.record("auth.sign_in", actor=user, target=user)
    assert event.actor_id == user.pk
    assert event.actor_label == "governor-one"
    assert event.actor_roles == "governor@WWI,investigator@national"
    assert (event.target_type, event.target_id) == ("accounts.user", str(user.pk))


def test_the_snapshot_outlives_the_account():
    user = persona(Role.COUNTER_CORRUPTION_LEAD, username="lead-one")
    user_id = user.pk
    event = audit.record("auth.sign_in", actor=user)
    user.delete()
    event.refresh_from_db()  # no foreign key: deleting the account cannot cascade into history
    assert (event.actor_id, event.actor_label, event.actor_roles) == (
        user_id,
        "lead-one",
        "counter_corruption_lead@national",
    )
    assert chain.verify().ok


def test_an_api_token_is_named_in_the_label():
    user = persona(Role.ANALYST, username="robot")
    user.api_token_label = "nightly export"  # set by the API's token authentication
    assert audit.record("auth.sign_in", actor=user).actor_label == "robot via token nightly export"


@pytest.mark.parametrize(
    ("actor", "label"),
    [
        (SYSTEM, "system"),
        (SystemActor(label="estate import"), "estate import"),
        (AnonymousActor(), "anonymous"),
        (None, "anonymous"),
        (AnonymousUser(), "anonymous"),
    ],
)
def test_actors_that_are_not_accounts(actor, label):
    event = audit.record("auth.sign_in_failed", actor=actor)
    assert (event.actor_id, event.actor_label, event.actor_roles) == (None, label, "")


def test_the_request_id_comes_from_the_request_context():
    token = set_request_id("0123456789abcdef")
    try:
        inside = audit.record("auth.sign_in", actor=SYSTEM)
    finally:
        reset_request_id(token)
    outside = audit.record("auth.sign_out", actor=SYSTEM)
    assert inside.request_id == "0123456789abcdef"
    assert outside.request_id == ""


def test_a_target_and_establishment_may_be_objects_or_given_by_name():
    wandsworth = EstablishmentFactory(code="WWI")
    by_object = audit.record("estate.establishment_changed", actor=SYSTEM, target=wandsworth, establishment=wandsworth)
    by_name = audit.record(
        "estate.establishment_changed",
        actor=SYSTEM,
        target_type="estate.establishment",
        target_id=7,
        establishment="WWI",
    )
    assert (by_object.target_type, by_object.target_id, by_object.establishment) == (
        "estate.establishment",
        str(wandsworth.pk),
        "WWI",
    )
    assert (by_name.target_type, by_name.target_id, by_name.establishment) == ("estate.establishment", "7", "WWI")


def test_a_short_audit_key_is_refused(settings):
    settings.AUDIT_KEY = "ab" * 8
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        audit.record("auth.sign_in", actor=SYSTEM)
    assert not AuditEvent.objects.exists()
