"""Flags: accesses outside a person's work, found in the audit chain and raised to the counter-corruption leads.

Run by ``custodes access-flags`` (cron) or the ``flag_accesses`` task. Two rules:

* **unassigned_reads**: in the window (CUSTODES_ACCESS_FLAG_WINDOW_DAYS, default 7), an account opened more than
  CUSTODES_ACCESS_FLAG_THRESHOLD (default 5) different cases or reports that nothing in its work explains. A
  reading is explained when, at the time, the reader owned the case, was assigned to it (an assignment covering
  that moment), was named on it, or held a role that oversees it: a counter-corruption lead (every case and
  report, by design), a governor for unrestricted cases at their prison, a triager or governor for reports routed
  to their prison, a reporter liaison for any report. A report is also explained by the reader's relation to any
  case it is linked to. Roles are taken from the snapshot in each audit event, so a grant revoked since still
  explains what it allowed then.
* **restricted_read_then_removed**: someone read a restricted case (or its evidence) and was later taken off it;
  one flag per person and case, raised in the window in which they were taken off.

Each flag is an "access.flagged" audit event about the account (the chain keeps it, tamper-evident), and a
notification to every lead but the account flagged. A rule does not flag the same account (and case) twice in
one window, however often it runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from custodes import audit
from custodes.audit.actors import SystemActor
from custodes.audit.models import AuditEvent
from custodes.cases.models import Assignment, Case, CaseReport, Evidence, NamedAccess
from custodes.cases.tracing.selectors import ATTACHMENT, CASE, EVIDENCE, FLAGGED, REPORT, USER, sensitive_actions
from custodes.core.roles import Role
from custodes.notifications import services as notifications
from custodes.reporting.models import Attachment, Report, Routing

FLAGGER = SystemActor(label="access flags")
UNASSIGNED = "unassigned_reads"
RESTRICTED_REMOVED = "restricted_read_then_removed"
_LISTED = 20  # references kept on a flag, each kind: enough to start from, small enough for the audit detail
_CHUNK = 500  # ids per IN (...) list, well inside every database's limit on parameters
T = TypeVar("T")


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _content_reads() -> list[str]:
    # Tracing is a sensitive read too, but of the chain, not of a case: it never explains or raises a flag.
    return [name for name in sensitive_actions() if name != "access.traced"]


def _grants(snapshot: str) -> set[tuple[str, str]]:
    return {tuple(part.partition("@")[::2]) for part in snapshot.split(",") if part}  # type: ignore[misc]


@dataclass
class _Read:
    actor_id: int
    label: str
    roles: set[tuple[str, str]]
    kind: str  # "case" or "report"
    pk: int
    at: dt.datetime


@dataclass
class _Facts:
    """What the rules need to know about the cases and reports read, fetched a chunk of ids at a time."""

    cases: dict[int, tuple[str, str, int, bool]] = field(default_factory=dict)  # ref, prison, owner, restricted
    reports: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # ref, prison, routed to
    report_cases: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    spans: dict[tuple[int, int], list[tuple[dt.datetime, dt.datetime | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    named: set[tuple[int, int]] = field(default_factory=set)


def _reads(since: dt.datetime, until: dt.datetime) -> list[_Read]:
    rows = (
        AuditEvent.objects.filter(
            action__in=_content_reads(),
            occurred_at__gte=since,
            occurred_at__lt=until,
            actor_id__isnull=False,
            target_type__in=[CASE, EVIDENCE, REPORT, ATTACHMENT],
        )
        .values_list("actor_id", "actor_label", "actor_roles", "target_type", "target_id", "occurred_at")
        .iterator(chunk_size=2000)
    )
    raw = [row for row in rows if row[4].isdigit()]
    evidence_case: dict[int, int] = {}
    for ids in _chunks({int(r[4]) for r in raw if r[3] == EVIDENCE}):
        evidence_case.update(Evidence.objects.filter(pk__in=ids).values_list("pk", "case_id"))
    attachment_report: dict[int, int] = {}
    for ids in _chunks({int(r[4]) for r in raw if r[3] == ATTACHMENT}):
        attachment_report.update(Attachment.objects.filter(pk__in=ids).values_list("pk", "report_id"))
    reads = []
    for actor_id, label, roles, target_type, target_id, at in raw:
        pk = int(target_id)
        if target_type == EVIDENCE:
            kind, pk = "case", evidence_case.get(pk, 0)
        elif target_type == ATTACHMENT:
            kind, pk = "report", attachment_report.get(pk, 0)
        else:
            kind = "case" if target_type == CASE else "report"
        if pk and actor_id is not None:
            reads.append(_Read(actor_id, label, _grants(roles), kind, pk, at))
    return reads


def _facts(reads: Sequence[_Read]) -> _Facts:
    facts = _Facts()
    report_ids = {r.pk for r in reads if r.kind == "report"}
    for ids in _chunks(report_ids):
        for pk, ref, code, routed in Report.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "establishment__code", "routed_to"
        ):
            facts.reports[pk] = (ref, code, routed)
        for report_id, case_id in CaseReport.objects.filter(report_id__in=ids).values_list("report_id", "case_id"):
            facts.report_cases[report_id].add(case_id)
    case_ids = {r.pk for r in reads if r.kind == "case"} | {c for cs in facts.report_cases.values() for c in cs}
    actors = {r.actor_id for r in reads}
    for ids in _chunks(case_ids):
        for pk, ref, code, owner, restricted in Case.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "establishment__code", "owner_id", "restricted"
        ):
            facts.cases[pk] = (ref, code, owner, restricted)
        for user_id, case_id, start, end in Assignment.objects.filter(case_id__in=ids, user_id__in=actors).values_list(
            "user_id", "case_id", "assigned_at", "ended_at"
        ):
            facts.spans[(user_id, case_id)].append((start, end))
        facts.named |= set(
            NamedAccess.objects.filter(case_id__in=ids, user_id__in=actors).values_list("user_id", "case_id")
        )
    return facts


def _case_explained(read: _Read, case_id: int, facts: _Facts) -> bool:
    if case_id not in facts.cases:
        return True  # deleted since: nothing left to judge it by
    _ref, code, owner, restricted = facts.cases[case_id]
    if owner == read.actor_id or (read.actor_id, case_id) in facts.named:
        return True
    if any(
        start <= read.at and (end is None or end >= read.at) for start, end in facts.spans[(read.actor_id, case_id)]
    ):
        return True
    return (Role.COUNTER_CORRUPTION_LEAD.value, "national") in read.roles or (
        not restricted and (Role.GOVERNOR.value, code) in read.roles
    )


def _report_explained(read: _Read, facts: _Facts) -> bool:
    if read.pk not in facts.reports:
        return True
    _ref, code, routed = facts.reports[read.pk]
    national = {(Role.COUNTER_CORRUPTION_LEAD.value, "national"), (Role.REPORTER_LIAISON.value, "national")}
    if read.roles & national:
        return True
    local = {(Role.TRIAGER.value, code), (Role.GOVERNOR.value, code)}
    if routed == Routing.ESTABLISHMENT and read.roles & local:
        return True
    return any(_case_explained(read, case_id, facts) for case_id in facts.report_cases.get(read.pk, ()))


def _recent_flags(since: dt.datetime) -> set[tuple[str, str, str]]:
    recent = set()
    for target_id, detail in AuditEvent.objects.filter(action=FLAGGED, occurred_at__gte=since).values_list(
        "target_id", "detail"
    ):
        detail = detail if isinstance(detail, dict) else {}
        recent.add((str(detail.get("rule", "")), target_id, str(detail.get("case", ""))))
    return recent


def _raise(account_id: int, detail: dict[str, Any]) -> AuditEvent:
    with transaction.atomic():
        event = audit.record("access.flagged", actor=FLAGGER, target_type=USER, target_id=account_id, detail=detail)
        notifications.access_flagged(flag_seq=event.seq, flagged_user_id=account_id)
    return event


def _unassigned_reads(
    since: dt.datetime, until: dt.datetime, threshold: int, window_days: int, recent: set[tuple[str, str, str]]
) -> list[AuditEvent]:
    reads = _reads(since, until)
    facts = _facts(reads)
    unexplained: dict[int, set[tuple[str, int]]] = defaultdict(set)
    labels: dict[int, str] = {}
    for read in reads:
        explained = _case_explained(read, read.pk, facts) if read.kind == "case" else _report_explained(read, facts)
        if not explained:
            unexplained[read.actor_id].add((read.kind, read.pk))
            labels[read.actor_id] = read.label
    if not unexplained:
        return []
    flagged = []
    for account_id, objects in sorted(unexplained.items()):
        if len(objects) <= threshold or (UNASSIGNED, str(account_id), "") in recent:
            continue
        cases = sorted(facts.cases[pk][0] for kind, pk in objects if kind == "case")
        reports = sorted(facts.reports[pk][0] for kind, pk in objects if kind == "report")
        detail = {
            "rule": UNASSIGNED,
            "user": account_id,
            "user_label": labels[account_id],
            "count": len(objects),
            "threshold": threshold,
            "window_days": window_days,
            "cases": cases[:_LISTED],
            "reports": reports[:_LISTED],
        }
        flagged.append(_raise(account_id, detail))
    return flagged


def _restricted_at(case: Case, moment: dt.datetime) -> bool:
    """Whether the case was restricted at ``moment``, from the audit chain: the job may run after the restriction
    was lifted (or imposed), and what counts is the case as it was when the person was taken off it."""
    changes = AuditEvent.objects.filter(
        target_type=CASE,
        target_id=str(case.pk),
        action__in=["cases.opened", "cases.restriction_changed"],
        occurred_at__lte=moment,
    )
    detail = changes.order_by("-seq").values_list("detail", flat=True).first()
    if isinstance(detail, dict) and "restricted" in detail:
        return bool(detail["restricted"])
    return bool(case.restricted)  # no record of either (data from before the chain): as it is now


def _restricted_then_removed(
    since: dt.datetime, until: dt.datetime, recent: set[tuple[str, str, str]]
) -> list[AuditEvent]:
    flagged = []
    ended = Assignment.objects.filter(ended_at__gte=since, ended_at__lt=until).select_related("case", "user")
    reads = _content_reads()
    for assignment in ended.order_by("ended_at", "pk"):
        case = assignment.case
        if (RESTRICTED_REMOVED, str(assignment.user_id), case.reference) in recent:
            continue
        if assignment.ended_at is None or not _restricted_at(case, assignment.ended_at):
            continue
        evidence = [str(pk) for pk in Evidence.objects.filter(case=case).values_list("pk", flat=True)]
        read = AuditEvent.objects.filter(
            Q(target_type=CASE, target_id=str(case.pk)) | Q(target_type=EVIDENCE, target_id__in=evidence),
            actor_id=assignment.user_id,
            action__in=reads,
            occurred_at__lt=assignment.ended_at,
        ).exists()
        if not read:
            continue
        detail = {
            "rule": RESTRICTED_REMOVED,
            "user": assignment.user_id,
            "user_label": assignment.user.get_username(),
            "case": case.reference,
        }
        flagged.append(_raise(assignment.user_id, detail))
        recent.add((RESTRICTED_REMOVED, str(assignment.user_id), case.reference))
    return flagged


def run(
    *, now: dt.datetime | None = None, window_days: int | None = None, threshold: int | None = None
) -> list[AuditEvent]:
    """Apply both rules to the window ending now; returns the flags raised (each already audited and notified)."""
    now = now or timezone.now()
    window_days = window_days if window_days is not None else settings.CUSTODES_ACCESS_FLAG_WINDOW_DAYS
    threshold = threshold if threshold is not None else settings.CUSTODES_ACCESS_FLAG_THRESHOLD
    if window_days < 1 or threshold < 1:
        raise ValueError("the window is at least a day and the threshold at least 1")
    since = now - dt.timedelta(days=window_days)
    recent = _recent_flags(since)
    return [
        *_unassigned_reads(since, now, threshold, window_days, recent),
        *_restricted_then_removed(since, now, recent),
    ]
