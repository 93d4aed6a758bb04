"""Case pages, under /cases/. Cases are addressed by their reference (C-2026-000045), which people read and
quote; the converter accepts only that shape."""

from django.urls import URLPattern, URLResolver, path, register_converter

from custodes.cases.pages.views import browse, direct, work
from custodes.core.references import ReferenceConverter

register_converter(ReferenceConverter, "case_page_reference")

_CASE = "cases/<case_page_reference:reference>"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", browse.case_list, name="case-list"),
    path(_CASE, browse.case_detail, name="case"),
    # Directing the case (leads)
    path(f"{_CASE}/status", direct.change_status, name="case-status"),
    path(f"{_CASE}/investigators/add", direct.assign, name="case-assign"),
    path(f"{_CASE}/investigators/<int:user_id>/remove", direct.unassign, name="case-unassign"),
    path(f"{_CASE}/restriction", direct.restriction, name="case-restriction"),
    path(f"{_CASE}/reports/link", direct.link_report, name="case-link-report"),
    path(f"{_CASE}/subjects/add", direct.add_subject, name="case-add-subject"),
    path(f"{_CASE}/subjects/<int:subject_id>/duty-status", direct.duty_status, name="case-duty-status"),
    path(f"{_CASE}/decisions/add", direct.record_decision, name="case-decision"),
    path(f"{_CASE}/outcomes/add", direct.record_outcome, name="case-outcome"),
    # Working the case (assigned investigators and leads)
    path(f"{_CASE}/tasks/add", work.add_task, name="case-add-task"),
    path(f"{_CASE}/tasks/<int:task_id>/done", work.complete_task, name="case-complete-task"),
    path(f"{_CASE}/notes/add", work.add_note, name="case-add-note"),
    path(f"{_CASE}/interviews/add", work.add_interview, name="case-add-interview"),
    path(f"{_CASE}/proposals/add", work.propose_outcome, name="case-propose"),
]
