# ruff: noqa: RUF001  (the Welsh apostrophe is meant, not a look-alike)
"""The public reporting journey in a real browser, in English and Welsh: a report with a photo carrying GPS EXIF,
the receipt, follow-up, a handler's reply seen by the reporter; the wing kiosk's journey and its idle wipe; and
the web journey without JavaScript. Every page visited is checked with axe-core (support.Visitor)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import Error as PlaywrightError

from custodes.core.roles import Role
from custodes.estate.models import Establishment
from custodes.reporting import services
from custodes.reporting.models import Attachment, Channel, Report
from custodes.testing.factories import EstablishmentFactory, UnitFactory
from custodes.testing.personas import persona

from .support import Visitor

pytestmark = pytest.mark.e2e

NARRATIVE = {
    "en": "The officer on the servery took a parcel from a visitor and passed it on at lunch.",
    "cy": "Cymerodd y swyddog ar y gweini barsel gan ymwelydd a’i basio ymlaen amser cinio.",
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "start": "Start now",
        "continue": "Continue",
        "role": "I am in prison",
        "category": "Bringing in or passing on items",
        "prison": "Which prison did it happen in?",
        "wing": "Wing or unit (optional)",
        "place": "Place (optional)",
        "day": "Day",
        "month": "Month",
        "year": "Year",
        "involved": "Names or descriptions (optional)",
        "narrative": "What happened?",
        "add file": "Add file",
        "anonymous": "No, I want to stay anonymous",
        "check": "Check your answers before sending your report",
        "send": "Send report",
        "sent": "Report sent",
        "follow up": "Check on a report you made",
        "receipt": "Enter your receipt number",
        "no messages": "There are no messages yet.",
        "reply": "We need more information",
        "tell us more": "Your message",
        "send message": "Send",
        "received": "We have received what you sent.",
    },
    "cy": {
        "start": "Dechrau nawr",
        "continue": "Parhau",
        "role": "Rydw i yn y carchar",
        "category": "Dod ag eitemau i mewn neu eu trosglwyddo",
        "prison": "Ym mha garchar y digwyddodd?",
        "wing": "Adain neu uned (dewisol)",
        "place": "Lle (dewisol)",
        "day": "Diwrnod",
        "month": "Mis",
        "year": "Blwyddyn",
        "involved": "Enwau neu ddisgrifiadau (dewisol)",
        "narrative": "Beth ddigwyddodd?",
        "add file": "Ychwanegu ffeil",
        "anonymous": "Na, rydw i eisiau aros yn ddienw",
        "check": "Gwiriwch eich atebion cyn anfon eich adroddiad",
        "send": "Anfon yr adroddiad",
        "sent": "Adroddiad wedi’i anfon",
        "follow up": "Gwirio adroddiad a wnaethoch",
        "receipt": "Rhowch eich rhif derbynneb",
        "no messages": "Does dim negeseuon eto.",
        "reply": "Mae angen rhagor o wybodaeth arnom",
        "tell us more": "Eich neges",
        "send message": "Anfon",
        "received": "Rydym wedi cael yr hyn a anfonoch chi.",
    },
}


@pytest.fixture
def prison(live_server: Any, settings: Any, tmp_path: Path) -> Establishment:
    """A prison with wings and a file store of the test's own. (The seeded taxonomy is put back after every
    flush by the suite's conftest.)"""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    establishment = EstablishmentFactory(code="QRP", name="HMP Testmoor Reporting")
    UnitFactory(establishment=establishment, code="W1", name="Wing 1")
    UnitFactory(establishment=establishment, code="W2", name="Wing 2")
    return establishment


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fictional Phone Co"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 27.0, 24.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 11.0, 2.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the photo carries GPS"
    return data


def press(visitor: Visitor, name: str) -> None:
    visitor.submit(name)


