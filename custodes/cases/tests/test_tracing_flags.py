"""Access flags: a synthetic leak pattern (an investigator opening 10 cases they are not assigned to) is flagged to
the leads, once; normal work is not; a restricted case read and then left is flagged."""
# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from custodes import audit
from custodes.audit.api import snapshot
from custodes.audit.chain import append
from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseType
from custodes.cases.services import lifecycle
from custodes.cases.tracing import flags
from custodes.cases.tracing.tasks import flag_accesses
from custodes.core.roles import Role
from custodes.notifications.models import Notification, NotificationKind
from custodes.reporting import services as reporting
from custodes.testing.personas import persona

from .tracing_support import Scene, client, make_report, scene  # noqa: F401

pytestmark = pytest.mark.django_db


def _cases(scene: Scene, count: int, *, prison=None) -> list[Case]:
    return [
        lifecycle.open_case(
            actor=scene.lead,
            case_type=CaseType.STAFF_MISCONDUCT,
            title=f"Unrelated matter {n}",
            establishment=prison or scene.prison,
        )
        for n in range(count)
    ]


def _read(user, target, *, at: dt.datetime | None = None, action: str = "cases.viewed") -> None:
    with transaction.atomic():
        append(
            action=action,
            actor=snapshot(user),
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            occurred_at=at,
        )


def _flags() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.flagged").order_by("seq"))


def test_an_investigator_opening_ten_unassigned_cases_is_flagged_to_the_leads_once(scene: Scene):
    browsed = _cases(scene, 10)
    for case in browsed:
        _read(scene.unassigned, case)
    raised = flags.run()
    assert len(raised) == 1
    flag = raised[0]
    assert (flag.target_type, flag.target_id) == ("accounts.user", str(scene.unassigned.pk))
    assert flag.actor_label == "access flags"
    assert flag.detail["rule"] == "unassigned_reads"
    assert flag.detail["count"] == 10
    assert flag.detail["cases"] == sorted(case.reference for case in browsed)
    notified = set(
        Notification.objects.filter(kind=NotificationKind.ACCESS_FLAGGED, target_reference=str(flag.seq)).values_list(
            "user_id", flat=True
        )
    )
    leads = {scene.lead.pk, scene.other_lead.pk, scene.subject_lead.pk, scene.manager_lead.pk}
    assert notified == leads
    # Running again in the same window raises nothing new.
    assert flags.run() == []
    assert len(_flags()) == 1


def test_normal_work_is_not_flagged(scene: Scene):
    report = make_report(scene).report
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=report)
    for _ in range(30):  # an investigator working their own cases, however often
        _read(scene.investigator, scene.case)
        _read(scene.investigator, scene.restricted)
        reporting.open_report(actor=scene.investigator, report=report)
    many = _cases(scene, 12)
    for case in many:
        _read(scene.lead, case)  # leads oversee every case
        _read(scene.other_lead, case)
        _read(scene.governor, case)  # a governor, unrestricted cases at their own prison
    local = make_report(scene, national=False, about_officer=False).report
    for _ in range(10):
        reporting.open_report(actor=scene.triager, report=local)
    assert flags.run() == []


def test_the_threshold_is_more_than_n_different_cases_or_reports(scene: Scene, settings):
    settings.CUSTODES_ACCESS_FLAG_THRESHOLD = 5
    browsed = _cases(scene, 6)
    for case in browsed[:5]:
        _read(scene.unassigned, case)
        _read(scene.unassigned, case)  # the same case twice is one case
    assert flags.run() == []
    _read(scene.unassigned, browsed[5])
    assert len(flags.run()) == 1


def test_reports_outside_the_readers_routing_count_too(scene: Scene):
    national = [make_report(scene).report for _ in range(6)]
    for report in national:  # staff corruption goes to the national team, never to the prison's governor
        _read(scene.governor, report, action="reporting.viewed")
    [flag] = flags.run(threshold=5)
    assert flag.detail["reports"] == sorted(r.reference for r in national)
    assert flag.detail["cases"] == []


