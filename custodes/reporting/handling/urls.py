"""Signed-in reporting pages, under /reports/ (the public journey is at /report/, in custodes.reporting.public).

Reports are addressed by their reference (R-2026-000123), which people read and quote; the converter accepts only
that shape, so /reports/new, /reports/mine and the rest can never be taken for one.
"""

from django.urls import path, register_converter

from custodes.core.references import ReferenceConverter
from custodes.reporting.handling.views import filing, identity, inbox, report, respond, taxonomy

register_converter(ReferenceConverter, "report_reference")

app_name = "reports"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("new", filing.new, name="new"),
    path("mine", inbox.mine, name="mine"),
    path("record", filing.record, name="record"),
    path("categories/", taxonomy.category_list, name="category-list"),
    path("categories/new", taxonomy.category_create, name="category-create"),
    path("categories/<slug:code>/edit", taxonomy.category_edit, name="category-edit"),
    path("categories/<slug:code>/retire", taxonomy.category_retire, name="category-retire"),
    path("categories/<slug:code>/reactivate", taxonomy.category_reactivate, name="category-reactivate"),
    path("<report_reference:reference>", report.report_detail, name="report"),
    path("<report_reference:reference>/acknowledge", respond.acknowledge, name="acknowledge"),
    path("<report_reference:reference>/message", respond.message, name="message"),
    path("<report_reference:reference>/feedback", respond.feedback, name="feedback"),
    path("<report_reference:reference>/identity", identity.identity, name="identity"),
    path("<report_reference:reference>/files/<int:pk>", report.attachment_download, name="attachment"),
]
