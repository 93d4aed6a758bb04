"""Triage pages, under /triage/. Reports are addressed by their reference, as on /reports/."""

from django.urls import URLPattern, URLResolver, path, register_converter

from custodes.cases.triage import views


class ReportReference:
    regex = r"[A-Za-z]{1,4}-[0-9]{4}-[0-9]{6,12}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportReference, "triage_reference")

urlpatterns: list[URLPattern | URLResolver] = [
    path("triage/", views.queue, name="triage-queue"),
    path("triage/<triage_reference:reference>", views.report, name="triage-report"),
    path("triage/<triage_reference:reference>/<slug:slug>", views.act, name="triage-act"),
]