def web_journey(visitor: Visitor, language: str, *, with_photo: bool = True) -> tuple[str, str]:
    """From the start page to the confirmation; returns (reference, receipt as shown)."""
    words = WORDS[language]
    page = visitor.page
    visitor.visit(f"/report?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    with page.expect_navigation():
        page.get_by_role("button", name=words["start"]).click()
    visitor.check()
    page.get_by_label(words["role"]).check()
    press(visitor, words["continue"])
    page.get_by_label(words["category"], exact=True).check()
    press(visitor, words["continue"])
    page.get_by_label(words["prison"]).select_option("QRP")
    press(visitor, words["continue"])
    page.get_by_label(words["wing"]).select_option("W2")
    page.get_by_label(words["place"]).fill("Servery")
    press(visitor, words["continue"])
    page.get_by_label(words["day"]).fill("14")
    page.get_by_label(words["month"]).fill("3")
    page.get_by_label(words["year"]).fill("2025")
    press(visitor, words["continue"])
    page.get_by_label(words["involved"]).fill("A tall officer with a beard")
    press(visitor, words["continue"])
    page.get_by_label(words["narrative"]).fill(NARRATIVE[language])
    press(visitor, words["continue"])
    if with_photo:
        page.locator("#files").set_input_files(
            files=[{"name": "servery.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}]
        )
        press(visitor, words["add file"])
        assert "servery.jpg" in page.locator("main").inner_text()
    press(visitor, words["continue"])
    page.get_by_label(words["anonymous"]).check()
    press(visitor, words["continue"])
    assert page.locator("h1").inner_text() == words["check"]
    assert NARRATIVE[language] in page.locator("main").inner_text()
    press(visitor, words["send"])
    assert words["sent"] in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == language
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    receipt = page.locator(".custodes-receipt__groups").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt), receipt
    assert page.get_by_role("button", name=re.compile("Print|Argraffu")).is_visible() == visitor.javascript
    return reference, receipt


def open_follow_up(visitor: Visitor, language: str, receipt: str) -> None:
    words = WORDS[language]
    visitor.visit(f"/report/follow-up?lang={language}")
    visitor.page.get_by_label(words["receipt"]).fill(receipt)
    press(visitor, words["continue"])


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_public_journey_with_a_photo_then_follow_up_and_a_reply(
    visitor: Visitor, prison: Establishment, language: str
) -> None:
    words = WORDS[language]
    page = visitor.page
    reference, receipt = web_journey(visitor, language)

    report = Report.objects.get(reference=reference)
    assert report.channel == Channel.WEB
    assert report.language == language
    attachment = Attachment.objects.get(report=report)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    clean = services.open_attachment(actor=lead, attachment=attachment)
    assert not Image.open(io.BytesIO(clean)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the handler's copy has no GPS"

    # What the browser posts to the follow-up pages (and keeps in its history): never the receipt as typed.
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.post_data or "")
            if request.method == "POST" and "/report/follow-up" in request.url and "/seal" not in request.url
            else None
        ),
    )

    # From the confirmation to follow-up, as a reporter would.
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=words["follow up"]).click()
    visitor.check()
    page.get_by_label(words["receipt"]).fill(receipt)
    press(visitor, words["continue"])
    assert page.locator("h1").inner_text().strip() == reference
    assert words["no messages"] in page.locator("main").inner_text()

    services.send_message(actor=lead, report=report, body="Which day of the week was it?", asks_for_more=True)
    open_follow_up(visitor, language, receipt)
    thread = page.locator(".custodes-thread").inner_text()
    assert words["reply"] in thread
    assert "Which day of the week was it?" in thread
    assert lead.full_name not in page.content()

    page.get_by_label(words["tell us more"]).fill("It was a Friday.")
    press(visitor, words["send message"])
    assert words["received"] in page.locator("main").inner_text()
    assert "It was a Friday." in page.locator(".custodes-thread").inner_text()
    assert len(posted) == 3
    digits = receipt.replace(" ", "")
    for body in posted:
        assert digits not in body.replace("+", "").replace("%20", "")
    assert digits not in page.content().replace(" ", "")


