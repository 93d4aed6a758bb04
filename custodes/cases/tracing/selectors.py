"""Leak tracing: who has seen a case, report or evidence item, when, and what they did; an account's access
history; and the flags raised about accesses outside people's assignments. All of it read from the audit chain.

Every function here needs cases.trace_access (counter-corruption leads), and then the traced object must be one the
reader may see: a restricted case they are not named on, or a case about them or their team, is 404 exactly as a
reference that does not exist. Reading a trace is itself a sensitive read, recorded as "access.traced".

Queries do not grow with the data: the chain is searched by its target index (type and id) and by its actor index
(actor and time), and each page's targets are labelled with one query per kind of target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from custodes import audit
from custodes.accounts.models import User
from custodes.audit.models import AuditEvent
from custodes.audit.registry import UnknownAuditAction, all_actions, get_action
from custodes.cases.models import CaseReport, Evidence
from custodes.core import policy
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.reporting.models import Attachment

TRACE = "cases.trace_access"
CASE, REPORT, EVIDENCE, ATTACHMENT, USER = (
    "cases.case",
    "reporting.report",
    "cases.evidence",
    "reporting.attachment",
    "accounts.user",
)
FLAGGED = "access.flagged"
HIDDEN_LABEL = "Something you may not see"


@dataclass(frozen=True)
class Trace:
    """What a trace page shows: a heading, and the events (newest first) to page through."""

    heading: str
    events: QuerySet[AuditEvent]
    obj: Any = None


@dataclass(frozen=True)
class TraceRow:
    event: AuditEvent
    description: str
    read: bool
    roles: list[str]
    what: str
    what_href: str


def sensitive_actions() -> list[str]:
    return [action.name for action in all_actions() if action.sensitive_read]


def _audited(user: Any, action_target: dict[str, Any], detail: dict[str, Any]) -> None:
    with transaction.atomic():
        audit.record("access.traced", actor=user, detail=detail, **action_target)


def _events(targets: dict[str, Sequence[int]], reads_only: bool) -> QuerySet[AuditEvent]:
    condition = Q()
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=[str(pk) for pk in ids])
    events = AuditEvent.objects.filter(condition)
    if reads_only:
        events = events.filter(action__in=sensitive_actions())
    return events.order_by("-seq")


def case_trace(user: Any, reference: str, *, reads_only: bool = False, page: int = 1) -> Trace:
    """Everything done to the case, its linked reports (those the reader may see), their files and its evidence."""
    policy.require(user, TRACE)
    policy.require(user, "cases.view_case")  # an API token needs cases:read besides audit:read
    case = policy.visible(user, "cases.view_case").filter(reference=reference).first()
    if case is None:
        raise Http404()
    report_ids = list(
        policy.visible(user, "reporting.view_report")
        .filter(pk__in=CaseReport.objects.filter(case=case).values("report_id"))
        .values_list("pk", flat=True)
    )
    evidence_ids = list(Evidence.objects.filter(case=case).values_list("pk", flat=True))
    attachment_ids = list(Attachment.objects.filter(report_id__in=report_ids).values_list("pk", flat=True))
    events = _events(
        {CASE: [case.pk], REPORT: report_ids, EVIDENCE: evidence_ids, ATTACHMENT: attachment_ids}, reads_only
    )
    _audited(user, {"target": case}, {"page": page, "reads_only": reads_only})
    return Trace(heading=f"Case {case.reference}", events=events, obj=case)


def report_trace(user: Any, reference: str, *, reads_only: bool = False, page: int = 1) -> Trace:
    policy.require(user, TRACE)
    policy.require(user, "reporting.view_report")
    report = policy.visible(user, "reporting.view_report").filter(reference=reference).first()
    if report is None:
        raise Http404()
    attachment_ids = list(Attachment.objects.filter(report=report).values_list("pk", flat=True))
    events = _events({REPORT: [report.pk], ATTACHMENT: attachment_ids}, reads_only)
    _audited(user, {"target": report}, {"page": page, "reads_only": reads_only})
    return Trace(heading=f"Report {report.reference}", events=events, obj=report)


def evidence_trace(user: Any, evidence_id: int, *, reads_only: bool = False, page: int = 1) -> Trace:
    policy.require(user, TRACE)
    policy.require(user, "cases.view_evidence")
    evidence = policy.visible(user, "cases.view_evidence").filter(pk=evidence_id).select_related("case").first()
    if evidence is None:
        raise Http404()
    events = _events({EVIDENCE: [evidence.pk]}, reads_only)
    _audited(user, {"target": evidence}, {"page": page, "reads_only": reads_only})
    return Trace(heading=f"Evidence {evidence.reference}", events=events, obj=evidence)


def user_history(user: Any, account_id: int, *, page: int = 1) -> Trace:
    """Every sensitive read by one account, newest first (the actor index serves it)."""
    policy.require(user, TRACE)
    account = User.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404()
    events = _not_about_reader(
        user, AuditEvent.objects.filter(actor_id=account.pk, action__in=sensitive_actions())
    ).order_by("-occurred_at", "-seq")
    _audited(user, {"target_type": USER, "target_id": account.pk}, {"page": page})
    return Trace(heading=f"{account.get_username()} ({account})", events=events, obj=account)


def flag_events(user: Any, *, page: int = 1) -> QuerySet[AuditEvent]:
    policy.require(user, TRACE)
    _audited(user, {}, {"flags": True, "page": page})
    return _not_about_reader(user, AuditEvent.objects.filter(action=FLAGGED)).order_by("-seq")


def _not_about_reader(user: Any, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """A lead can be traced and flagged too: they never learn of it here (from another lead's history, or the
    flags), as the flag's notification already skips the account it is about."""
    return events.exclude(target_type=USER, target_id=str(user.pk))


