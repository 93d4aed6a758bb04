"""The handlers' pages: the report page (decrypted, audited), files, acknowledging, messaging, feedback and the
reporter liaison's identity page; methods, CSRF, caching, and the audit events each action leaves."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import pytest
from django.test import Client

from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting import services
from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT
from custodes.reporting.intake import UploadedContent
from custodes.reporting.models import Message, MessageKind, Report, ReportStatus
from custodes.testing.personas import persona

from .handling_support import World, browser, file_store, png_with_comment, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world: World) -> Client:
    return browser(persona(Role.COUNTER_CORRUPTION_LEAD, username="lead"))


def events(action: str, report: Report | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action=action)
    if report is not None:
        found = found.filter(target_type="reporting.report", target_id=str(report.pk))
    return list(found.order_by("seq"))


def test_the_report_page_shows_the_decrypted_report_and_records_each_opening(world: World, lead: Client):
    report = world.report(
        narrative="Officer took phone cards from the canteen list.\nTwice last week.",
        involved="A night-shift officer",
        staff_numbers=(world.subject_member.staff_number, "ZZ9999"),
        occurred_approximately="last week",
    )
    html = lead.get(f"/reports/{report.reference}").content.decode()
    assert "Officer took phone cards from the canteen list.<br>Twice last week." in html
    assert "A night-shift officer" in html
    assert f"({world.subject_member.staff_number})" in html
    assert "ZZ9999" in html
    assert "matches no record" in html
    assert "last week" in html
    assert "B wing landing 2" in html
    assert "HMP Testmoor A" in html
    assert "Overcrowding" in html
    lead.get(f"/reports/{report.reference}")
    viewed = events("reporting.viewed", report)
    assert len(viewed) == 2
    assert viewed[0].actor_label == "lead"
    assert viewed[0].establishment == "QAA"
    assert "canteen" not in str(viewed[0].detail)


def test_the_timeline_shows_the_thread_newest_first_with_files(world: World, lead: Client):
    submitted = world.submit()
    report = submitted.report
    lead_user = persona(Role.REPORTER_LIAISON, username="liaison", full_name="Garnet Coldharbour")
    services.acknowledge(actor=lead_user, report=report, body="We have your report.")
    photo = UploadedContent(name="../../etc/landing.png", content=png_with_comment("no names please"))
    services.reporter_adds(receipt=submitted.receipt, body="Here is a photo of the landing.", uploads=(photo,))
    html = lead.get(f"/reports/{report.reference}").content.decode()
    timeline = html[html.index('class="moj-timeline"') :]
    assert timeline.index("Here is a photo of the landing.") < timeline.index("We have your report.")
    assert "by Garnet Coldharbour" in timeline
    attachment = report.attachments.get()
    assert f'href="/reports/{report.reference}/files/{attachment.pk}"' in timeline
    assert "no names please" not in html


def test_a_file_downloads_as_the_cleaned_copy_never_inline(world: World, lead: Client):
    marker = "Photographer: a fictional officer"
    report = world.report(files=(UploadedContent(name='landing "2".png', content=png_with_comment(marker)),))
    attachment = report.attachments.get()
    response = lead.get(f"/reports/{report.reference}/files/{attachment.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "landing" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"\x89PNG")
    assert marker.encode() not in response.content
    opened = events("reporting.attachment_opened")
    assert len(opened) == 1
    assert opened[0].detail == {"report": report.reference}
    # Another report's file is not reachable through this report's address.
    other = world.with_file()
    assert lead.get(f"/reports/{report.reference}/files/{other.attachments.get().pk}").status_code == 404


def test_acknowledging_offers_the_plain_english_default_and_records_it(world: World, lead: Client):
    report = world.report()
    page = lead.get(f"/reports/{report.reference}/acknowledge").content.decode()
    assert "Thank you for your report. We have received it" in page
    response = lead.post(f"/reports/{report.reference}/acknowledge", {"body": DEFAULT_ACKNOWLEDGEMENT + " Edited."})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.reference}"
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED
    assert report.acknowledged_at is not None
    message = Message.objects.get(report=report)
    assert message.kind == MessageKind.ACKNOWLEDGEMENT
    assert b"Edited" not in bytes(message.body)  # stored encrypted
    (event,) = events("reporting.acknowledged", report)
    assert event.actor_label == "lead"
    assert event.detail == {"late": False}
    followed = lead.get(response["Location"]).content.decode()
    assert "Acknowledgement sent." in followed
    assert "Edited." in followed
    # Acknowledging again is refused: the page says when it was done, and a POST changes nothing.
    again = lead.get(f"/reports/{report.reference}/acknowledge").content.decode()
    assert 'id="already"' in again
    assert lead.post(f"/reports/{report.reference}/acknowledge", {"body": "Again"}).status_code == 200
    assert Message.objects.filter(report=report).count() == 1


def test_messages_and_requests_for_more_information(world: World, lead: Client):
    report = world.report(language="cy")
    page = lead.get(f"/reports/{report.reference}/message").content.decode()
    assert "The reporter wrote in Welsh: reply in Welsh." in page
    lead.post(f"/reports/{report.reference}/message", {"kind": "request", "body": "Pa adain oedd hi?"})
    lead.post(f"/reports/{report.reference}/message", {"kind": "message", "body": "Diolch."})
    kinds = list(Message.objects.filter(report=report).order_by("pk").values_list("kind", flat=True))
    assert kinds == [MessageKind.REQUEST, MessageKind.MESSAGE]
    assert [e.detail["kind"] for e in events("reporting.message_sent", report)] == ["request", "message"]


def test_feedback_is_recorded_and_acknowledges_if_still_owed(world: World, lead: Client):
    report = world.report()
    response = lead.post(f"/reports/{report.reference}/feedback", {"body": "We checked the heating: fixed."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.feedback_given_at is not None
    assert report.acknowledged_at == report.feedback_given_at
    assert len(events("reporting.feedback_given", report)) == 1


@pytest.mark.parametrize("form", ["acknowledge", "message", "feedback"])
def test_empty_or_over_long_messages_are_explained(world: World, lead: Client, form: str):
    report = world.report()
    empty = lead.post(f"/reports/{report.reference}/{form}", {"kind": "message", "body": "  "}).content.decode()
    assert "There is a problem" in empty
    assert "Write the message to the reporter" in empty
    long = lead.post(f"/reports/{report.reference}/{form}", {"kind": "message", "body": "x" * 5001}).content.decode()
    assert "The message must be 5,000 characters or fewer" in long
    assert not Message.objects.filter(report=report).exists()


def test_the_identity_page_needs_a_reason_and_shows_the_details_once(world: World):
    report = world.confidential()
    liaison = persona(Role.REPORTER_LIAISON, username="liaison")
    client = browser(liaison)
    form = client.get(f"/reports/{report.reference}/identity")
    assert "Elowen Fallowfield" not in form.content.decode()
    short = client.post(f"/reports/{report.reference}/identity", {"reason": "because"})
    assert "Give the reason in at least 10 characters" in short.content.decode()
    assert "Elowen Fallowfield" not in short.content.decode()
    assert not events("reporting.identity_revealed")
    shown = client.post(f"/reports/{report.reference}/identity", {"reason": "To arrange a safe call back"})
    html = shown.content.decode()
    assert "Elowen Fallowfield" in html
    assert "07700 900123" in html
    assert "By telephone" in html
    assert "no-store" in shown["Cache-Control"]
    (event,) = events("reporting.identity_revealed", report)
    assert event.actor_label == "liaison"
    assert event.detail == {"reason": "To arrange a safe call back"}
    # Nothing kept: going back to the page asks for a reason again.
    assert "Elowen Fallowfield" not in client.get(f"/reports/{report.reference}/identity").content.decode()
    # The report page offers the identity only to reporter liaison, and only when there is one.
    assert "Open the reporter's identity" in client.get(f"/reports/{report.reference}").content.decode()
    lead_page = browser(persona(Role.COUNTER_CORRUPTION_LEAD)).get(f"/reports/{report.reference}")
    assert "Open the reporter" not in lead_page.content.decode()


def test_an_anonymous_report_has_no_identity_to_open(world: World):
    report = world.report()
    client = browser(persona(Role.REPORTER_LIAISON))
    assert 'id="anonymous"' in client.get(f"/reports/{report.reference}/identity").content.decode()
    client.post(f"/reports/{report.reference}/identity", {"reason": "To arrange a safe call back"})
    assert not events("reporting.identity_revealed")
    assert "Open the reporter" not in client.get(f"/reports/{report.reference}").content.decode()


def test_a_governor_reads_but_is_not_offered_responses(world: World):
    report = world.report(where="A", routed="establishment")
    client = browser(persona(Role.GOVERNOR, world.a))
    html = client.get(f"/reports/{report.reference}").content.decode()
    assert report.reference in html
    assert f"/reports/{report.reference}/acknowledge" not in html
    assert f"/reports/{report.reference}/message" not in html
    assert client.get(f"/reports/{report.reference}/acknowledge").status_code == 403


def test_wrong_methods_are_405(world: World, lead: Client):
    report = world.with_file()
    attachment = report.attachments.get()
    for path in ["/reports/", "/reports/mine", f"/reports/{report.reference}", "/reports/categories/"]:
        assert lead.post(path).status_code == 405, path
        assert lead.put(path).status_code == 405, path
    assert lead.post(f"/reports/{report.reference}/files/{attachment.pk}").status_code == 405
    for path in ["acknowledge", "message", "feedback", "identity"]:
        assert lead.delete(f"/reports/{report.reference}/{path}").status_code == 405, path
    assert lead.delete("/reports/new").status_code == 405
    assert lead.put("/reports/record").status_code == 405
    assert not events("reporting.viewed")


def test_every_form_needs_the_csrf_token(world: World):
    report = world.confidential()
    for role, posts in [
        (Role.COUNTER_CORRUPTION_LEAD, ["acknowledge", "message", "feedback"]),
        (Role.REPORTER_LIAISON, ["identity"]),
    ]:
        client = browser(persona(role))
        client.handler.enforce_csrf_checks = True
        for path in posts:
            response = client.post(f"/reports/{report.reference}/{path}", {"body": "Hello", "kind": "message"})
            assert response.status_code == 403, path
    staff = browser(persona(Role.STAFF, world.a))
    staff.handler.enforce_csrf_checks = True
    assert staff.post("/reports/new", {}).status_code == 403
    assert staff.post("/reports/record", {}).status_code == 403
    admin = browser(persona(Role.SYSTEM_ADMINISTRATOR))
    admin.handler.enforce_csrf_checks = True
    assert admin.post("/reports/categories/new", {}).status_code == 403
    assert not Message.objects.exists()
    assert not events("reporting.identity_revealed")


def test_pages_use_no_inline_script_or_style(world: World, lead: Client):
    report = world.with_file()
    for path in ["/reports/", f"/reports/{report.reference}", f"/reports/{report.reference}/acknowledge"]:
        html = lead.get(path).content.decode()
        for inline in ("<script>", " style=", "<style"):
            assert inline not in html, (path, inline)


def test_the_report_page_costs_the_same_queries_however_long_the_thread(world: World, lead: Client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted = world.submit(staff_numbers=(world.subject_member.staff_number,))
    report = submitted.report
    liaison = persona(Role.REPORTER_LIAISON)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert lead.get(f"/reports/{report.reference}").status_code == 200
        return len(captured)

    services.send_message(actor=liaison, report=report, body="First question.")
    short = queries()
    for n in range(5):
        services.send_message(actor=liaison, report=report, body=f"Question {n}.")
        photo = UploadedContent(name=f"photo-{n}.png", content=png_with_comment("x"))
        services.reporter_adds(receipt=submitted.receipt, body=f"Answer {n}.", uploads=(photo,))
    assert queries() == short
