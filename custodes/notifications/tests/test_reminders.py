"""Task reminders: due (today or tomorrow) and overdue, once each per due date, only to assignees who may still
see the case; run by ``custodes notify-due`` and the ``remind_due_tasks`` task."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from custodes.cases.models import Task
from custodes.cases.services import lifecycle
from custodes.cases.tests.tracing_support import Scene
from custodes.notifications import reminders
from custodes.notifications.models import Notification, NotificationKind
from custodes.notifications.tasks import remind_due_tasks

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 11)


def _task(scene: Scene, due_on: dt.date | None, **kwargs) -> Task:
    values = {
        "case": scene.case,
        "title": "Interview the night manager",
        "assignee": scene.investigator,
        "created_by": scene.lead,
        "created_at": timezone.now(),
        "due_on": due_on,
        **kwargs,
    }
    return Task.objects.create(**values)


def _reminded(kind: NotificationKind) -> list[int]:
    return list(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_due_and_overdue_tasks_are_reminded_once_each(scene: Scene):
    _task(scene, TODAY + dt.timedelta(days=1))
    _task(scene, TODAY)
    _task(scene, TODAY - dt.timedelta(days=2))
    _task(scene, TODAY + dt.timedelta(days=2))  # not yet
    _task(scene, None)  # no due date
    _task(scene, TODAY - dt.timedelta(days=9), done_at=timezone.now())  # done
    _task(scene, TODAY, assignee=None)  # nobody to remind
    first = reminders.remind_due_tasks(today=TODAY)
    assert (first.due, first.overdue) == (2, 1)
    again = reminders.remind_due_tasks(today=TODAY)
    assert (again.due, again.overdue) == (0, 0)
    # The next day: the task due "tomorrow" is due today, and already reminded; the one due today is overdue now;
    # the one due in two days is due tomorrow.
    later = reminders.remind_due_tasks(today=TODAY + dt.timedelta(days=1))
    assert (later.due, later.overdue) == (1, 1)


def test_moving_the_due_date_makes_a_new_reminder(scene: Scene):
    task = _task(scene, TODAY)
    reminders.remind_due_tasks(today=TODAY)
    task.due_on = TODAY + dt.timedelta(days=1)
    task.save()
    assert reminders.remind_due_tasks(today=TODAY).due == 1


def test_no_reminder_about_a_case_the_assignee_may_no_longer_see(scene: Scene):
    _task(scene, TODAY)
    lifecycle.unassign(actor=scene.lead, case=scene.case, user=scene.investigator)
    _task(scene, TODAY, assignee=scene.subject_lead, title="Hidden from its assignee")
    assert reminders.remind_due_tasks(today=TODAY).due == 0
    assert _reminded(NotificationKind.TASK_DUE) == []


def test_no_reminder_on_a_closed_case(scene: Scene):
    _task(scene, TODAY - dt.timedelta(days=1))
    lifecycle.change_status(actor=scene.lead, case=scene.case, to="closed", reason="Nothing to pursue")
    assert reminders.remind_due_tasks(today=TODAY).overdue == 0


def test_the_command_and_the_task(scene: Scene):
    _task(scene, timezone.localdate())
    out = io.StringIO()
    call_command("notify-due", stdout=out)
    assert out.getvalue().startswith("reminders: 1 due, 0 overdue; emails sent:")
    assert remind_due_tasks.call()["due"] == 0
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("notify-due", "--today", "yesterday")
    out = io.StringIO()
    call_command("notify-due", "--today", (timezone.localdate() + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "0 due, 1 overdue" in out.getvalue()
