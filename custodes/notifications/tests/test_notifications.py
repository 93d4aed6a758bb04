"""Who is notified of what: assignment, tasks, restriction changes, reporter messages and access flags, always
chosen through the policy, so the subject of a case or report, and their line manager, never hear of it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.models import Task
from custodes.cases.services import lifecycle
from custodes.cases.tests.tracing_support import Scene, make_report
from custodes.core.roles import Role
from custodes.notifications import services
from custodes.notifications.models import Notification, NotificationKind, TargetType
from custodes.reporting.services import follow_up
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


def _recipients(kind: NotificationKind, reference: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind, target_reference=reference).values_list("user_id", flat=True))


def test_assignment_notifies_the_investigator_and_nobody_else(scene: Scene):
    assert _recipients(NotificationKind.CASE_ASSIGNED, scene.case.reference) == {scene.investigator.pk}
    newcomer = persona(Role.INVESTIGATOR)
    lifecycle.assign(actor=scene.lead, case=scene.case, user=newcomer)
    assert _recipients(NotificationKind.CASE_ASSIGNED, scene.case.reference) == {scene.investigator.pk, newcomer.pk}
    notification = Notification.objects.get(user=newcomer)
    assert (notification.target_type, notification.read_at) == (TargetType.CASE, None)


def test_a_rolled_back_change_notifies_nobody(scene: Scene):
    newcomer = persona(Role.INVESTIGATOR)

    @transaction.atomic
    def assign_then_fail() -> None:
        lifecycle.assign(actor=scene.lead, case=scene.case, user=newcomer)
        raise RuntimeError("the request failed after the assignment")

    with pytest.raises(RuntimeError):
        assign_then_fail()
    assert not Notification.objects.filter(user=newcomer).exists()


def test_restriction_changes_notify_the_named_people_who_may_see_the_case(scene: Scene):
    lifecycle.set_restriction(
        actor=scene.lead,
        case=scene.case,
        restricted=True,
        # The subject and their line manager named by mistake: the policy still hides the case from them.
        named=[scene.investigator, scene.other_lead, scene.subject_lead, scene.manager_lead],
        reason="Leak suspected",
    )
    notified = _recipients(NotificationKind.RESTRICTION_CHANGED, scene.case.reference)
    assert notified == {scene.investigator.pk, scene.other_lead.pk}  # not the lead who did it, nor the subject
    lifecycle.set_restriction(actor=scene.other_lead, case=scene.case, restricted=False, reason="Leak traced")
    assert Notification.objects.filter(user=scene.lead, kind=NotificationKind.RESTRICTION_CHANGED).count() == 1


def test_a_task_notifies_its_assignee_if_they_may_see_the_case(scene: Scene):
    now = timezone.now()
    task = Task.objects.create(
        case=scene.case,
        title="Interview the night manager",
        assignee=scene.investigator,
        created_by=scene.lead,
        created_at=now,
    )
    assert len(services.notify_task_assigned(task)) == 1
    hidden = Task.objects.create(
        case=scene.case, title="Check the rota", assignee=scene.subject_lead, created_by=scene.lead, created_at=now
    )
    assert services.notify_task_assigned(hidden) == []
    own = Task.objects.create(
        case=scene.case, title="Note to self", assignee=scene.lead, created_by=scene.lead, created_at=now
    )
    assert services.notify_task_assigned(own) == []  # the person who made it is not told of it


def test_a_reporter_message_on_a_linked_report_goes_to_the_case_team(scene: Scene):
    submitted = make_report(scene)
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=submitted.report)
    follow_up.reporter_adds(receipt=submitted.receipt, body="He did it again last night.")
    notified = _recipients(NotificationKind.REPORTER_MESSAGE, submitted.report.reference)
    assert notified == {scene.lead.pk, scene.investigator.pk}


def test_a_reporter_message_on_an_unlinked_report_goes_to_those_who_may_reply(scene: Scene):
    liaison = persona(Role.REPORTER_LIAISON)
    elsewhere = persona(Role.TRIAGER, scene.other_prison)
    local_triager = scene.triager
    national = make_report(scene)  # staff corruption: the national team; names the officer
    follow_up.reporter_adds(receipt=national.receipt, body="More detail about the phone.")
    assert _recipients(NotificationKind.REPORTER_MESSAGE, national.report.reference) == {
        scene.lead.pk,
        scene.other_lead.pk,
        liaison.pk,
    }  # never subject_lead (the officer) nor manager_lead (their manager); not triagers (not routed to them)
    local = make_report(scene, national=False, about_officer=False)
    follow_up.reporter_adds(receipt=local.receipt, body="The heating is still off.")
    notified = _recipients(NotificationKind.REPORTER_MESSAGE, local.report.reference)
    assert local_triager.pk in notified
    assert elsewhere.pk not in notified
    assert scene.governor.pk not in notified  # governors read reports but do not reply to reporters
    assert {scene.subject_lead.pk, scene.manager_lead.pk} <= notified  # this report is not about them


def test_the_subject_never_hears_of_their_own_case_or_report(scene: Scene):
    submitted = make_report(scene)
    follow_up.reporter_adds(receipt=submitted.receipt, body="Another message.")
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=submitted.report)
    follow_up.reporter_adds(receipt=submitted.receipt, body="And another.")
    lifecycle.set_restriction(
        actor=scene.lead, case=scene.case, restricted=True, named=[scene.subject_lead], reason="Named in error"
    )
    for person in (scene.subject_lead, scene.manager_lead, scene.subject_governor, scene.manager_governor):
        assert not Notification.objects.filter(user=person).exists(), person


def test_inactive_accounts_are_not_notified(scene: Scene):
    User.objects.filter(pk=scene.other_lead.pk).update(is_active=False)
    submitted = make_report(scene)
    follow_up.reporter_adds(receipt=submitted.receipt, body="Anything?")
    assert not Notification.objects.filter(user=scene.other_lead).exists()


def test_marking_read_is_for_the_owner_only(scene: Scene):
    from django.http import Http404

    mine = Notification.objects.get(
        user=scene.investigator, kind=NotificationKind.CASE_ASSIGNED, target_reference=scene.case.reference
    )
    with pytest.raises(Http404):
        services.mark_read(actor=scene.lead, notification_id=mine.pk)
    services.mark_read(actor=scene.investigator, notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert services.mark_all_read(actor=scene.investigator) == 2  # the restricted case: assigned, then restricted
    assert services.mark_all_read(actor=scene.investigator) == 0


def test_a_failure_to_notify_never_loses_the_reporters_message(scene: Scene, monkeypatch):
    from custodes.notifications import recipients

    def broken(report):
        raise RuntimeError("a bug in choosing recipients")

    monkeypatch.setattr(recipients, "for_reporter_message", broken)
    submitted = make_report(scene)
    message = follow_up.reporter_adds(receipt=submitted.receipt, body="Please read this.")
    assert message.pk is not None
    assert submitted.report.messages.filter(pk=message.pk).exists()
    assert not Notification.objects.filter(kind=NotificationKind.REPORTER_MESSAGE).exists()
