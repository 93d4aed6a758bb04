"""The notifications page and the header's count: each account sees its own, never anyone else's; a notification
about something its reader may no longer see stays listed, without the reference or a link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from custodes.cases.services import lifecycle
from custodes.cases.tests.tracing_support import Scene, client, make_report
from custodes.core.roles import Role
from custodes.notifications.models import Notification, NotificationKind
from custodes.reporting.services import follow_up
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def test_the_page_lists_the_accounts_own_notifications_newest_first(scene: Scene):
    submitted = make_report(scene)
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=submitted.report)
    follow_up.reporter_adds(receipt=submitted.receipt, body="More.")
    response = client(scene.investigator).get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("notifications:list") == LIST
    assert page.index("A reporter sent a new message") < page.index("You were assigned to a case")
    assert f'href="{reverse("reports:report", args=[submitted.report.reference])}"' in page
    assert scene.case.reference in page
    assert scene.restricted.reference in page
    assert "You have 4 unread notifications" in page
    # Another account's notifications are nowhere in it.
    assert client(scene.staff).get(LIST).content.decode().count("govuk-tag--blue") == 0


def test_the_header_counts_unread_notifications(scene: Scene):
    page = client(scene.investigator).get(LIST).content.decode()
    assert 'class="moj-notification-badge">3<' in page
    assert 'id="notifications-link"' in client(scene.staff).get("/").content.decode()
    assert "moj-notification-badge" not in client(scene.staff).get("/").content.decode()
    assert "notifications-link" not in Client(HTTP_HOST="127.0.0.1").get("/accessibility").content.decode()


def test_marking_read_one_or_all(scene: Scene):
    browser = client(scene.investigator)
    first = Notification.objects.filter(user=scene.investigator).first()
    assert first is not None
    response = browser.post(reverse("notifications:read", args=[first.pk]), {"page": "1"})
    assert response.status_code == 302
    assert response["Location"] == LIST
    first.refresh_from_db()
    assert first.read_at is not None
    response = browser.post(reverse("notifications:read-all"), {"page": "2"})
    assert response["Location"] == LIST + "?page=2"
    assert not Notification.objects.filter(user=scene.investigator, read_at__isnull=True).exists()
    assert "You have no unread notifications" in browser.get(LIST).content.decode()


def test_nobody_marks_anyone_elses_notifications(scene: Scene):
    theirs = Notification.objects.filter(user=scene.investigator).first()
    assert theirs is not None
    browser = client(scene.lead)
    response = browser.post(reverse("notifications:read", args=[theirs.pk]))
    missing = browser.post(reverse("notifications:read", args=[99999999]))
    assert response.status_code == missing.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert browser.get(reverse("notifications:read", args=[theirs.pk])).status_code == 405


def test_a_notification_about_a_case_no_longer_visible_keeps_no_reference(scene: Scene):
    newcomer = persona(Role.INVESTIGATOR)
    lifecycle.assign(actor=scene.lead, case=scene.case, user=newcomer)
    lifecycle.unassign(actor=scene.lead, case=scene.case, user=newcomer)
    page = client(newcomer).get(LIST).content.decode()
    assert "You were assigned to a case" in page
    assert scene.case.reference not in page
    assert "No longer available to you" in page


def test_access_flag_notifications_link_to_the_flags_page(scene: Scene):
    from custodes.notifications import services

    services.access_flagged(flag_seq=12345, flagged_user_id=scene.unassigned.pk)
    assert not Notification.objects.filter(user=scene.unassigned, kind=NotificationKind.ACCESS_FLAGGED).exists()
    page = client(scene.lead).get(LIST).content.decode()
    assert reverse("cases:access-flags") in page


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client(HTTP_HOST="127.0.0.1").get(LIST)
    assert response.status_code == 302


def test_the_page_costs_the_same_queries_however_many_notifications(scene: Scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from custodes.notifications import services

    linked = make_report(scene)
    lifecycle.link_report(actor=scene.lead, case=scene.case, report=linked.report)
    follow_up.reporter_adds(receipt=linked.receipt, body="First.")  # a report among the case notifications
    browser = client(scene.investigator)
    browser.get(LIST)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(LIST).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for _ in range(40):
        services.case_assigned(actor=scene.lead, case=scene.case, user=scene.investigator)
        services.restriction_changed(actor=scene.lead, case=scene.restricted)
        services.reporter_message(report=linked.report)
    assert Notification.objects.filter(user=scene.investigator).count() > 100
    assert queries() == few
