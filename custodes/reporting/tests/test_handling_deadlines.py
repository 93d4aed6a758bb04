"""Duties to the reporter and the inbox selector: deadline states (due, due soon, overdue, done) computed the same
in SQL and in Python, with timezone-aware dates on a fixed clock; filters; ordering; and a fixed number of queries
however many reports there are."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodes.core.roles import Role
from custodes.reporting import selectors
from custodes.reporting.models import Report
from custodes.reporting.selectors import DeadlineState, InboxFilters, deadline_state
from custodes.reporting.services.intake import add_months
from custodes.testing.personas import persona

from .handling_support import World, browser, file_store, set_received, world  # noqa: F401

pytestmark = pytest.mark.django_db

LONDON = dt.timezone(dt.timedelta(hours=1))  # British Summer Time, as an explicit offset
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("due", "done_at", "state"),
    [
        (NOW + dt.timedelta(days=5), None, DeadlineState.DUE),
        (NOW + dt.timedelta(days=2, seconds=1), None, DeadlineState.DUE),
        (NOW + dt.timedelta(days=2), None, DeadlineState.DUE_SOON),
        (NOW + dt.timedelta(seconds=1), None, DeadlineState.DUE_SOON),
        (NOW, None, DeadlineState.DUE_SOON),  # due this instant: not yet late
        (NOW - dt.timedelta(seconds=1), None, DeadlineState.OVERDUE),
        (NOW - dt.timedelta(days=40), None, DeadlineState.OVERDUE),
        (NOW - dt.timedelta(days=40), NOW - dt.timedelta(days=1), DeadlineState.DONE),  # late, but done
        (NOW + dt.timedelta(days=5), NOW, DeadlineState.DONE),
        # The same instant written in another zone is the same deadline.
        ((NOW - dt.timedelta(minutes=30)).astimezone(LONDON), None, DeadlineState.OVERDUE),
        ((NOW + dt.timedelta(minutes=30)).astimezone(LONDON), None, DeadlineState.DUE_SOON),
    ],
)
def test_deadline_states(due: dt.datetime, done_at: dt.datetime | None, state: DeadlineState):
    assert deadline_state(due, done_at, NOW) is state


def test_the_database_agrees_with_python_on_every_state(world: World):
    cases = [
        NOW - dt.timedelta(days=30),  # acknowledgement overdue, feedback due
        NOW - dt.timedelta(days=6),  # acknowledgement due soon (tomorrow)
        NOW - dt.timedelta(days=5, seconds=1),  # due soon, just
        NOW - dt.timedelta(days=4),  # due
        NOW - dt.timedelta(days=100),  # both overdue
        dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC),  # feedback due 16 June, tomorrow: due soon
    ]
    for received in cases:
        set_received(world.report(), received)
    acknowledged = set_received(world.report(), NOW - dt.timedelta(days=20), acknowledged_at=NOW - dt.timedelta(days=9))
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    rows = list(selectors.inbox(lead, now=NOW))
    assert len(rows) == len(cases) + 1
    for row in rows:
        assert row.acknowledgement_state == deadline_state(row.acknowledgement_due, row.acknowledged_at, NOW).value
        assert row.feedback_state == deadline_state(row.feedback_due, row.feedback_given_at, NOW).value
    states = {row.reference: (row.acknowledgement_state, row.feedback_state) for row in rows}
    assert states[acknowledged.reference] == ("done", "due")
    assert sorted(states.values()) == sorted(
        [
            ("overdue", "due"),
            ("due_soon", "due"),
            ("due_soon", "due"),
            ("due", "due"),
            ("overdue", "overdue"),
            ("overdue", "due_soon"),
            ("done", "due"),
        ]
    )


def test_deadlines_are_7_days_and_3_months_from_receipt(world: World):
    report = world.report()
    assert report.acknowledgement_due - report.received_at == dt.timedelta(days=7)
    assert report.feedback_due == add_months(report.received_at, 3)
    assert report.received_at.tzinfo is not None
    # A report received on the last day of November: feedback by the end of February (no 30 February).
    end_of_november = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert add_months(end_of_november, 3) == dt.datetime(2027, 2, 28, 23, 30, tzinfo=dt.UTC)


def test_the_inbox_puts_the_earliest_outstanding_duty_first(world: World):
    done = set_received(
        world.report(),
        NOW - dt.timedelta(days=200),
        acknowledged_at=NOW - dt.timedelta(days=199),
        feedback_given_at=NOW - dt.timedelta(days=150),
    )
    fresh = set_received(world.report(), NOW - dt.timedelta(hours=1))
    old = set_received(world.report(), NOW - dt.timedelta(days=10))
    acknowledged = set_received(
        world.report(), NOW - dt.timedelta(days=30), acknowledged_at=NOW - dt.timedelta(days=29)
    )
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    order = [row.reference for row in selectors.inbox(lead, now=NOW)]
    # old: acknowledgement due 3 days ago; fresh: due in 7 days; acknowledged: feedback due in 2 months; done last.
    assert order == [old.reference, fresh.reference, acknowledged.reference, done.reference]


def test_inbox_filters(world: World):
    overdue_ack = set_received(world.report(where="A", routed="establishment"), NOW - dt.timedelta(days=10))
    overdue_feedback = set_received(
        world.report(where="B", routed="national"),
        NOW - dt.timedelta(days=100),
        acknowledged_at=NOW,
        status="acknowledged",
    )
    fresh = set_received(world.report(where="B", routed="establishment"), NOW - dt.timedelta(days=1))
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)

    def found(**filters: object) -> set[str]:
        return {r.reference for r in selectors.inbox(lead, InboxFilters(**filters), now=NOW)}  # type: ignore[arg-type]

    assert found() == {overdue_ack.reference, overdue_feedback.reference, fresh.reference}
    assert found(overdue_acknowledgement=True) == {overdue_ack.reference}
    assert found(overdue_feedback=True) == {overdue_feedback.reference}
    assert found(establishment="qbb") == {overdue_feedback.reference, fresh.reference}
    assert found(group="staff_corruption") == {overdue_feedback.reference}
    assert found(group="conditions", establishment="QBB") == {fresh.reference}
    assert found(status="acknowledged") == {overdue_feedback.reference}
    assert found(reference=fresh.reference.lower()) == {fresh.reference}
    assert found(reference=fresh.reference[-6:]) == {fresh.reference}
    assert found(reference="R-2099-000001") == set()


def test_the_inbox_page_shows_the_states_and_filters_without_javascript(world: World):
    overdue = set_received(world.report(), timezone.now() - dt.timedelta(days=10))
    fresh = world.report()
    client = browser(persona(Role.COUNTER_CORRUPTION_LEAD))
    html = client.get("/reports/").content.decode()
    assert html.index(overdue.reference) < html.index(fresh.reference)
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Due</strong>' in html
    filtered = client.get("/reports/", {"overdue": "acknowledgement"}).content.decode()
    assert overdue.reference in filtered
    assert fresh.reference not in filtered
    assert "Showing 1 to 1 of 1 report" in filtered
    nothing = client.get("/reports/", {"reference": "R-2099-000009"}).content.decode()
    assert "No reports match these filters" in nothing


def test_an_invalid_filter_is_explained_and_ignored(world: World):
    report = world.report(where="A")
    triager = persona(Role.TRIAGER, world.a)
    response = browser(triager).get("/reports/", {"establishment": "QBB", "status": "nonsense"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select an establishment from the list" in html
    assert "Select a status from the list" in html
    assert report.reference in html  # the list still shows what the account may see
    assert "HMP Testmoor B" not in html  # establishments outside the triager's scope are not offered


def test_the_inbox_pages_through_reports_keeping_the_filters(world: World):
    for _ in range(27):
        world.report(where="A")
    client = browser(persona(Role.COUNTER_CORRUPTION_LEAD))
    first = client.get("/reports/", {"establishment": "QAA"}).content.decode()
    assert "Showing 1 to 25 of 27 reports" in first
    assert 'href="?establishment=QAA&amp;page=2"' in first
    second = client.get("/reports/", {"establishment": "QAA", "page": "2"}).content.decode()
    assert "Showing 26 to 27 of 27 reports" in second


def _inbox_queries(client: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/")  # type: ignore[attr-defined]
        assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [Role.COUNTER_CORRUPTION_LEAD, Role.TRIAGER])
def test_the_inbox_costs_the_same_queries_however_many_reports(world: World, role: Role):
    """No query per row: the page's query count with 3 reports and with 30 is the same."""
    user = persona(role, world.a if role is Role.TRIAGER else None, staff_member=world.subject_member)
    client = browser(user)
    for _ in range(3):
        world.report(where="A")
    few = _inbox_queries(client)
    for _ in range(27):
        world.report(where="A")
    many = _inbox_queries(client)
    assert few == many


def test_the_inbox_selector_is_one_query(world: World, django_assert_num_queries: object):
    for _ in range(5):
        world.report()
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    lead.policy_grants()  # the grants are read once per request, before any list
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = list(selectors.inbox(lead, InboxFilters(group="conditions")))
        assert all(row.category.code and row.establishment.code for row in rows)
    with django_assert_num_queries(1):  # type: ignore[operator]
        list(selectors.own_reports(lead))


def test_content_stays_in_the_database_for_lists(world: World):
    world.report()
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    row = selectors.inbox(lead).get()
    assert {"narrative", "involved", "wrapped_key"} <= row.get_deferred_fields()
    assert Report.objects.count() == 1
