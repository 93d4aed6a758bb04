"""Triage pages, under /triage/. Reports are addressed by their reference, as on /reports/."""

from django.urls import URLPattern, URLResolver, path, register_converter

from custodes.cases.triage import views
from custodes.core.references import ReferenceConverter

register_converter(ReferenceConverter, "triage_reference")

urlpatterns: list[URLPattern | URLResolver] = [
    path("triage/", views.queue, name="triage-queue"),
    path("triage/<triage_reference:reference>", views.report, name="triage-report"),
    path("triage/<triage_reference:reference>/<slug:slug>", views.act, name="triage-act"),
]
