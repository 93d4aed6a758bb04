"""Who may see and work cases (DESIGN.md §3), declared for the one policy engine (custodes.core.policy).

- Investigators see the cases they are assigned to, and nothing else.
- Counter-corruption leads see every case, but a restricted case only where they are named on it.
- Governors see non-restricted cases at their establishment (never the reporter's identity: that is sealed).
- Need-to-know overrules all of it: nobody sees a case in which they are a subject, nor (while
  CUSTODES_LINE_MANAGEMENT_RULE is on) one about someone in their line-management chain, nor a restricted case
  they are not named on.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from custodes.cases.models import Assignment, Case, Evidence, NamedAccess
from custodes.cases.need_to_know import managed_staff_ids, own_staff_id
from custodes.core.policy import Narrowing, Rule, register, register_exclusion
from custodes.core.roles import Role
from custodes.reporting.models import Report, Routing


def _assigned(user: Any, case: Case) -> bool:
    return Assignment.objects.filter(case=case, user_id=user.pk, ended_at__isnull=True).exists()


def _assigned_q(user: Any, prefix: str = "") -> Q:
    return Q(**{f"{prefix}assignments__user_id": user.pk, f"{prefix}assignments__ended_at__isnull": True})


def _not_restricted(_user: Any, case: Case) -> bool:
    return not case.restricted


_ASSIGNED = Narrowing(allows=_assigned, q=lambda user: _assigned_q(user))
_UNRESTRICTED = Narrowing(allows=_not_restricted, q=lambda user: Q(restricted=False))


def _case_establishment(case: Case) -> int | None:
    return case.establishment_id


def _evidence_establishment(evidence: Evidence) -> int | None:
    return evidence.case.establishment_id


_CASE_RULE_SHAPE: dict[str, Any] = {
    "model": Case,
    "establishment_of": _case_establishment,
    "establishment_lookup": "establishment_id",
}

register(
    Rule(
        action="cases.view_case",
        roles=frozenset({Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD, Role.GOVERNOR}),
        description="See a case: its subjects, reports, timeline, tasks, notes, evidence and outcomes",
        api_scope="cases:read",
        content=True,
        narrowing={Role.INVESTIGATOR: _ASSIGNED, Role.GOVERNOR: _UNRESTRICTED},
        **_CASE_RULE_SHAPE,
    ),
    Rule(
        action="cases.work",
        roles=frozenset({Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD}),
        description="Investigate: add tasks, notes, interview records, evidence and external investigations",
        api_scope="cases:write",
        content=True,
        narrowing={Role.INVESTIGATOR: _ASSIGNED},
        **_CASE_RULE_SHAPE,
    ),
    Rule(
        action="cases.direct",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD}),
        description="Assign investigators, restrict and name people, move the case through its workflow, decide",
        api_scope="cases:write",
        content=True,
        **_CASE_RULE_SHAPE,
    ),
    Rule(
        action="cases.open",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD}),
        description="Open a case (from triage or directly)",
        api_scope="cases:write",
    ),
    Rule(
        action="cases.export_bundle",
        roles=frozenset({Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD}),
        description="Export an evidence bundle for a hearing or the police (listed in the disclosure log)",
        api_scope="cases:export",
        content=True,
        narrowing={Role.INVESTIGATOR: _ASSIGNED},
        **_CASE_RULE_SHAPE,
    ),
    Rule(
        action="cases.view_evidence",
        roles=frozenset({Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD, Role.GOVERNOR}),
        description="Open a piece of evidence (each opening recorded)",
        model=Evidence,
        establishment_of=_evidence_establishment,
        establishment_lookup="case__establishment_id",
        api_scope="cases:read",
        content=True,
        narrowing={
            Role.INVESTIGATOR: Narrowing(
                allows=lambda user, evidence: _assigned(user, evidence.case),
                q=lambda user: _assigned_q(user, "case__"),
            ),
            Role.GOVERNOR: Narrowing(
                allows=lambda user, evidence: not evidence.case.restricted,
                q=lambda user: Q(case__restricted=False),
            ),
        },
    ),
    Rule(
        action="cases.trace_access",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD}),
        description="See who has seen a report, case or evidence item, and anyone's access history",
        api_scope="audit:read",
    ),
)


# --- Need-to-know exclusions (overrule every grant) ------------------------------------------------------------


def concerns(user: Any, case: Case) -> bool:
    """Whether the case is about the user or (the rule on) anyone they manage: no grant, naming or assignment
    may ever show it to them."""
    staff_ids = _blocked_staff_ids(user)
    return bool(staff_ids) and case.subjects.filter(staff_member_id__in=staff_ids).exists()


def _hidden_case(user: Any, case: Case) -> bool:
    if case.restricted and not NamedAccess.objects.filter(case=case, user_id=user.pk).exists():
        return True
    return concerns(user, case)


def _without_hidden_cases(user: Any, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """The same rule for a queryset of cases (prefix "") or of things in cases (prefix "case__")."""
    named = NamedAccess.objects.filter(case_id=OuterRef(f"{prefix}id"), user_id=user.pk)
    queryset = queryset.filter(Q(**{f"{prefix}restricted": False}) | Exists(named))
    staff_ids = _blocked_staff_ids(user)
    if staff_ids:
        queryset = queryset.exclude(**{f"{prefix}subjects__staff_member_id__in": staff_ids})
    return queryset


def _blocked_staff_ids(user: Any) -> set[int]:
    """The staff records whose cases this user must never see: their own, and (the rule on) those they manage."""
    own = own_staff_id(user)
    if own is None:
        return set()
    return {own, *managed_staff_ids(own)}


register_exclusion(Case, hides=_hidden_case, filter_out=_without_hidden_cases)
register_exclusion(
    Evidence,
    hides=lambda user, evidence: _hidden_case(user, evidence.case),
    filter_out=lambda user, queryset: _without_hidden_cases(user, queryset, prefix="case__"),
)


# --- Triage (custodes.cases.services.triage) ------------------------------------------------------------------


def _routed_to_establishment(_user: Any, report: Report) -> bool:
    return report.routed_to == Routing.ESTABLISHMENT


# An establishment's triager triages only what the taxonomy routes to the establishment, as the reporting policy
# narrows their reading: staff corruption goes to the national team, never to the prison where the staff work.
register(
    Rule(
        action="triage.act",
        roles=frozenset({Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD}),
        description="Triage a report: acknowledge, ask for more, link or open a case, record its outcome",
        model=Report,
        establishment_of=lambda report: report.establishment_id,
        establishment_lookup="establishment_id",
        api_scope="triage:write",
        content=True,
        narrowing={
            Role.TRIAGER: Narrowing(allows=_routed_to_establishment, q=lambda user: Q(routed_to=Routing.ESTABLISHMENT))
        },
    ),
)


# --- Dashboards (issue 4, item 9) -------------------------------------------------------------------------------
# Counts, never content: the cases and reports behind every figure are the ones visible() gives for these rules,
# so need-to-know (restricted cases, subjects, line management) removes a case from a count exactly as it removes
# it from a list. Leads see every figure; inspectors and analysts see aggregates with small numbers suppressed.

DASHBOARD_DETAIL_ROLES = frozenset({Role.COUNTER_CORRUPTION_LEAD})


def _report_establishment(report: Report) -> int | None:
    return report.establishment_id


register(
    Rule(
        action="cases.view_dashboard",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD, Role.INSPECTOR, Role.ANALYST}),
        description="See the dashboards: counts of cases by age, category, establishment and outcome",
        api_scope="cases:statistics",
        **_CASE_RULE_SHAPE,
    ),
    Rule(
        action="cases.view_dashboard_reports",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD, Role.INSPECTOR, Role.ANALYST}),
        description="See the dashboards' counts of reports: overdue acknowledgements and feedback",
        model=Report,
        establishment_of=_report_establishment,
        establishment_lookup="establishment_id",
        api_scope="cases:statistics",
    ),
)


def dashboard_detail(user: Any) -> bool:
    """Whether the dashboards show this user every figure (leads) rather than aggregates with small numbers
    suppressed (inspectors, analysts). Asked only of someone already allowed cases.view_dashboard, so a token's
    scope has been checked by then."""
    from custodes.core.policy import grants_for

    return any(grant.role in DASHBOARD_DETAIL_ROLES for grant in grants_for(user))
