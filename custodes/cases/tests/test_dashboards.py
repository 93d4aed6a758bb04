"""The leads' dashboards: who sees them, what each sees, need-to-know in every count, and pages that work without
JavaScript under the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodes.cases.dashboards import selectors
from custodes.cases.dashboards.suppression import SUPPRESSED_TEXT
from custodes.cases.models import CaseStatus, OutcomeKind
from custodes.cases.services import lifecycle
from custodes.cases.tests.api_dashboard_support import (
    ESTABLISHMENT_CATEGORY,
    add_outcome,
    browser,
    link_staff,
    make_report,
    open_case,
)
from custodes.core.roles import Role
from custodes.reporting.models import Report
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def prisons():
    return EstablishmentFactory(code="QAA", name="HMP Alderbrook"), EstablishmentFactory(
        code="QBB", name="HMP Birchmere"
    )


@pytest.fixture
def lead():
    return persona(Role.COUNTER_CORRUPTION_LEAD)


def _open_cases(lead, prison, count, **kwargs):
    return [
        open_case(lead, prison, staff=[StaffMemberFactory(current_establishment=prison)], **kwargs)
        for _ in range(count)
    ]


def _figure(table, label, column=0):
    return next(row for row in table.rows if row.label == label).figures[column]


def test_a_lead_sees_every_figure(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 7)
    _open_cases(lead, b, 2)
    board = selectors.dashboard(lead)
    assert board.detailed
    assert _figure(board.open_by_establishment, "HMP Alderbrook").value == 7
    assert _figure(board.open_by_establishment, "HMP Birchmere").value == 2
    assert board.open_by_establishment.totals[0].value == 9
    assert _figure(board.open_by_age, "Up to 30 days").value == 9
    assert _figure(board.open_by_category, "Inappropriate relationship").value == 9
    assert _figure(board.open_by_status, "Triage").value == 9
    assert "Closed" not in [row.label for row in board.open_by_status.rows]


def test_inspectors_and_analysts_see_aggregates_with_small_numbers_suppressed(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 7)
    _open_cases(lead, b, 2)
    for user in (persona(Role.INSPECTOR), persona(Role.ANALYST)):
        board = selectors.dashboard(user)
        assert not board.detailed
        # Birchmere's 2 is suppressed; with the total (9) shown, Alderbrook's 7 would give it away, so it goes too.
        assert _figure(board.open_by_establishment, "HMP Birchmere").value is None
        assert _figure(board.open_by_establishment, "HMP Alderbrook").value is None
        assert board.open_by_establishment.totals[0].value == 9
        # All 9 are under 30 days: publishing that, beside the total, would say every other band is 0.
        assert _figure(board.open_by_age, "Up to 30 days").value is None
        assert board.open_by_age.totals[0].value == 9
        assert _figure(board.open_by_age, "Over a year").display == SUPPRESSED_TEXT


def test_an_establishment_inspector_counts_only_their_establishment(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 6)
    _open_cases(lead, b, 8)
    board = selectors.dashboard(persona(Role.INSPECTOR, b))
    assert [row.label for row in board.open_by_establishment.rows] == ["HMP Birchmere"]
    assert board.open_by_establishment.totals[0].value == 8
    assert board.scope == "HMP Birchmere"


def test_a_subject_never_learns_of_their_case_through_a_count(prisons, lead):
    """A lead (or analyst) who is the subject of a case, or who line-manages its subject, counts one fewer."""
    a, _b = prisons
    cases = _open_cases(lead, a, 6)
    subject_member = cases[0].subjects.get().staff_member
    other_lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    subject_lead = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), subject_member)
    manager_member = StaffMemberFactory(current_establishment=a)
    subject_member.line_manager = manager_member
    subject_member.save(update_fields=["line_manager"])
    manager_lead = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), manager_member)
    assert selectors.dashboard(other_lead).open_by_establishment.totals[0].value == 6
    for hidden_from in (subject_lead, manager_lead):
        board = selectors.dashboard(hidden_from)
        assert board.open_by_establishment.totals[0].value == 5
        assert _figure(board.open_by_status, "Triage").value == 5
    # The page says the same.
    page = browser(subject_lead).get(URL).content.decode()
    assert not re.search(r">\s*6\s*<", page)


def test_restricted_cases_count_only_for_people_named_on_them(prisons, lead):
    a, _b = prisons
    _open_cases(lead, a, 5)
    _open_cases(lead, a, 1, restricted=True)
    assert selectors.dashboard(lead).open_by_establishment.totals[0].value == 6  # the lead opened it: named
    assert selectors.dashboard(persona(Role.COUNTER_CORRUPTION_LEAD)).open_by_establishment.totals[0].value == 5
    assert selectors.dashboard(persona(Role.ANALYST)).open_by_establishment.totals[0].value == 5


def test_overdue_duties_to_reporters(prisons, lead):
    a, b = prisons
    reports = [make_report(a) for _ in range(3)] + [make_report(b, category=ESTABLISHMENT_CATEGORY)]
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports[:2]]).update(
        received_at=now - dt.timedelta(days=100),
        acknowledgement_due=now - dt.timedelta(days=93),
        feedback_due=now - dt.timedelta(days=8),
    )
    Report.objects.filter(pk=reports[0].pk).update(acknowledged_at=now - dt.timedelta(days=95))
    board = selectors.dashboard(lead)
    assert _figure(board.overdue, "HMP Alderbrook", 0).value == 1
    assert _figure(board.overdue, "HMP Alderbrook", 1).value == 2
    assert _figure(board.overdue, "HMP Birchmere", 0).value == 0
    assert board.overdue.totals[0].value == 1
    page = browser(lead).get(URL).content.decode()
    assert "/reports/?establishment=QAA&amp;overdue=feedback" in page


def test_a_report_about_the_viewer_is_not_in_their_overdue_counts(prisons, lead):
    a, _b = prisons
    member = StaffMemberFactory(current_establishment=a)
    report = make_report(a, staff=[member])
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        received_at=now - dt.timedelta(days=30), acknowledgement_due=now - dt.timedelta(days=23)
    )
    assert selectors.dashboard(lead).overdue.totals[0].value == 1
    assert selectors.dashboard(link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), member)).overdue.totals[0].value == 0


def test_the_share_of_cases_ending_in_an_outcome_by_quarter(prisons, lead):
    a, _b = prisons
    today = timezone.localdate()
    this_quarter = selectors.quarter_start(today)
    cases = _open_cases(lead, a, 10)
    for index, case in enumerate(cases):
        kind = OutcomeKind.DISMISSAL if index < 6 else OutcomeKind.FINAL_WRITTEN_WARNING
        add_outcome(case, kind=kind, effective_on=this_quarter, by=lead)
    # Another category's outcome is not in this share.
    other = open_case(lead, a, category="bribery-favours", staff=[StaffMemberFactory(current_establishment=a)])
    add_outcome(other, kind=OutcomeKind.DISMISSAL, effective_on=this_quarter, by=lead)
    board = selectors.dashboard(lead)
    point = board.share.points[-1]
    assert point.label == selectors.quarter_label(this_quarter)
    assert (point.cases.value, point.hits.value, point.percent) == (10, 6, 60.0)
    assert board.share.points[0].percent is None  # nothing to divide
    quarter_row = board.outcomes_by_quarter.rows[-1]
    # The table is the chosen category's: the bribery case's dismissal is not in it.
    assert board.outcomes_by_quarter.title == "Inappropriate relationship: cases with each outcome, by quarter"
    columns = board.outcomes_by_quarter.columns
    assert quarter_row.figures[columns.index("Dismissal")].value == 6
    assert quarter_row.figures[columns.index("Final written warning")].value == 4
    assert quarter_row.figures[columns.index("Cases with an outcome")].value == 10
    # For an analyst, 10 and 6 are published, but 4 (the rest) is small: the share is not shown.
    analyst_point = selectors.dashboard(persona(Role.ANALYST)).share.points[-1]
    # 6 of 10: the other 4 are a small count, which 6 and 10 together would give away.
    assert (analyst_point.cases.value, analyst_point.hits.value, analyst_point.percent) == (10, None, None)
    bribery = selectors.dashboard(lead, category="bribery-favours").share.points[-1]
    assert (bribery.cases.value, bribery.percent) == (1, 100.0)


def test_quarters_count_back_across_years():
    assert selectors.quarters_to(dt.date(2026, 2, 10), 3) == [
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    ]
    assert selectors.quarter_label(dt.date(2025, 10, 1)) == "2025 Q4"


# --- The page -------------------------------------------------------------------------------------------------


def _images(page: str) -> dict[str, dict[str, str]]:
    """The page's chart images by their id, each with its attributes."""
    found = {}
    for tag in re.findall(r"<img\b[^>]*>", page):
        attributes = {name: html.unescape(value) for name, value in re.findall(r'([a-z-]+)="([^"]*)"', tag)}
        if "custodes-chart" in attributes.get("class", ""):
            found[attributes["id"]] = attributes
    return found