# --- Labelling a page of events -------------------------------------------------------------------------------


def role_labels(snapshot: str) -> list[str]:
    """ "investigator@national,governor@QAA" as "Investigator (national)", "Governor (QAA)"."""
    labels = []
    for part in filter(None, snapshot.split(",")):
        role, _, where = part.partition("@")
        try:
            name = ROLE_DEFINITIONS[Role(role)].label
        except ValueError:  # a role since retired: show it as it was recorded
            name = role
        labels.append(f"{name} ({where})" if where else name)
    return labels


def _description(action: str) -> tuple[str, bool]:
    try:
        known = get_action(action)
    except UnknownAuditAction:
        return action, False
    return known.description, known.sensitive_read


def _ids(events: Iterable[AuditEvent], target_type: str) -> set[int]:
    return {int(e.target_id) for e in events if e.target_type == target_type and e.target_id.isdigit()}


def target_labels(user: Any, events: Sequence[AuditEvent]) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, id) -> (label, link to its trace) for what the page's events are about, only where the reader may
    see it: anything else is labelled as hidden, without its reference. One query per kind of target at most."""
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    ids = _ids(events, CASE)
    if ids and policy.can(user, "cases.view_case"):
        for pk, ref in policy.visible(user, "cases.view_case").filter(pk__in=ids).values_list("pk", "reference"):
            labels[(CASE, str(pk))] = (f"Case {ref}", reverse("cases:case-access", kwargs={"reference": ref}))
    ids = _ids(events, REPORT)
    if ids and policy.can(user, "reporting.view_report"):
        visible_reports = policy.visible(user, "reporting.view_report").filter(pk__in=ids)
        for pk, ref in visible_reports.values_list("pk", "reference"):
            labels[(REPORT, str(pk))] = (f"Report {ref}", reverse("cases:report-access", kwargs={"reference": ref}))
    ids = _ids(events, EVIDENCE)
    if ids and policy.can(user, "cases.view_evidence"):
        for pk, ref in policy.visible(user, "cases.view_evidence").filter(pk__in=ids).values_list("pk", "reference"):
            labels[(EVIDENCE, str(pk))] = (
                f"Evidence {ref}",
                reverse("cases:evidence-access", kwargs={"evidence_id": pk}),
            )
    ids = _ids(events, ATTACHMENT)
    if ids and policy.can(user, "reporting.view_attachment"):
        files = policy.visible(user, "reporting.view_attachment").filter(pk__in=ids)
        for pk, ref in files.values_list("pk", "report__reference"):
            href = reverse("cases:report-access", kwargs={"reference": ref})
            labels[(ATTACHMENT, str(pk))] = (f"A file on report {ref}", href)
    ids = _ids(events, USER)
    if ids:
        for pk, username in User.objects.filter(pk__in=ids).exclude(pk=user.pk).values_list("pk", "username"):
            labels[(USER, str(pk))] = (f"Account {username}", reverse("cases:user-access", kwargs={"user_id": pk}))
    return labels


def rows(user: Any, events: Sequence[AuditEvent]) -> list[TraceRow]:
    labels = target_labels(user, events)
    result = []
    for event in events:
        description, read = _description(event.action)
        if not event.target_type:
            what, href = "", ""
        else:
            what, href = labels.get((event.target_type, event.target_id), (HIDDEN_LABEL, ""))
        result.append(
            TraceRow(
                event=event,
                description=description,
                read=read,
                roles=role_labels(event.actor_roles),
                what=what,
                what_href=href,
            )
        )
    return result


@dataclass(frozen=True)
class FlagRow:
    event: AuditEvent
    rule: str
    account_label: str
    account_href: str
    cases: list[str]
    reports: list[str]
    hidden: int  # references on the flag that the reader may not see


RULES = {
    "unassigned_reads": "Opened cases or reports outside their assignments",
    "restricted_read_then_removed": "Read a restricted case, then was taken off it",
}


def flag_rows(user: Any, events: Sequence[AuditEvent]) -> list[FlagRow]:
    """A page of flags, each listing only the case and report references the reader may see. Two queries."""
    case_refs: set[str] = set()
    report_refs: set[str] = set()
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        case_refs |= {str(ref) for ref in detail.get("cases", [])}
        case_refs |= {str(detail["case"])} if detail.get("case") else set()
        report_refs |= {str(ref) for ref in detail.get("reports", [])}
    seen_cases = (
        set(policy.visible(user, "cases.view_case").filter(reference__in=case_refs).values_list("reference", flat=True))
        if case_refs
        else set()
    )
    seen_reports = (
        set(
            policy.visible(user, "reporting.view_report")
            .filter(reference__in=report_refs)
            .values_list("reference", flat=True)
        )
        if report_refs
        else set()
    )
    result = []
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        cases = [str(r) for r in detail.get("cases", [])] + ([str(detail["case"])] if detail.get("case") else [])
        reports = [str(r) for r in detail.get("reports", [])]
        shown_cases = [r for r in cases if r in seen_cases]
        shown_reports = [r for r in reports if r in seen_reports]
        account = event.target_id if event.target_id.isdigit() else ""
        result.append(
            FlagRow(
                event=event,
                rule=RULES.get(str(detail.get("rule", "")), str(detail.get("rule", ""))),
                account_label=str(detail.get("user_label") or f"account {account}"),
                account_href=reverse("cases:user-access", kwargs={"user_id": int(account)}) if account else "",
                cases=shown_cases,
                reports=shown_reports,
                hidden=len(cases) - len(shown_cases) + len(reports) - len(shown_reports),
            )
        )
    return result
