"""The signed-in pages of triage and cases. Each part of the capability keeps its own URL list."""

from django.urls import URLPattern, URLResolver

from custodes.cases.dashboards import urls as dashboards
from custodes.cases.evidence import urls as evidence
from custodes.cases.pages import urls as pages
from custodes.cases.tracing import urls as tracing
from custodes.cases.triage import urls as triage

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    *triage.urlpatterns,  # /triage/...
    *pages.urlpatterns,  # /cases/...
    *evidence.urlpatterns,  # /cases/<reference>/evidence/...
    *tracing.urlpatterns,  # /access/...
    *dashboards.urlpatterns,  # /dashboard/
]
