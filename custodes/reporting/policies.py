"""Who may see and act on reports (DESIGN.md §3).

- Staff corruption is routed to the national counter-corruption team, never to the prison where the staff work:
  an establishment's triager or governor sees a report at their establishment only when it was routed there.
- Content (narrative, messages, files) is for handlers; the reporter's sealed identity is for reporter liaison
  officers alone, each opening audited with a reason.
- Need-to-know overrules every grant: nobody sees a report in which they are a subject.
- Anyone signed in may file a report, and sees the status (never the handling) of the reports they filed or
  recorded on someone's behalf.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from custodes.core.policy import Narrowing, Rule, register, register_exclusion, visible
from custodes.core.roles import Role
from custodes.reporting.keys import filer_tag
from custodes.reporting.models import Attachment, Category, Report, Routing

_HANDLERS = frozenset({Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON, Role.GOVERNOR})
_READERS = _HANDLERS | {Role.INVESTIGATOR}
_RESPONDERS = frozenset({Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON})


def _routed_here(_user: Any, report: Report) -> bool:
    return report.routed_to == Routing.ESTABLISHMENT


def _routed_here_q(_user: Any) -> Q:
    return Q(routed_to=Routing.ESTABLISHMENT)


_ESTABLISHMENT_ROUTED = Narrowing(allows=_routed_here, q=_routed_here_q)


def _assigned_cases(user: Any) -> QuerySet[Any]:
    """The cases the user is assigned to and may still see. Named by action, not imported: the cases app builds
    on reporting, not the other way round. A case need-to-know has since hidden from them (a subject added from
    their own team, a restriction they are not named on) takes its reports with it."""
    return visible(user, "cases.view_case").filter(assignments__user_id=user.pk, assignments__ended_at__isnull=True)


def _in_assigned_case(user: Any, report: Report) -> bool:
    return _assigned_cases(user).filter(report_links__report_id=report.pk).exists()


def _in_assigned_case_q(user: Any, prefix: str = "") -> Q:
    # A subquery, not a join: a report linked to two of the user's cases must still be one row in a list or count.
    linked = Report.objects.filter(case_links__case__in=_assigned_cases(user)).values("pk")
    return Q(**{f"{prefix}pk__in": linked})


# Investigators read the reports linked to the cases they are assigned to, and no others.
_IN_ASSIGNED_CASE = Narrowing(allows=_in_assigned_case, q=_in_assigned_case_q)
_BY_ROUTING = {
    Role.TRIAGER: _ESTABLISHMENT_ROUTED,
    Role.GOVERNOR: _ESTABLISHMENT_ROUTED,
    Role.INVESTIGATOR: _IN_ASSIGNED_CASE,
}


def _filed_or_recorded(user: Any, report: Report) -> bool:
    return bool(report.filer_tag and report.filer_tag == filer_tag(user.pk)) or report.recorded_by_id == user.pk


def _filed_or_recorded_q(user: Any) -> Q:
    return Q(filer_tag=filer_tag(user.pk)) | Q(recorded_by_id=user.pk)


_OWN = Narrowing(allows=_filed_or_recorded, q=_filed_or_recorded_q)


def _report_establishment(report: Report) -> int | None:
    return report.establishment_id


def _attachment_establishment(attachment: Attachment) -> int | None:
    return attachment.report.establishment_id


register(
    Rule(
        action="reporting.view_report",
        roles=_READERS,
        description="Read a report: what happened, who was involved, messages and files (not who reported it)",
        model=Report,
        establishment_of=_report_establishment,
        establishment_lookup="establishment_id",
        api_scope="reports:read",
        content=True,
        narrowing=_BY_ROUTING,
    ),
    Rule(
        action="reporting.respond",
        roles=_RESPONDERS,
        description="Acknowledge a report, message the reporter and give feedback",
        model=Report,
        establishment_of=_report_establishment,
        establishment_lookup="establishment_id",
        api_scope="reports:write",
        content=True,
        narrowing={Role.TRIAGER: _ESTABLISHMENT_ROUTED},
    ),
    Rule(
        action="reporting.view_attachment",
        roles=_READERS,
        description="Open the cleaned copy of a file sent with a report",
        model=Attachment,
        establishment_of=_attachment_establishment,
        establishment_lookup="report__establishment_id",
        api_scope="reports:read",
        content=True,
        narrowing={
            **{
                role: Narrowing(
                    allows=lambda user, attachment: _routed_here(user, attachment.report),
                    q=lambda user: Q(report__routed_to=Routing.ESTABLISHMENT),
                )
                for role in (Role.TRIAGER, Role.GOVERNOR)
            },
            Role.INVESTIGATOR: Narrowing(
                allows=lambda user, attachment: _in_assigned_case(user, attachment.report),
                q=lambda user: _in_assigned_case_q(user, "report__"),
            ),
        },
    ),
    Rule(
        action="reporting.reveal_identity",
        roles=frozenset({Role.REPORTER_LIAISON}),
        description="Open a confidential or named reporter's sealed identity and contact details, giving a reason",
        model=Report,
        establishment_of=_report_establishment,
        establishment_lookup="establishment_id",
        content=True,
    ),
    Rule(
        action="reporting.file",
        roles=frozenset(Role),
        description="File a named or confidential report as a signed-in member of staff",
        api_scope="reports:file",
    ),
    Rule(
        action="reporting.record_on_behalf",
        roles=frozenset({Role.STAFF, Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON, Role.GOVERNOR}),
        description="Record a report received by telephone, letter or in person",
        api_scope="reports:file",
    ),
    Rule(
        action="reporting.view_own",
        roles=frozenset(Role),
        description="See the status of reports you filed or recorded",
        model=Report,
        establishment_of=_report_establishment,
        establishment_lookup="establishment_id",
        narrowing=dict.fromkeys(Role, _OWN),
        ignores_scope=True,
    ),
    Rule(
        action="reporting.manage_taxonomy",
        roles=frozenset({Role.SYSTEM_ADMINISTRATOR}),
        description="Add, change and retire reporting categories and their routing",
        model=Category,
    ),
)


def _blocked_staff_ids(user: Any) -> set[int]:
    """The staff records whose reports this user must never see: their own and (the rule on) their team's."""
    from custodes.cases.need_to_know import managed_staff_ids, own_staff_id

    own = own_staff_id(user)
    return set() if own is None else {own, *managed_staff_ids(own)}


def _subject_of(user: Any, report: Report) -> bool:
    blocked = _blocked_staff_ids(user)
    return bool(blocked) and report.subjects.filter(staff_member_id__in=blocked).exists()


def _without_own_subject(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    blocked = _blocked_staff_ids(user)
    return queryset.exclude(subjects__staff_member_id__in=blocked) if blocked else queryset


def _subject_of_attachment(user: Any, attachment: Attachment) -> bool:
    return _subject_of(user, attachment.report)


def _without_own_subject_attachments(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    blocked = _blocked_staff_ids(user)
    return queryset.exclude(report__subjects__staff_member_id__in=blocked) if blocked else queryset


register_exclusion(Report, hides=_subject_of, filter_out=_without_own_subject)
register_exclusion(Attachment, hides=_subject_of_attachment, filter_out=_without_own_subject_attachments)