def test_the_language_switch_keeps_the_reporter_on_the_same_question(visitor: Visitor, prison: Establishment) -> None:
    page = visitor.page
    visitor.visit("/report?lang=en")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    visitor.check()
    page.get_by_label("I visited a prison").check()
    press(visitor, "Continue")
    assert page.locator("h1").inner_text() == "What is your report about?"
    # Each language's name, and the words before it for screen readers, are in that language.
    press(visitor, "Newid yr iaith i Cymraeg")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == "Am beth mae eich adroddiad?"
    press(visitor, "Yn ôl")
    assert page.locator("h1").inner_text() == "Pwy ydych chi?"
    assert page.get_by_label("Fe wnes i ymweld â charchar").is_checked()
    press(visitor, "Change the language to English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Who are you?"


def test_the_web_journey_works_without_javascript(visitor_without_javascript: Visitor, prison: Establishment) -> None:
    visitor = visitor_without_javascript
    reference, receipt = web_journey(visitor, "en")
    assert visitor.page.evaluate("document.body.classList.contains('js-enabled')") is False
    open_follow_up(visitor, "en", receipt)
    assert visitor.page.locator("h1").inner_text().strip() == reference


KIOSK_WORDS = {
    "en": {
        "start": "Start a report",
        "category": "Overcrowding",
        "continue": "Continue",
        "when": "Yesterday",
        "narrative": "What happened?",
        "anonymous": "No, I want to stay anonymous",
        "send": "Send report",
        "finish": "I have my receipt number. Clear the screen",
        "kiosk heading": "Report a problem",
    },
    "cy": {
        "start": "Dechrau adroddiad",
        "category": "Gorlenwi",
        "continue": "Parhau",
        "when": "Ddoe",
        "narrative": "Beth ddigwyddodd?",
        "anonymous": "Na, rydw i eisiau aros yn ddienw",
        "send": "Anfon yr adroddiad",
        "finish": "Mae gen i fy rhif derbynneb. Clirio’r sgrin",
        "kiosk heading": "Rhoi gwybod am broblem",
    },
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_kiosk_journey_prints_a_receipt_and_clears_the_screen(
    visitor: Visitor, prison: Establishment, settings: Any, language: str
) -> None:
    settings.CUSTODES_KIOSK_IDLE_SECONDS = 60
    words = KIOSK_WORDS[language]
    page = visitor.page
    home = f"/report/kiosk?lang={language}&at=QRP"
    visitor.visit(home)
    assert page.locator("h1").inner_text() == words["kiosk heading"]
    with page.expect_navigation():
        page.get_by_role("button", name=words["start"]).click()
    visitor.check()
    page.get_by_label(words["category"], exact=True).check()
    press(visitor, words["continue"])
    press(visitor, words["continue"])  # where in the prison: optional
    page.get_by_label(words["when"]).check()
    press(visitor, words["continue"])
    press(visitor, words["continue"])  # who was involved: optional
    page.get_by_label(words["narrative"]).fill("Three of us in a cell for one.")
    press(visitor, words["continue"])
    page.get_by_label(words["anonymous"]).check()
    press(visitor, words["continue"])
    press(visitor, words["send"])
    receipt = page.locator(".custodes-receipt__groups").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert Report.objects.get().channel == Channel.KIOSK

    # The print stylesheet leaves only the slip: the reference, the receipt and how to follow up.
    page.emulate_media(media="print")
    assert page.locator(".custodes-slip").is_visible()
    assert page.locator(".custodes-slip .custodes-receipt__groups").inner_text().strip() == receipt
    assert page.locator(".govuk-warning-text").evaluate("e => getComputedStyle(e).visibility") == "hidden"
    assert page.locator(".moj-header").evaluate("e => getComputedStyle(e).visibility") == "hidden"
    page.emulate_media(media="screen")

    page.get_by_role("link", name=words["finish"]).click()
    page.wait_for_url(f"**{home}")
    visitor.check()
    assert receipt not in page.content()
    assert page.locator("h1").inner_text() == words["kiosk heading"]


def test_the_kiosk_wipes_itself_after_a_short_idle_time(visitor: Visitor, prison: Establishment, settings: Any) -> None:
    settings.CUSTODES_KIOSK_IDLE_SECONDS = 8  # warns for the last 5 seconds
    page = visitor.page
    home = "/report/kiosk?lang=en&at=QRP"
    visitor.visit(home)
    with page.expect_navigation():
        page.get_by_role("button", name="Start a report").click()
    visitor.check()
    page.get_by_label("Overcrowding", exact=True).check()
    press(visitor, "Continue")
    page.get_by_label("Place (optional)").fill("A secret place marker-kiosk-77")
    warning = page.locator("[data-kiosk-warning]")
    warning.wait_for(state="visible", timeout=10_000)
    assert "Are you still there?" in warning.inner_text()
    visitor.check()  # the warning itself is accessible
    countdown = int(page.locator("[data-kiosk-countdown]").inner_text())
    assert 0 < countdown <= 5
    # Using the screen keeps it.
    page.get_by_role("button", name="Keep going").click()
    assert warning.is_hidden()
    # Then walking away clears it, back to the kiosk's start, without the typed words.
    page.wait_for_url(f"**{home}", timeout=15_000)
    visitor.check()
    assert "marker-kiosk-77" not in page.content()
    # The wipe replaced the page in the history: Back does not bring the typed words back.
    with contextlib.suppress(PlaywrightError):  # Chromium may refuse to show a no-store POST page at all
        page.go_back(timeout=5_000)
    assert "marker-kiosk-77" not in page.content()


def _post_form(visitor: Visitor, action: str, fields: dict[str, str], status: int) -> None:
    """Post a form as a tampering or guessing visitor would (built by script: the page's CSP does not govern
    DevTools evaluation), then check the page it leads to, allowing for the console's note of the status."""
    with visitor.page.expect_navigation():
        visitor.page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, fields],
        )
    expected = f"the server responded with a status of {status}"
    visitor.problems = [problem for problem in visitor.problems if expected not in problem]
    visitor.check()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_error_and_problem_pages_are_accessible(
    visitor: Visitor, prison: Establishment, settings: Any, language: str
) -> None:
    settings.CUSTODES_RECEIPT_GUESS_LIMIT = 1
    words = WORDS[language]
    page = visitor.page
    # A question answered with nothing: the error summary links to the field.
    visitor.visit(f"/report/who-you-are?lang={language}")
    press(visitor, words["continue"])
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "role"
    # Answers that were altered, and answers that were cleared.
    visitor.visit(f"/report?lang={language}")
    _post_form(visitor, f"/report/who-you-are?lang={language}", {"state": "altered"}, 400)
    assert page.locator("html").get_attribute("lang") == language
    # A wrong receipt, then the brake on guessing.
    open_follow_up(visitor, language, "0000 0000 0000 0001")
    assert page.locator(".govuk-error-summary").is_visible()
    _post_form(visitor, f"/report/follow-up?lang={language}", {"receipt": "0000 0000 0000 0002"}, 429)
    assert page.locator("h1").inner_text() in ("Too many attempts", "Gormod o ymdrechion")
    # The kiosk's own follow-up page.
    visitor.visit(f"/report/kiosk/follow-up?lang={language}&at=QRP")
