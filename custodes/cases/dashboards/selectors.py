"""The leads' dashboards: counts of cases and reports, every one through the policy (DESIGN.md §3).

Every figure starts from ``policy.visible(user, "cases.view_dashboard")`` (cases) or
``policy.visible(user, "cases.view_dashboard_reports")`` (reports), so need-to-know applies to counts exactly as
to lists: a restricted case the user is not named on, a case about the user, or one about someone they
line-manage, is in none of their figures, and a subject cannot learn of their case from a count. Leads see every
figure; inspectors and analysts see aggregates with small numbers suppressed (custodes.cases.dashboards
.suppression).

The open cases' tables come from one grouped query, overdue duties from two, outcomes over time from one, so the
dashboard costs the same few queries however many cases there are (a test holds it to that). Outcomes over time
are for one category at a time (the page's form chooses it), which keeps that query to a tenth of the estate's
outcomes at national scale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Case as DbCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from custodes.cases.dashboards.suppression import Figure, publish_column, publish_split, share
from custodes.cases.models import CaseStatus, Outcome, OutcomeKind
from custodes.cases.policies import dashboard_detail
from custodes.core import policy
from custodes.estate.models import Establishment
from custodes.reporting.models import Category

VIEW_DASHBOARD = "cases.view_dashboard"
VIEW_REPORT_COUNTS = "cases.view_dashboard_reports"

# (upper bound in days, label) of the age bands of open cases; None: no upper bound.
AGE_BANDS: tuple[tuple[int | None, str], ...] = (
    (30, "Up to 30 days"),
    (90, "31 to 90 days"),
    (180, "91 to 180 days"),
    (365, "181 days to a year"),
    (None, "Over a year"),
)
QUARTERS = 8
DEFAULT_SHARE_CATEGORY = "inappropriate-relationship"
DEFAULT_SHARE_OUTCOME = OutcomeKind.DISMISSAL.value
NO_CATEGORY = "No category"


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]
    key: str = ""  # a code to link or filter by (an establishment's NOMIS code, a status), when there is one


@dataclass(frozen=True)
class Table:
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: tuple[Figure, ...] | None = None


@dataclass(frozen=True)
class SharePoint:
    label: str
    cases: Figure
    hits: Figure
    percent: float | None  # None: nothing to divide, or suppressed

    @property
    def percent_display(self) -> str:
        if self.percent is not None:
            return f"{self.percent:g}%"
        return "no cases" if self.cases.value == 0 else "not shown"


@dataclass(frozen=True)
class ShareOverTime:
    category: str
    category_label: str
    outcome: str
    outcome_label: str
    points: tuple[SharePoint, ...]


@dataclass(frozen=True)
class Dashboard:
    detailed: bool
    scope: str
    generated_at: dt.datetime
    open_by_age: Table
    open_by_category: Table
    open_by_establishment: Table
    open_by_status: Table
    overdue: Table
    outcomes_by_quarter: Table
    share: ShareOverTime


def _table(
    title: str,
    row_heading: str,
    columns: tuple[str, ...],
    labelled: Sequence[tuple[str, str, tuple[int, ...]]],
    *,
    detailed: bool,
    with_total: bool,
) -> Table:
    """Rows of (label, key, counts per column) published column by column."""
    published: list[list[Figure]] = []
    totals: list[Figure] = []
    for column in range(len(columns)):
        figures, total = publish_column(
            [counts[column] for _, _, counts in labelled], detailed=detailed, with_total=with_total
        )
        published.append(figures)
        if total is not None:
            totals.append(total)
    rows = tuple(
        Row(label=label, key=key, figures=tuple(published[c][r] for c in range(len(columns))))
        for r, (label, key, _) in enumerate(labelled)
    )
    return Table(title, row_heading, columns, rows, tuple(totals) if with_total else None)


def _establishments_in_scope(user: Any) -> tuple[QuerySet[Establishment], bool]:
    """The establishments the user's dashboard grants cover (national: every one), from the grants alone, so the
    list says nothing about where cases exist."""
    rule = policy.rule(VIEW_DASHBOARD)
    grants = [grant for grant in policy.grants_for(user) if grant.role in rule.roles]
    national = any(grant.national for grant in grants)
    queryset = Establishment.objects.order_by("name")
    if not national:
        queryset = queryset.filter(pk__in={grant.establishment_id for grant in grants})
    return queryset, national


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarters_to(day: dt.date, count: int = QUARTERS) -> list[dt.date]:
    """The first days of the ``count`` quarters ending with the one holding ``day``, oldest first."""
    starts = [quarter_start(day)]
    while len(starts) < count:
        first = starts[0]
        year, month = (first.year, first.month - 3) if first.month > 3 else (first.year - 1, 10)
        starts.insert(0, dt.date(year, month, 1))
    return starts


def quarter_label(start: dt.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _age_band(now: dt.datetime) -> DbCase:
    whens = [
        When(opened_at__gt=now - dt.timedelta(days=days), then=Value(index))
        for index, (days, _label) in enumerate(AGE_BANDS)
        if days is not None
    ]
    return DbCase(*whens, default=Value(len(AGE_BANDS) - 1), output_field=IntegerField())


def dashboard(
    user: Any,
    *,
    category: str = DEFAULT_SHARE_CATEGORY,
    outcome: str = DEFAULT_SHARE_OUTCOME,
    now: dt.datetime | None = None,
) -> Dashboard:
    """Every figure of the dashboard for ``user``. Raises PermissionDenied for roles without dashboards."""
    policy.require(user, VIEW_DASHBOARD)
    now = now or timezone.now()
    detailed = dashboard_detail(user)
    cases = policy.visible(user, VIEW_DASHBOARD)
    open_cases = cases.exclude(status=CaseStatus.CLOSED)
    establishments, national = _establishments_in_scope(user)
    places = list(establishments.values_list("pk", "code", "name"))

    # One pass over the open cases gives the age, category, establishment and status tables: a national dashboard
    # reads each open case once, not once a table, and never the (many more) closed ones.
    by_band: dict[int, int] = defaultdict(int)
    by_category: dict[int | None, int] = defaultdict(int)
    by_place: dict[int, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    grouped = (
        open_cases.annotate(band=_age_band(now))
        .values_list("status", "band", "category_id", "establishment_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for status, band, category_id, establishment_id, n in grouped:
        by_band[band] += n
        by_category[category_id] += n
        by_place[establishment_id] += n
        by_status[status] += n

    open_by_age = _table(
        "Open cases by age",
        "Age",
        ("Open cases",),
        [(label, str(index), (by_band[index],)) for index, (_days, label) in enumerate(AGE_BANDS)],
        detailed=detailed,
        with_total=True,
    )
    categories = list(Category.objects.order_by("sort_order", "code").values_list("pk", "code", "label_en"))
    category_rows = [(label, code, (by_category[pk],)) for pk, code, label in categories]
    category_rows.append((NO_CATEGORY, "", (by_category[None],)))
    open_by_category = _table(
        "Open cases by category", "Category", ("Open cases",), category_rows, detailed=detailed, with_total=True
    )
    open_by_establishment = _table(
        "Open cases by establishment",
        "Establishment",
        ("Open cases",),
        [(name, code, (by_place[pk],)) for pk, code, name in places],
        detailed=detailed,
        with_total=True,
    )
    open_by_status = _table(
        "Open cases by status",
        "Status",
        ("Open cases",),
        [(s.label, s.value, (by_status[s.value],)) for s in CaseStatus if s != CaseStatus.CLOSED],
        detailed=detailed,
        with_total=True,
    )

    overdue = _overdue_reports(user, places, now=now, detailed=detailed)
    quarters = quarters_to(timezone.localtime(now).date())
    outcomes_by_quarter, share_over_time = _outcomes_over_time(
        cases, quarters, category=category, outcome=outcome, detailed=detailed
    )
    scope = "All establishments" if national else ", ".join(name for _pk, _code, name in places)
    return Dashboard(
        detailed=detailed,
        scope=scope,
        generated_at=now,
        open_by_age=open_by_age,
        open_by_category=open_by_category,
        open_by_establishment=open_by_establishment,
        open_by_status=open_by_status,
        overdue=overdue,
        outcomes_by_quarter=outcomes_by_quarter,
        share=share_over_time,
    )


def _overdue_reports(user: Any, places: list[tuple[int, str, str]], *, now: dt.datetime, detailed: bool) -> Table:
    """Reports whose acknowledgement (7 days) or feedback (3 months) to the reporter is overdue, by establishment.

    Two grouped queries rather than one with OR: each then reads only the reports still owing that duty, which an
    index can find (the partial indexes of reporting migration 0004), instead of every report ever received."""
    reports = policy.visible(user, VIEW_REPORT_COUNTS)
    late = {
        "ack": reports.filter(acknowledged_at__isnull=True, acknowledgement_due__lt=now),
        "feedback": reports.filter(feedback_given_at__isnull=True, feedback_due__lt=now),
    }
    counts = {
        # COUNT(*), not COUNT(id): with nothing to read but the establishment, an index can answer on its own.
        name: dict(queryset.values_list("establishment_id").annotate(n=Count("*")).order_by())
        for name, queryset in late.items()
    }
    return _table(
        "Overdue duties to reporters",
        "Establishment",
        ("Acknowledgement overdue", "Feedback overdue"),
        [(name, code, (counts["ack"].get(pk, 0), counts["feedback"].get(pk, 0))) for pk, code, name in places],
        detailed=detailed,
        with_total=True,
    )


def _outcomes_over_time(
    cases: QuerySet[Any], quarters: list[dt.date], *, category: str, outcome: str, detailed: bool
) -> tuple[Table, ShareOverTime]:
    """For the cases in ``category``: by quarter, how many had an outcome take effect, how many had each kind, and
    the share that had ``outcome``. Cases, not outcomes, are counted: a case with two subjects, or one person
    referred to police and then charged, counts once in a quarter, and once in each kind it had.

    One query, grouped by quarter, over the category's cases only: the whole estate's outcomes over two years are a
    hundred thousand rows at national scale, one category's a tenth of that."""
    category_label = Category.objects.filter(code=category).values_list("label_en", flat=True).first() or category
    kinds = list(OutcomeKind)
    counted = (
        Outcome.objects.filter(case__in=cases.filter(category__code=category), effective_on__gte=quarters[0])
        .annotate(quarter=TruncQuarter("effective_on"))
        .values("quarter")
        .annotate(
            cases=Count("case_id", distinct=True),
            **{kind.value: Count("case_id", distinct=True, filter=Q(kind=kind.value)) for kind in kinds},
        )
        .order_by()
    )
    by_quarter: dict[dt.date, dict[str, int]] = {
        _as_date(row["quarter"]): {key: cast(int, value) for key, value in row.items() if key != "quarter"}
        for row in counted
    }
    empty: dict[str, int] = {"cases": 0, **{kind.value: 0 for kind in kinds}}
    rows = [by_quarter.get(q, empty) for q in quarters]
    table = _table(
        f"{category_label}: cases with each outcome, by quarter",
        "Quarter",
        ("Cases with an outcome", *(kind.label for kind in kinds)),
        [
            (quarter_label(q), q.isoformat(), (row["cases"], *(row[kind.value] for kind in kinds)))
            for q, row in zip(quarters, rows, strict=True)
        ],
        detailed=detailed,
        with_total=False,
    )
    points = []
    for start, row in zip(quarters, rows, strict=True):
        total, hits = row["cases"], row.get(outcome, 0)
        hits_figure, cases_figure = publish_split(hits, total, detailed=detailed)
        points.append(
            SharePoint(
                label=quarter_label(start),
                cases=cases_figure,
                hits=hits_figure,
                percent=share(hits, total, detailed=detailed),
            )
        )
    share_over_time = ShareOverTime(
        category=category,
        category_label=category_label,
        outcome=outcome,
        outcome_label=OutcomeKind(outcome).label if outcome in OutcomeKind.values else outcome,
        points=tuple(points),
    )
    return table, share_over_time


def share_categories() -> set[str]:
    """The codes of the categories the share chart may be drawn for."""
    return set(Category.objects.values_list("code", flat=True))


def share_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The categories and outcomes the share chart may be drawn for (configuration, not protected data)."""
    categories = list(Category.objects.order_by("sort_order", "code").values_list("code", "label_en"))
    return categories, list(OutcomeKind.choices)