def _svg(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314  (our own output, parsed to check it is well formed)


def _texts(root: ET.Element) -> list[str]:
    return [text.text or "" for text in root.iter(f"{SVG}text")]


def _bars(root: ET.Element) -> set[str]:
    return {g.get("id", "") for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("bar-")}


def test_the_page_shows_each_chart_as_an_image_before_its_table_with_no_inline_style(prisons, lead):
    a, _b = prisons
    _open_cases(lead, a, 3)
    response = browser(lead).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    images = _images(page)
    names = {"age", "category", "establishment", "status", "share"}  # nothing overdue: no chart of it, its table stays
    assert set(images) == {f"chart-{name}" for name in names}
    for name in names:
        image = images[f"chart-{name}"]
        assert re.fullmatch(rf"/dashboard/charts/{name}\.svg\?figures=[0-9a-f]{{32}}", image["src"])
        # The alternative text says what the chart is and where its figures are.
        assert image["alt"].startswith(("Bar chart: ", "Line chart: "))
        assert "the table that follows" in image["alt"]
        assert int(image["width"]) > 0
        assert int(image["height"]) > 0
    assert "Open cases by age" in images["chart-age"]["alt"]
    assert "style=" not in page
    assert "<style" not in page
    assert 'class="app-chart"' not in page  # no SVG chart inlined: each is an image, under its own policy
    assert "<script>" not in page  # no inline script either: the CSP forbids it
    for table in (
        "table-age",
        "table-category",
        "table-establishment",
        "table-status",
        "table-overdue",
        "table-share",
        "table-outcomes",
    ):
        assert f'id="{table}"' in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_chart_is_an_svg_image_under_a_narrow_policy_of_its_own(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 7)
    _open_cases(lead, b, 2)
    response = browser(lead).get("/dashboard/charts/establishment.svg")
    root = _svg(response)
    assert root.tag == f"{SVG}svg"
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache
    policy = {
        directive.split()[0]: directive.split()[1:] for directive in response["Content-Security-Policy"].split(";")
    }
    assert policy == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    texts = _texts(root)
    assert {"HMP Alderbrook", "HMP Birchmere", "Open cases", "7", "2"} <= set(texts)
    assert _bars(root) == {"bar-0-0", "bar-1-0"}  # busiest first
    assert texts.index("HMP Alderbrook") < texts.index("HMP Birchmere")


def test_the_images_draw_the_pages_own_figures_for_its_reader_only(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 7)
    client = browser(lead)
    src = _images(client.get(URL).content.decode())["chart-establishment"]["src"]
    _open_cases(lead, a, 2)
    _open_cases(lead, b, 6)
    # The page's image shows what its table showed (7 at Alderbrook, nothing at Birchmere), not the figures now.
    kept = _texts(_svg(client.get(src)))
    assert "7" in kept
    assert "HMP Birchmere" not in kept
    # Without the page's figures, or with another reader's, an image is worked out afresh for its reader.
    fresh = _texts(_svg(client.get("/dashboard/charts/establishment.svg")))
    assert {"9", "6", "HMP Birchmere"} <= set(fresh)
    other = persona(Role.COUNTER_CORRUPTION_LEAD)
    assert {"9", "6"} <= set(_texts(_svg(browser(other).get(src))))
    # And the policy is asked first: someone without dashboards is refused even with the page's token.
    assert browser(persona(Role.INVESTIGATOR)).get(src).status_code == 403


def test_every_chart_on_the_page_draws(prisons, lead):
    a, _b = prisons
    _open_cases(lead, a, 3)
    client = browser(lead)
    for image in _images(client.get(URL).content.decode()).values():
        _svg(client.get(image["src"]))


def test_a_chart_draws_only_the_figures_its_table_publishes(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 7)
    _open_cases(lead, b, 2)
    inspector = browser(persona(Role.INSPECTOR))
    # Birchmere's 2 is suppressed, and with the total shown Alderbrook's 7 too: nothing to draw, so no chart.
    page = inspector.get(URL).content.decode()
    assert "chart-establishment" not in _images(page)
    assert inspector.get("/dashboard/charts/establishment.svg").status_code == 404
    # All 9 are under 30 days, so that band is withheld too (beside the total it would say the rest are 0): the
    # chart draws no bar at all, and says "withheld" for each band.
    root = _svg(inspector.get("/dashboard/charts/age.svg"))
    texts = _texts(root)
    assert _bars(root) == set()
    assert texts.count(SUPPRESSED_TEXT) == len(selectors.AGE_BANDS)
    assert "9" not in texts
    for name in ("category", "status", "share"):
        svg = inspector.get(f"/dashboard/charts/{name}.svg").content.decode()
        assert not re.search(r">\s*[27]\s*<", svg)


def test_an_establishment_grant_charts_only_its_establishment(prisons, lead):
    a, b = prisons
    _open_cases(lead, a, 6)
    _open_cases(lead, b, 8)
    client = browser(persona(Role.INSPECTOR, b))
    texts = _texts(_svg(client.get("/dashboard/charts/establishment.svg")))
    assert "HMP Birchmere" in texts
    assert "HMP Alderbrook" not in texts
    assert "8" in texts
    assert "6" not in texts
    assert "14" not in _texts(_svg(client.get("/dashboard/charts/age.svg")))


def test_the_share_chart_follows_the_pages_choice(lead):
    client = browser(lead)
    query = {"category": "bribery-favours", "outcome": "convicted"}
    images = _images(client.get(URL, query).content.decode())
    src = images["chart-share"]["src"]
    assert re.fullmatch(r"/dashboard/charts/share\.svg\?category=bribery-favours&outcome=convicted&figures=\w+", src)
    assert "?category=bribery-favours&outcome=convicted&figures=" in images["chart-age"]["src"]
    # Drawn from the page's figures, or (without them) afresh from the same choice: the same chart either way.
    for address in (src, src.split("&figures=")[0]):
        root = _svg(client.get(address))
        assert "bribes or favours cases" in root.find(f"{SVG}title").text.lower()
        assert "Share with the outcome convicted" in _texts(root)
    # A choice that is not on the list draws the default share, as the page shows it.
    root = _svg(client.get("/dashboard/charts/share.svg", {"category": "no-such-thing"}))
    assert "inappropriate relationship" in root.find(f"{SVG}title").text.lower()


def test_an_unknown_chart_is_not_found(lead):
    assert browser(lead).get("/dashboard/charts/salaries.svg").status_code == 404


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.REPORTER_LIAISON, Role.SYSTEM_ADMINISTRATOR])
def test_roles_without_dashboards_are_refused_the_charts(role):
    response = browser(persona(role)).get("/dashboard/charts/age.svg")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_establishment_roles_without_dashboards_are_refused_the_charts(prisons):
    assert browser(persona(Role.GOVERNOR, prisons[0])).get("/dashboard/charts/establishment.svg").status_code == 403


