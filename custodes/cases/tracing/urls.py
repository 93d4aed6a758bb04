"""Leak tracing (/access/..., /cases/<reference>/access) and parallel external investigations
(/cases/<reference>/external/...)."""

from django.urls import URLPattern, URLResolver, path

from custodes.cases.tracing import external_views, views

# The reference converter ("report_reference": R-2026-000123, C-2026-000045, upper-cased) is registered there.
from custodes.reporting.handling import urls as _reporting_urls  # noqa: F401

urlpatterns: list[URLPattern | URLResolver] = [
    path("access/flags", views.access_flags, name="access-flags"),
    path("access/report/<report_reference:reference>", views.report_access, name="report-access"),
    path("access/evidence/<int:evidence_id>", views.evidence_access, name="evidence-access"),
    path("access/user/<int:user_id>", views.user_access, name="user-access"),
    path("cases/<report_reference:reference>/access", views.case_access, name="case-access"),
    path("cases/<report_reference:reference>/external/", external_views.external_list, name="external-list"),
    path("cases/<report_reference:reference>/external/new", external_views.external_add, name="external-add"),
    path(
        "cases/<report_reference:reference>/external/<int:pk>/edit",
        external_views.external_edit,
        name="external-edit",
    ),
    path(
        "cases/<report_reference:reference>/external/disclosures",
        external_views.disclosure_list,
        name="disclosure-list",
    ),
    path(
        "cases/<report_reference:reference>/external/disclosures/new",
        external_views.disclosure_add,
        name="disclosure-add",
    ),
]