def test_an_assignment_explains_reads_while_it_lasted_and_not_after(scene: Scene):
    browsed = _cases(scene, 6)
    for case in browsed:
        lifecycle.assign(actor=scene.lead, case=case, user=scene.unassigned)
        _read(scene.unassigned, case)
    assert flags.run(threshold=5) == []
    for case in browsed:
        lifecycle.unassign(actor=scene.lead, case=case, user=scene.unassigned)
        _read(scene.unassigned, case)  # after being taken off
    assert len(flags.run(threshold=5)) == 1


def test_reads_before_the_window_are_not_counted(scene: Scene):
    long_ago = timezone.now() - dt.timedelta(days=30)
    for case in _cases(scene, 10):
        _read(scene.unassigned, case, at=long_ago)
    assert flags.run(window_days=7) == []
    assert len(flags.run(window_days=31)) == 1


def test_reading_a_restricted_case_then_being_taken_off_it_is_flagged(scene: Scene):
    bystander = persona(Role.INVESTIGATOR)
    lifecycle.assign(actor=scene.lead, case=scene.restricted, user=bystander)
    _read(scene.investigator, scene.restricted)
    lifecycle.unassign(actor=scene.lead, case=scene.restricted, user=scene.investigator)
    lifecycle.unassign(actor=scene.lead, case=scene.restricted, user=bystander)  # never read it: not flagged
    raised = flags.run()
    assert [(f.target_id, f.detail["rule"], f.detail["case"]) for f in raised] == [
        (str(scene.investigator.pk), "restricted_read_then_removed", scene.restricted.reference)
    ]
    assert flags.run() == []


def test_what_counts_is_whether_the_case_was_restricted_when_they_were_taken_off(scene: Scene):
    # Restricted then, lifted before the check runs: still flagged.
    _read(scene.investigator, scene.restricted)
    lifecycle.unassign(actor=scene.lead, case=scene.restricted, user=scene.investigator)
    lifecycle.set_restriction(actor=scene.lead, case=scene.restricted, restricted=False, reason="Police finished")
    # Not restricted then, restricted before the check runs: not flagged.
    lifecycle.assign(actor=scene.lead, case=scene.case, user=scene.unassigned)
    _read(scene.unassigned, scene.case)
    lifecycle.unassign(actor=scene.lead, case=scene.case, user=scene.unassigned)
    lifecycle.set_restriction(actor=scene.lead, case=scene.case, restricted=True, reason="Sensitive now")
    raised = flags.run()
    assert [(f.target_id, f.detail["case"]) for f in raised] == [
        (str(scene.investigator.pk), scene.restricted.reference)
    ]


def test_the_command_and_the_task_run_the_same_rules(scene: Scene):
    for case in _cases(scene, 10):
        _read(scene.unassigned, case)
    out = io.StringIO()
    call_command("access-flags", stdout=out)
    assert "access flags raised: 1" in out.getvalue()
    assert "unassigned_reads" in out.getvalue()
    assert flag_accesses.call() == {"flags": 0}
    with pytest.raises(Exception, match="threshold"):
        call_command("access-flags", "--threshold", "0")


def test_the_flags_page_lists_flags_and_hides_references_the_reader_may_not_see(scene: Scene):
    browsed = _cases(scene, 9)
    lifecycle.set_restriction(actor=scene.lead, case=browsed[0], restricted=True, reason="Sensitive")
    for case in browsed:
        _read(scene.unassigned, case)
    flags.run()
    page = client(scene.other_lead).get(reverse("cases:access-flags"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Opened cases or reports outside their assignments" in text
    assert scene.unassigned.username in text
    assert browsed[1].reference in text
    assert browsed[0].reference not in text  # restricted, and other_lead is not named on it
    assert "And 1 you may not see" in text
    assert AuditEvent.objects.filter(action="access.traced", actor_id=scene.other_lead.pk).exists()


def test_flags_are_audited_without_content(scene: Scene):
    for case in _cases(scene, 10):
        _read(scene.unassigned, case)
    [flag] = flags.run()
    assert set(flag.detail) == {"rule", "user", "user_label", "count", "threshold", "window_days", "cases", "reports"}
    assert "Unrelated matter" not in str(flag.detail)  # references only, never titles
    with transaction.atomic():
        audit.record("cases.viewed", actor=scene.lead, target=scene.case)  # the chain still takes writes