def test_signed_out_visitors_get_no_chart_and_other_methods_are_refused(client, lead):
    response = client.get("/dashboard/charts/age.svg")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")
    assert browser(lead).post("/dashboard/charts/age.svg").status_code == 405


def test_the_aggregate_page_says_why_figures_are_hidden_and_never_shows_them(prisons, lead):
    a, _b = prisons
    _open_cases(lead, a, 3)
    page = browser(persona(Role.INSPECTOR)).get(URL).content.decode()
    assert SUPPRESSED_TEXT in page
    assert 'id="suppression-note"' in page
    # The three open cases appear nowhere as a number: not in a table cell, not in a chart.
    assert not re.search(r">\s*3\s*<", page)
    client = browser(persona(Role.INSPECTOR))
    for image in _images(page).values():
        svg = client.get(image["src"]).content.decode()
        assert not re.search(r">\s*3\s*<", svg)


def test_the_share_form_chooses_the_category_and_outcome(prisons, lead):
    default = browser(lead).get(URL).content.decode()
    assert re.search(r'<option value="dismissal"\s+selected', default)
    assert re.search(r'<option value="inappropriate-relationship"\s+selected', default)
    assert "Inappropriate" in default.split("cases with an outcome, and how many ended in dismissal")[0][-80:]
    page = browser(lead).get(URL, {"category": "bribery-favours", "outcome": "convicted"}).content.decode()
    assert "Bribes or favours cases with an outcome, and how many ended in convicted, by quarter" in page
    assert re.search(r'<option value="convicted"\s+selected', page)
    assert re.search(r'<option value="bribery-favours"\s+selected', page)
    bad = browser(lead).get(URL, {"category": "no-such-thing", "outcome": "convicted"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Select a category from the list" in html
    # The valid half of the choice is kept; the other falls back to its default.
    assert "cases with an outcome, and how many ended in convicted, by quarter" in html


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.REPORTER_LIAISON, Role.SYSTEM_ADMINISTRATOR])
def test_roles_without_dashboards_are_refused(role):
    assert browser(persona(role)).get(URL).status_code == 403


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.TRIAGER, Role.STAFF])
def test_establishment_roles_without_dashboards_are_refused(role, prisons):
    assert browser(persona(role, prisons[0])).get(URL).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_and_other_methods_refused(client, lead):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")
    assert browser(lead).post(URL).status_code == 405


def test_the_navigation_offers_the_dashboard_to_those_who_may_see_it(prisons):
    assert ">Dashboard<" in browser(persona(Role.ANALYST)).get("/").content.decode()
    assert ">Dashboard<" not in browser(persona(Role.GOVERNOR, prisons[0])).get("/").content.decode()


@pytest.mark.parametrize("url", [URL, "/dashboard/charts/establishment.svg", "/dashboard/charts/share.svg"])
def test_the_dashboard_and_its_charts_cost_the_same_queries_however_many_cases(prisons, lead, url):
    a, b = prisons

    def queries() -> int:
        client = browser(lead)
        client.get(url)  # warm the session and the caches of the account
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _open_cases(lead, a, 2)
    small = queries()
    cases = _open_cases(lead, b, 12) + _open_cases(lead, a, 3, restricted=True)
    for case in cases[:4]:
        lifecycle.change_status(actor=lead, case=case, to=CaseStatus.INVESTIGATION)
        add_outcome(case, kind=OutcomeKind.DISMISSAL, effective_on=timezone.localdate(), by=lead)
    for _ in range(5):
        make_report(b)
    EstablishmentFactory()
    assert queries() == small
