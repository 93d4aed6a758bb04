"""Opening cases, the workflow's transition table, assignment, restriction and need-to-know."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from custodes.audit.models import AuditEvent
from custodes.cases import selectors, workflow
from custodes.cases.models import Case, CaseStatus, CaseType
from custodes.cases.services import lifecycle
from custodes.cases.services.common import unseal
from custodes.core import policy
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in CaseStatus]


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_the_transition_table_decides_every_move(current: str, target: str):
    if target in workflow.TRANSITIONS[current]:
        workflow.check(current, target)
    else:
        with pytest.raises(workflow.InvalidTransition, match=f"cannot move to {target}"):
            workflow.check(current, target)


def test_every_status_can_reach_closed_and_closed_can_reopen():
    for status in STATUSES:
        seen, frontier = {status}, [status]
        while frontier:
            for nxt in workflow.TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert CaseStatus.CLOSED in seen or status == CaseStatus.CLOSED
    assert CaseStatus.INVESTIGATION in workflow.TRANSITIONS[CaseStatus.CLOSED]


@pytest.fixture
def prison():
    return EstablishmentFactory()


@pytest.fixture
def lead():
    return persona(Role.COUNTER_CORRUPTION_LEAD)


def _open(lead, prison, **kwargs) -> Case:
    return lifecycle.open_case(
        actor=lead,
        case_type=kwargs.pop("case_type", CaseType.STAFF_MISCONDUCT),
        title=kwargs.pop("title", "Items conveyed on nights"),
        establishment=prison,
        summary=kwargs.pop("summary", "Phones brought in on night shifts."),
        **kwargs,
    )


def test_a_lead_opens_a_case_with_an_encrypted_summary_and_an_audit_event(lead, prison):
    case = _open(lead, prison)
    assert case.reference.startswith("C-")
    assert b"Phones" not in bytes(case.summary)
    assert unseal(case, "summary", case.summary) == "Phones brought in on night shifts."
    assert AuditEvent.objects.filter(action="cases.opened", target_id=str(case.pk)).exists()
    assert case.events.filter(kind="opened").exists()


def test_only_a_lead_may_open_a_case(prison):
    for role, where in [(Role.INVESTIGATOR, None), (Role.GOVERNOR, prison), (Role.TRIAGER, prison)]:
        with pytest.raises(PermissionDenied):
            _open(persona(role, where), prison)
    assert not Case.objects.exists()


def test_an_invalid_move_raises_and_changes_nothing(lead, prison):
    case = _open(lead, prison)
    with pytest.raises(workflow.InvalidTransition):
        lifecycle.change_status(actor=lead, case=case, to=CaseStatus.OUTCOME)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    assert not AuditEvent.objects.filter(action="cases.status_changed").exists()


def test_reopening_needs_a_reason(lead, prison):
    case = _open(lead, prison)
    with pytest.raises(ValidationError, match="reason"):
        lifecycle.change_status(actor=lead, case=case, to=CaseStatus.CLOSED)
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.CLOSED, reason="Nothing to pursue after checks")
    with pytest.raises(ValidationError):
        lifecycle.change_status(actor=lead, case=case, to=CaseStatus.INVESTIGATION)
    case = lifecycle.change_status(actor=lead, case=case, to=CaseStatus.INVESTIGATION, reason="New report received")
    assert case.status == CaseStatus.INVESTIGATION
    assert case.closed_at is None


def test_investigators_see_only_assigned_cases(lead, prison):
    case = _open(lead, prison)
    investigator = persona(Role.INVESTIGATOR)
    assert policy.decide(investigator, "cases.view_case", case) is policy.Decision.HIDE
    lifecycle.assign(actor=lead, case=case, user=investigator)
    assert policy.can(investigator, "cases.view_case", case)
    assert list(policy.visible(investigator, "cases.view_case")) == [case]
    lifecycle.unassign(actor=lead, case=case, user=investigator)
    assert not policy.visible(investigator, "cases.view_case").exists()


def test_only_investigators_can_be_assigned(lead, prison):
    case = _open(lead, prison)
    with pytest.raises(ValidationError, match="investigator role"):
        lifecycle.assign(actor=lead, case=case, user=persona(Role.GOVERNOR, prison))


def test_a_restricted_case_is_seen_only_by_named_people(lead, prison):
    case = _open(lead, prison)
    other_lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    governor = persona(Role.GOVERNOR, prison)
    assert policy.can(other_lead, "cases.view_case", case)
    assert policy.can(governor, "cases.view_case", case)
    lifecycle.set_restriction(actor=lead, case=case, restricted=True, reason="Concerns a senior manager")
    case.refresh_from_db()
    assert policy.can(lead, "cases.view_case", case)
    for outsider in (other_lead, governor):
        assert policy.decide(outsider, "cases.view_case", case) is policy.Decision.HIDE
        assert not policy.visible(outsider, "cases.view_case").exists()
    lifecycle.set_restriction(actor=lead, case=case, restricted=True, named=[other_lead], reason="Second reader")
    assert policy.can(other_lead, "cases.view_case", case)


def test_nobody_sees_a_case_about_themselves_or_their_line_management_chain(prison):
    officer = StaffMemberFactory(current_establishment=prison)
    supervisor = StaffMemberFactory(current_establishment=prison)
    manager = StaffMemberFactory(current_establishment=prison)
    officer.line_manager = supervisor
    officer.save()
    supervisor.line_manager = manager
    supervisor.save()
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    case = _open(lead, prison, staff_subjects=[officer])
    governor_manager = persona(Role.GOVERNOR, prison, staff_member=manager)
    lead_subject = persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=officer)
    unrelated = persona(Role.GOVERNOR, prison, staff_member=StaffMemberFactory(current_establishment=prison))
    for hidden_from in (governor_manager, lead_subject):
        assert policy.decide(hidden_from, "cases.view_case", case) is policy.Decision.HIDE
        assert not policy.visible(hidden_from, "cases.view_case").exists()
    assert policy.can(unrelated, "cases.view_case", case)


def test_the_line_management_rule_can_be_turned_off(prison, settings):
    settings.CUSTODES_LINE_MANAGEMENT_RULE = False
    officer = StaffMemberFactory(current_establishment=prison)
    manager = StaffMemberFactory(current_establishment=prison)
    senior = StaffMemberFactory(current_establishment=prison)
    officer.line_manager = manager
    officer.save()
    manager.line_manager = senior
    manager.save()
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    case = _open(lead, prison, staff_subjects=[officer])
    assert policy.can(persona(Role.GOVERNOR, prison, staff_member=senior), "cases.view_case", case)
    # The forms offer the manager too, since the case no longer keeps them out; never the subject.
    managing = persona(Role.INVESTIGATOR, staff_member=manager)
    subject = persona(Role.INVESTIGATOR, staff_member=officer)
    offered = selectors.assignable_investigators(lead, case)
    assert managing in offered
    assert subject not in offered
    settings.CUSTODES_LINE_MANAGEMENT_RULE = True
    assert managing not in selectors.assignable_investigators(lead, case)


def test_a_lead_cannot_make_themselves_a_subject_and_keep_the_case(prison):
    own = StaffMemberFactory(current_establishment=prison)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=own)
    case = _open(lead, prison)
    with pytest.raises(PermissionDenied):
        lifecycle.add_subject(actor=lead, case=case, staff_member=own)
    assert not case.subjects.exists()
