"""The audit pages: who may see them, what they show, and the background verification they start."""

from __future__ import annotations

import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from custodes import audit
from custodes.audit import chain, tasks
from custodes.audit.actors import SYSTEM
from custodes.audit.models import AuditEvent
from custodes.audit.tests import support
from custodes.audit.tests.support import triggers_removed, update
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona, signed_in_client
from custodes.web.navigation import items_for

pytestmark = pytest.mark.django_db

STATUS = reverse("audit:status")
VERIFY = reverse("audit:verify")
EVENTS = reverse("audit:events")

STATUS_ROLES = {Role.SYSTEM_ADMINISTRATOR, Role.COUNTER_CORRUPTION_LEAD}
EVENT_ROLES = {Role.COUNTER_CORRUPTION_LEAD}


def _account(role: Role):
    """An account holding ``role`` in the scope it can be held in (nationally where it may be)."""
    definition = ROLE_DEFINITIONS[role]
    return persona(role, None if definition.national else EstablishmentFactory())


def _client(role: Role) -> Client:
    return signed_in_client(_account(role))


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", stdout=StringIO())


# --- Who may see what -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_status_page_is_for_roles_allowed_to_see_the_chains_status(role):
    response = _client(role).get(STATUS)
    assert response.status_code == (200 if role in STATUS_ROLES else 403)


@pytest.mark.parametrize("role", list(Role))
def test_the_events_list_is_for_roles_allowed_to_read_events(role):
    response = _client(role).get(EVENTS)
    assert response.status_code == (200 if role in EVENT_ROLES else 403)


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_allowed_to_may_ask_for_a_verification(role):
    response = _client(role).post(VERIFY)
    assert response.status_code == (302 if role in STATUS_ROLES else 403)
    assert DBTaskResult.objects.exists() is (role in STATUS_ROLES)


@pytest.mark.parametrize("url", [STATUS, EVENTS])
def test_anonymous_visitors_are_sent_to_sign_in(url):
    response = Client(HTTP_HOST="127.0.0.1").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert "next=" in response["Location"]


def test_anonymous_visitors_cannot_ask_for_a_verification():
    response = Client(HTTP_HOST="127.0.0.1").post(VERIFY)
    assert response.status_code == 302
    assert not DBTaskResult.objects.exists()


def test_methods_other_than_those_expected_are_refused():
    client = _client(Role.COUNTER_CORRUPTION_LEAD)
    assert client.post(STATUS).status_code == 405
    assert client.post(EVENTS).status_code == 405
    assert client.get(VERIFY).status_code == 405


