"""Turning the dashboard's figures into charts and tables. Only published figures are drawn: a suppressed one is
None here as in the table, so a chart can show no more than the table beside it.

The page shows each chart as an ``<img>`` of its own SVG response (views.chart): ``charts_for`` says what the page
needs to point at one (address, caption, alternative text, size) and ``chart_svg`` draws one, both from the same
``Dashboard``: the page's own, kept for its images (custodes.cases.dashboards.views), so an image draws the
very figures of the table beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse

from custodes.cases.dashboards import charts
from custodes.cases.dashboards.selectors import Dashboard, Row, Table

# A national dashboard has a row for each of some 120 establishments: the chart shows the busiest, the table all.
CHART_ROWS = 15


@dataclass(frozen=True)
class Chart:
    """One chart as the page shows it: an image of ``src`` with ``alt`` text, ``caption`` above it and the table
    ``table_id`` after it. ``draw`` makes the SVG document (only the chart's own response calls it)."""

    name: str
    caption: str
    alt: str
    table_id: str
    width: int
    height: int
    draw: Callable[[], bytes] = field(repr=False, compare=False)
    src: str = ""


def _alt(kind: str, caption: str, table_caption: str) -> str:
    return f"{kind}: {caption}. The same figures are in the table that follows, “{table_caption}”."


def _bars(name: str, table: Table, rows: tuple[Row, ...] | list[Row], caption: str, table_id: str) -> Chart:
    labels = [row.label for row in rows]
    series = [
        charts.Series(
            name=column,
            values=[row.figures[index].value for row in rows],
            displays=[row.figures[index].display for row in rows],
        )
        for index, column in enumerate(table.columns)
    ]
    width, height = charts.bar_chart_size(len(labels), len(series))
    return Chart(
        name=name,
        caption=caption,
        alt=_alt("Bar chart", caption, table.title),
        table_id=table_id,
        width=width,
        height=height,
        draw=lambda: charts.bar_chart(title=caption, labels=labels, series=series),
    )


def _busiest(table: Table) -> list[Row]:
    """The rows with the largest published figures (first column, then the rest), largest first."""
    published = [row for row in table.rows if any(f.value for f in row.figures)]
    published.sort(key=lambda row: tuple(-(f.value or 0) for f in row.figures))
    return published[:CHART_ROWS]


def _charts(board: Dashboard) -> dict[str, Chart]:
    """The dashboard's charts by name, not yet drawn; a chart with nothing published to draw is left out (its
    table stays)."""
    found: dict[str, Chart] = {
        "age": _bars("age", board.open_by_age, board.open_by_age.rows, "Open cases by age", "table-age"),
        "category": _bars(
            "category",
            board.open_by_category,
            board.open_by_category.rows,
            "Open cases by category",
            "table-category",
        ),
        "status": _bars(
            "status", board.open_by_status, board.open_by_status.rows, "Open cases by status", "table-status"
        ),
    }
    busiest = _busiest(board.open_by_establishment)
    if busiest:
        found["establishment"] = _bars(
            "establishment",
            board.open_by_establishment,
            busiest,
            f"Open cases at the {len(busiest)} establishments with the most; every establishment is in the table",
            "table-establishment",
        )
    late = _busiest(board.overdue)
    if late:
        found["overdue"] = _bars(
            "overdue",
            board.overdue,
            late,
            f"Overdue duties at the {len(late)} establishments with the most; every establishment is in the table",
            "table-overdue",
        )
    share = board.share
    points = share.points
    title = f"Share of {share.category_label.lower()} cases with the outcome {share.outcome_label.lower()}"
    caption = title + ", by quarter"
    width, height = charts.line_chart_size()
    table_caption = (
        f"{share.category_label} cases with an outcome, and how many ended in {share.outcome_label.lower()}, by quarter"
    )
    found["share"] = Chart(
        name="share",
        caption=caption,
        alt=_alt("Line chart", caption, table_caption),
        table_id="table-share",
        width=width,
        height=height,
        draw=lambda: charts.line_chart(
            title=caption,
            name=f"Share with the outcome {share.outcome_label.lower()}",
            labels=[point.label for point in points],
            values=[point.percent for point in points],
            displays=[point.percent_display for point in points],
        ),
    )
    return found


def charts_for(board: Dashboard, *, query: dict[str, str] | None = None) -> dict[str, Chart]:
    """The dashboard's charts by name, each with the address of its image: the chart's own URL, carrying the
    page's ``query`` (the share's category and outcome) so the image draws the figures the page's tables show."""
    suffix = f"?{urlencode(query)}" if query else ""
    return {
        name: replace(chart, src=reverse("cases:dashboard-chart", args=[name]) + suffix)
        for name, chart in _charts(board).items()
    }


def chart_svg(board: Dashboard, name: str) -> bytes | None:
    """The SVG document of the chart ``name``, or None when the dashboard has no such chart (an unknown name, or
    one with nothing published to draw)."""
    chart = _charts(board).get(name)
    return chart.draw() if chart else None


@dataclass(frozen=True)
class Cell:
    display: str
    href: str = ""  # a link to the figure's reports (leads' overdue duties), or none


@dataclass(frozen=True)
class TableView:
    table: Table
    rows: list[tuple[str, list[Cell]]]


_OVERDUE_FILTERS = ("acknowledgement", "feedback")  # the inbox's "overdue" filter, per column of the overdue table


def table_view(table: Table, *, overdue_links: bool = False) -> TableView:
    """The table's rows as the template shows them. Links are worked out here, once, rather than per cell in the
    template: a national table has some 240 cells."""
    inbox = reverse("reports:inbox") if overdue_links else ""
    rows = []
    for row in table.rows:
        cells = []
        for index, figure in enumerate(row.figures):
            href = ""
            if overdue_links and figure.value and row.key:
                href = f"{inbox}?{urlencode({'establishment': row.key, 'overdue': _OVERDUE_FILTERS[index]})}"
            cells.append(Cell(figure.display, href))
        rows.append((row.label, cells))
    return TableView(table, rows)


def tables_for(board: Dashboard) -> dict[str, TableView]:
    return {
        "age": table_view(board.open_by_age),
        "category": table_view(board.open_by_category),
        "establishment": table_view(board.open_by_establishment),
        "status": table_view(board.open_by_status),
        "overdue": table_view(board.overdue, overdue_links=board.detailed),
        "outcomes": table_view(board.outcomes_by_quarter),
    }
