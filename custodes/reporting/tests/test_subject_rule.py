"""Need-to-know: a member of staff who is the subject of a report never sees it, nor learns that it exists, through
any page, endpoint, list, count, filter, file, identity page or error message (DESIGN.md §3, issue 3).

The subject holds, in turn, each role that would otherwise see the report. Every answer about the report must
be exactly the answer for a reference that does not exist.
"""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from custodes.accounts.models import User
from custodes.core.roles import Role
from custodes.reporting.intake import Contact, UploadedContent
from custodes.reporting.models import Message, Report

from .handling_support import (  # noqa: F401
    World,
    bearer,
    browser,
    file_store,
    holder,
    normalised,
    png_with_comment,
    same_as_missing,
    world,
)

pytestmark = pytest.mark.django_db

MISSING = "R-2099-999999"
ROLES = [
    (Role.TRIAGER, "A"),
    (Role.GOVERNOR, "A"),
    (Role.COUNTER_CORRUPTION_LEAD, "national"),
    (Role.REPORTER_LIAISON, "national"),
]


@dataclass
class Setting:
    subject: User
    hidden: list[Report]  # about the subject: must be invisible
    control: Report  # not about them, and otherwise visible to them


@pytest.fixture(params=ROLES, ids=[f"{role.value}@{scope}" for role, scope in ROLES])
def setting(request: pytest.FixtureRequest, world: World) -> Setting:
    role, scope = request.param
    subject = holder(role, scope, world, staff_member=world.subject_member)
    extras = {
        "anonymity": "confidential",
        "contact": Contact(name="Fenn Brackwater", phone="07700 900321"),
        "files": (UploadedContent(name="yard.png", content=png_with_comment("yard")),),
    }
    hidden = [
        world.about_subject(where="A", routed="establishment", **extras),
        world.about_subject(where="A", routed="national", **extras),
    ]
    control = world.report(where="A", routed="establishment")
    return Setting(subject=subject, hidden=hidden, control=control)


def test_the_inbox_and_its_counts_leave_the_report_out(setting: Setting):
    client = browser(setting.subject)
    html = client.get("/reports/").content.decode()
    assert setting.control.reference in html
    for report in setting.hidden:
        assert report.reference not in html
    assert "Showing 1 to 1 of 1 report" in html
    for report in setting.hidden:
        searched = client.get("/reports/", {"reference": report.reference})
        missing = client.get("/reports/", {"reference": MISSING})
        assert "No reports match these filters" in searched.content.decode()
        assert normalised(searched.content).replace(report.reference.encode(), b"") == normalised(
            missing.content
        ).replace(MISSING.encode(), b"")
    overdue = client.get("/reports/", {"establishment": "QAA", "group": "staff_corruption"}).content.decode()
    assert "No reports match these filters" in overdue


def test_every_page_about_the_report_answers_as_for_no_report(setting: Setting):
    client = browser(setting.subject)
    for report in setting.hidden:
        attachment = report.attachments.get()
        for suffix in ["", "/acknowledge", "/message", "/feedback", "/identity"]:
            same_as_missing(client, f"/reports/{report.reference}{suffix}", f"/reports/{MISSING}{suffix}")
        same_as_missing(
            client, f"/reports/{report.reference}/files/{attachment.pk}", f"/reports/{MISSING}/files/{attachment.pk}"
        )
        for suffix, data in [
            ("/acknowledge", {"body": "Received."}),
            ("/message", {"kind": "message", "body": "Hello"}),
            ("/feedback", {"body": "Done."}),
            ("/identity", {"reason": "I would like to know who it was"}),
        ]:
            same_as_missing(
                client, f"/reports/{report.reference}{suffix}", f"/reports/{MISSING}{suffix}", method="post", data=data
            )
    assert not Message.objects.filter(report__in=setting.hidden).exists()


def test_the_api_answers_as_for_no_report(setting: Setting):
    client = bearer(setting.subject)
    listing = client.get("/api/v1/reports").json()
    assert [item["reference"] for item in listing["items"]] == [setting.control.reference]
    assert listing["count"] == 1
    for report in setting.hidden:
        assert client.get("/api/v1/reports", {"reference": report.reference}).json()["count"] == 0
        attachment = report.attachments.get()
        for path in ["/api/v1/reports/{}", f"/api/v1/reports/{{}}/files/{attachment.pk}"]:
            hidden = client.get(path.format(report.reference))
            missing = client.get(path.format(MISSING))
            assert (
                (hidden.status_code, hidden.json())
                == (missing.status_code, missing.json())
                == (
                    404,
                    {"error": {"code": "not_found", "message": "Not found.", "details": []}},
                )
            ), path
        for action in ["acknowledge", "messages", "feedback"]:
            hidden = client.post(
                f"/api/v1/reports/{report.reference}/{action}", {"body": "Hi"}, content_type="application/json"
            )
            missing = client.post(
                f"/api/v1/reports/{MISSING}/{action}", {"body": "Hi"}, content_type="application/json"
            )
            assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()), action
            assert hidden.status_code in (403, 404)
    assert not Message.objects.filter(report__in=setting.hidden).exists()


def test_the_reports_are_real_for_anyone_else(setting: Setting, world: World):
    other = browser(holder(Role.COUNTER_CORRUPTION_LEAD, "national", world))
    for report in setting.hidden:
        assert other.get(f"/reports/{report.reference}").status_code == 200
    html = other.get("/reports/").content.decode()
    assert all(report.reference in html for report in setting.hidden)


def test_the_subject_is_not_told_through_the_navigation_or_home_page(setting: Setting):
    client: Client = browser(setting.subject)
    for path in ["/", "/reports/", "/reports/mine"]:
        html = client.get(path).content.decode()
        for report in setting.hidden:
            assert report.reference not in html, path
