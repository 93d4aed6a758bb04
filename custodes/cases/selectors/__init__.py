"""Every read of triage and case data for signed-in pages, always through custodes.core.policy (DESIGN.md §1).

Lists start from ``policy.visible(user, action)``, so the triage queue, the case list, their counts, filters and
searches can never show what the object pages would refuse; need-to-know (restricted cases, subjects, the
line-management chain) is applied by the policy's exclusions, not here. Single objects come through
``visible_or_404``: 403 when the user's roles may never take the action, 404 when the object is out of scope,
hidden or absent, and those three 404s are one answer.

Lists cost the same few queries however many rows they hold: joins for what each row shows, correlated
subqueries for counts (tests assert it). What a case says (summary, notes, reasons) is decrypted by
custodes.cases.services.work.read_case, which records the reading.
"""

from custodes.cases.selectors._common import DIRECT, OPEN, TRIAGE, VIEW_CASE, VIEW_REPORT, WORK, may
from custodes.cases.selectors.case import (
    CasePage,
    ReportRow,
    SubjectRow,
    TaskRow,
    TaskState,
    assignable_investigators,
    assigned_user,
    case_by_reference,
    case_page,
    case_subject,
    case_subjects,
    case_task,
    case_to_link,
    current_duty,
    nameable_leads,
    subject_by_number,
    subject_label,
    task_assignees,
    task_state,
    users_by_pk,
)
from custodes.cases.selectors.lists import (
    CaseFilters,
    case_establishment_choices,
    case_list,
    category_choices,
    subject_number,
)
from custodes.cases.selectors.triage import (
    AWAITING_TRIAGE,
    RISK_ORDER,
    QueueFilters,
    report_for_triage,
    report_subjects,
    triage_establishment_choices,
    triage_queue,
)

__all__ = [
    "AWAITING_TRIAGE",
    "DIRECT",
    "OPEN",
    "RISK_ORDER",
    "TRIAGE",
    "VIEW_CASE",
    "VIEW_REPORT",
    "WORK",
    "CaseFilters",
    "CasePage",
    "QueueFilters",
    "ReportRow",
    "SubjectRow",
    "TaskRow",
    "TaskState",
    "assignable_investigators",
    "assigned_user",
    "case_by_reference",
    "case_establishment_choices",
    "case_list",
    "case_page",
    "case_subject",
    "case_subjects",
    "case_task",
    "case_to_link",
    "category_choices",
    "current_duty",
    "may",
    "nameable_leads",
    "report_for_triage",
    "report_subjects",
    "subject_by_number",
    "subject_label",
    "subject_number",
    "task_assignees",
    "task_state",
    "triage_establishment_choices",
    "triage_queue",
    "users_by_pk",
]
