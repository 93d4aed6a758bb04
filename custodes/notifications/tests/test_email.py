"""Notification email: sent after commit, at most once, retried by the sweep; and never any content. Every kind
of notification is made through the real flow, and every email body is checked against everything the case, the
report and the people involved could give away."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.cases.models import Task
from custodes.cases.services import external, lifecycle
from custodes.cases.tests.tracing_support import NARRATIVE, Scene, make_report
from custodes.cases.tracing import flags
from custodes.core.roles import Role
from custodes.notifications import email, reminders, services
from custodes.notifications.models import Notification, NotificationKind
from custodes.reporting.services import follow_up
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    # Tasks run as soon as they are queued (after commit), so the test sees the email the worker would send.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CUSTODES_BASE_URL = "https://custodes.example.test"


@pytest.fixture
def quiet(scene: Scene) -> Scene:
    """The scene, with the email its own setting-up caused (never committed, so never sent) put aside."""
    Notification.objects.update(email_pending=False)
    return scene


def _every_kind(scene: Scene, on_commit) -> dict[str, Any]:
    """Cause one notification of every kind; returns what must never appear in an email."""
    with on_commit(execute=True):
        newcomer = persona(Role.INVESTIGATOR, email="newcomer@example.test", full_name="Garnet Coldharbour")
        lifecycle.assign(actor=scene.lead, case=scene.case, user=newcomer)
    with on_commit(execute=True):
        task = Task.objects.create(
            case=scene.case,
            title="Interview Officer Hazeldean about the phone",
            assignee=newcomer,
            created_by=scene.lead,
            created_at=timezone.now(),
            due_on=timezone.localdate() + dt.timedelta(days=1),
        )
        services.notify_task_assigned(task)
    with on_commit(execute=True):
        Task.objects.create(
            case=scene.case,
            title="Seize the handset",
            assignee=newcomer,
            created_by=scene.lead,
            created_at=timezone.now(),
            due_on=timezone.localdate() - dt.timedelta(days=3),
        )
        reminders.remind_due_tasks()
    with on_commit(execute=True):
        submitted = make_report(scene)
        follow_up.reporter_adds(receipt=submitted.receipt, body="He used the name Bramble on the landing.")
    with on_commit(execute=True):
        lifecycle.set_restriction(
            actor=scene.lead, case=scene.case, restricted=True, named=[newcomer], reason="Officer Hazeldean's friend"
        )
    with on_commit(execute=True):
        police = external.create_external_investigation(
            actor=scene.lead,
            case=scene.case,
            agency="police",
            agency_name="Testshire Police",
            external_reference="TP/2026/4471",
            contact="DC Brackwater",
        )
        cases = [
            lifecycle.open_case(
                actor=scene.lead, case_type="staff_misconduct", title=f"Matter {n}", establishment=scene.prison
            )
            for n in range(10)
        ]
        for case in cases:
            with transaction.atomic():
                audit.record("cases.viewed", actor=scene.unassigned, target=case)
        flags.run()
    people = [scene.officer, scene.manager]
    users = [newcomer, scene.lead, scene.investigator, scene.unassigned, scene.other_lead, scene.triager]
    return {
        "references": [scene.case.reference, submitted.report.reference, *(c.reference for c in cases)],
        "words": [
            scene.case.title,
            "Phones conveyed",
            task.title,
            "Seize the handset",
            NARRATIVE[:40],
            "Bramble",
            "Hazeldean",
            scene.prison.name,
            scene.prison.code,
            police.agency_name,
            police.external_reference,
            "Brackwater",
            "Mobile phones",
            *(f"{p.first_name} {p.last_name}" for p in people),
            *(p.staff_number for p in people),
            *(u.full_name for u in users),
            *(u.username for u in users),
        ],
    }


def test_every_kind_of_email_says_only_that_there_is_something_to_see(quiet: Scene, django_capture_on_commit_callbacks):
    forbidden = _every_kind(quiet, django_capture_on_commit_callbacks)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == set(NotificationKind.values), "every kind of notification was made"
    assert mail.outbox, "and emailed"
    assert len(mail.outbox) == Notification.objects.filter(emailed_at__isnull=False).count()
    assert not Notification.objects.filter(email_pending=True).exists()  # everyone with an address was written to
    allowed_bodies = {email.body(kind) for kind in NotificationKind.values}
    for message in mail.outbox:
        assert message.body in allowed_bodies
        assert message.subject == "Custodes: you have a new notification"
        text = message.subject + "\n" + message.body
        for secret in [*forbidden["references"], *forbidden["words"]]:
            assert secret.lower() not in text.lower(), (secret, message.body)
        assert "https://custodes.example.test/notifications/" in message.body
        assert len(message.to) == 1


def test_email_is_sent_after_commit_and_only_once(quiet: Scene, django_capture_on_commit_callbacks):
    newcomer = persona(Role.INVESTIGATOR, email="newcomer@example.test")
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.assign(actor=quiet.lead, case=quiet.case, user=newcomer)
        assert mail.outbox == []  # nothing leaves before the change is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["newcomer@example.test"]]
    notification = Notification.objects.get(user=newcomer)
    assert notification.emailed_at is not None
    assert not notification.email_pending
    assert email.deliver() == 0  # the sweep finds nothing more to send
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_by_the_sweep(quiet: Scene, settings, monkeypatch):
    newcomer = persona(Role.INVESTIGATOR, email="newcomer@example.test")
    lifecycle.assign(actor=quiet.lead, case=quiet.case, user=newcomer)  # the test's transaction: not sent yet

    def broken(self, *args, **kwargs):
        raise OSError("the relay is down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    assert email.deliver() == 0
    assert Notification.objects.get(user=newcomer).email_pending
    monkeypatch.undo()
    out = io.StringIO()
    call_command("notify-due", stdout=out)
    assert "emails sent: 1" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["newcomer@example.test"]]


def test_no_email_without_an_address_or_with_email_off(quiet: Scene, settings):
    silent = persona(Role.INVESTIGATOR)  # no address
    lifecycle.assign(actor=quiet.lead, case=quiet.case, user=silent)
    assert not Notification.objects.get(user=silent).email_pending
    settings.CUSTODES_EMAIL_BACKEND = "off"
    addressed = persona(Role.INVESTIGATOR, email="someone@example.test")
    lifecycle.assign(actor=quiet.lead, case=quiet.case, user=addressed)
    assert not Notification.objects.get(user=addressed).email_pending
    assert email.deliver() == 0


def test_an_address_removed_since_is_not_written_to(quiet: Scene):
    newcomer = persona(Role.INVESTIGATOR, email="newcomer@example.test")
    lifecycle.assign(actor=quiet.lead, case=quiet.case, user=newcomer)
    newcomer.email = ""
    newcomer.save(update_fields=["email"])
    assert email.deliver() == 0
    assert not Notification.objects.get(user=newcomer).email_pending


def test_old_unsent_email_is_given_up(quiet: Scene):
    newcomer = persona(Role.INVESTIGATOR, email="newcomer@example.test")
    lifecycle.assign(actor=quiet.lead, case=quiet.case, user=newcomer)
    Notification.objects.filter(user=newcomer).update(created_at=timezone.now() - dt.timedelta(days=4))
    assert email.deliver() == 0
    assert mail.outbox == []