def test_asking_for_a_verification_needs_the_csrf_token():
    user = _account(Role.SYSTEM_ADMINISTRATOR)
    client = signed_in_client(user)
    client.handler.enforce_csrf_checks = True
    assert client.post(VERIFY).status_code == 403
    assert not DBTaskResult.objects.exists()
    page = client.get(STATUS).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    assert client.post(VERIFY, {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert DBTaskResult.objects.count() == 1


def test_the_navigation_offers_audit_to_those_who_may_see_it():
    admin, staff = _account(Role.SYSTEM_ADMINISTRATOR), _account(Role.STAFF)
    assert "Audit" in [item["text"] for item in items_for(admin, "/")]
    assert "Audit" not in [item["text"] for item in items_for(staff, "/")]
    page = signed_in_client(admin).get(STATUS).content.decode()
    assert re.search(r'<a class="moj-primary-navigation__link" href="/audit/" aria-current="page">Audit</a>', page)


# --- The status page ----------------------------------------------------------------------------------------------


def test_the_status_page_shows_the_head_for_anchoring():
    support.build_chain(3)
    seq, digest = chain.head()
    page = _client(Role.SYSTEM_ADMINISTRATOR).get(STATUS).content.decode()
    assert f'<code class="govuk-!-text-break-word" id="audit-anchor">{seq}:{digest}</code>' in page
    assert "Events recorded" in page
    assert "The chain has not been verified from this page yet." in page
    assert "See recent events" not in page  # the administrator may not read events


# The worker closes connections it finds inside a transaction (close_old_connections), as it should in
# production; so these tests commit for real instead of running in the usual rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_a_verification_is_queued_and_its_result_recorded_by_the_worker():
    support.build_chain(4)
    admin = _account(Role.SYSTEM_ADMINISTRATOR)
    client = signed_in_client(admin)

    response = client.post(VERIFY, follow=True)
    assert "Verification queued" in response.content.decode()
    assert "A verification is queued or running" in response.content.decode()
    requested = AuditEvent.objects.get(action="audit.verification_requested")
    assert requested.actor_id == admin.pk
    assert client.post(VERIFY, follow=True).content.decode().count("already queued") == 1  # no second task
    assert DBTaskResult.objects.count() == 1

    _run_worker()

    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL
    verified = AuditEvent.objects.get(action="audit.verified")
    assert verified.actor_label == "audit verification task"
    assert verified.detail["ok"] is True
    assert verified.detail["count"] == verified.seq - 1  # every event before its own
    assert verified.detail["first_bad_seq"] is None
    assert verified.detail["requested_by"] == admin.pk
    page = client.get(STATUS).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Intact</strong>' in page
    assert "Verify the chain now" in page
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_verification_that_finds_tampering_says_where():
    support.build_chain(5)
    lead = _account(Role.COUNTER_CORRUPTION_LEAD)
    client = signed_in_client(lead)
    client.post(VERIFY)
    with triggers_removed():
        update(3, actor_label="someone else")
        _run_worker()
    verified = AuditEvent.objects.get(action="audit.verified")
    assert (verified.detail["ok"], verified.detail["first_bad_seq"]) == (False, 3)
    page = client.get(STATUS).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Tampered</strong>' in page
    assert "First bad event" in page
    assert "hash does not match the event&#x27;s content" in page
    assert "Treat this as a security incident" in page


def test_a_verification_task_that_fails_is_shown():
    user = _account(Role.SYSTEM_ADMINISTRATOR)
    client = signed_in_client(user)
    client.post(VERIFY)
    task = DBTaskResult.objects.get()
    task.status = TaskResultStatus.FAILED
    task.save()
    page = client.get(STATUS).content.decode()
    assert "stopped with an error before it could finish" in page


def test_the_task_can_be_called_directly():
    support.build_chain(2)
    with transaction.atomic():
        detail = tasks.verify_chain.call()
    assert (detail["ok"], detail["count"], detail["requested_by"]) == (True, 2, None)
    assert AuditEvent.objects.filter(action="audit.verified").count() == 1


# --- The events list ----------------------------------------------------------------------------------------------


def test_events_are_listed_newest_first_fifty_to_a_page():
    for n in range(120):
        audit.record("auth.sign_in", actor=SYSTEM, establishment="WWI" if n % 2 else "BAI", detail={"n": n})
    client = _client(Role.COUNTER_CORRUPTION_LEAD)
    newest = client.get(EVENTS)
    seqs = _listed(newest)
    assert seqs == list(range(120, 70, -1))
    older = _older_link(newest)
    second = client.get(EVENTS + older)
    assert _listed(second) == list(range(70, 20, -1))
    third = client.get(EVENTS + _older_link(second))
    assert _listed(third) == list(range(20, 0, -1))
    assert _older_link(third) is None
    back = client.get(EVENTS + _newer_link(third))
    assert _listed(back) == list(range(70, 20, -1))
    assert _newer_link(newest) is None


def test_events_can_be_filtered_by_action_and_establishment():
    audit.record("auth.sign_in", actor=SYSTEM, establishment="WWI")
    audit.record("auth.sign_out", actor=SYSTEM, establishment="WWI")
    audit.record("auth.sign_in", actor=SYSTEM, establishment="BAI")
    client = _client(Role.COUNTER_CORRUPTION_LEAD)
    assert _listed(client.get(EVENTS, {"action": "auth.sign_in"})) == [3, 1]
    assert _listed(client.get(EVENTS, {"establishment": "wwi"})) == [2, 1]
    assert _listed(client.get(EVENTS, {"action": "auth.sign_in", "establishment": "WWI"})) == [1]
    assert "No events match these filters." in client.get(EVENTS, {"action": "audit.verified"}).content.decode()


def test_filters_survive_paging():
    for _ in range(60):
        audit.record("auth.sign_in", actor=SYSTEM, establishment="WWI")
        audit.record("auth.sign_out", actor=SYSTEM, establishment="WWI")
    client = _client(Role.COUNTER_CORRUPTION_LEAD)
    first = client.get(EVENTS, {"action": "auth.sign_out"})
    link = _older_link(first)
    assert link is not None
    assert "action=auth.sign_out" in link
    second = client.get(EVENTS + link)
    assert len(_listed(second)) == 10
    assert {e.action for e in AuditEvent.objects.filter(seq__in=_listed(second))} == {"auth.sign_out"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"action": "not.an.action"}, "Select an action from the list"),
        ({"establishment": "W!"}, "Enter an establishment code of 2 to 8 letters or digits"),
    ],
)
def test_a_bad_filter_is_explained_and_ignored(query, message):
    audit.record("auth.sign_in", actor=SYSTEM)
    response = _client(Role.COUNTER_CORRUPTION_LEAD).get(EVENTS, query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert _listed(response) == [1]


def test_a_page_marker_that_is_not_a_number_shows_the_newest():
    audit.record("auth.sign_in", actor=SYSTEM)
    assert _listed(_client(Role.COUNTER_CORRUPTION_LEAD).get(EVENTS, {"before": "x'; DROP"})) == [1]


# --- Markup: strict CSP and accessibility basics -------------------------------------------------------------------


@pytest.mark.parametrize("url", [STATUS, EVENTS])
def test_pages_have_no_inline_script_or_style_and_a_sound_structure(url):
    support.build_chain(2)
    response = _client(Role.COUNTER_CORRUPTION_LEAD).get(url)
    page = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert " style=" not in page
    assert "<style" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert page.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])", page.split('id="main-content"')[1])]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # no heading level skipped
    for table in re.findall(r"<table.*?</table>", page, re.S):
        assert "<caption" in table
    for field_id in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', page):
        assert f'for="{field_id}"' in page


def _listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(seq) for seq in re.findall(r'<th scope="row"[^>]*>(\d+)</th>', response.content.decode())]


def _older_link(response) -> str | None:
    found = re.search(r'href="(\?[^"]*)" rel="next"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def _newer_link(response) -> str | None:
    found = re.search(r'href="(\?[^"]*)" rel="prev"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None
