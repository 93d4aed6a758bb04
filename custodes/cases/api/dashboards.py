"""Dashboards API (issue 4, items 9 and 10): the dashboard's figures as data, at /api/v1/dashboard.

The same selector as the dashboard page (custodes.cases.dashboards.selectors), so every figure went through the
policy and need-to-know; for inspectors and analysts a suppressed figure is ``{"count": null, "display": "fewer
than 5"}``: the number is never sent. A token needs ``cases:statistics``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from custodes.cases.api.cases import ERRORS, invalid
from custodes.cases.dashboards import selectors
from custodes.cases.dashboards.suppression import Figure
from custodes.cases.models import OutcomeKind
from custodes.core import policy

router = Router()
TAGS = ["dashboards"]


class DashboardQuery(Schema):
    category: str = Field(selectors.DEFAULT_SHARE_CATEGORY, max_length=60, description="Category code for the share")
    outcome: OutcomeKind = Field(OutcomeKind(selectors.DEFAULT_SHARE_OUTCOME), description="Outcome for the share")


class FigureOut(Schema):
    count: int | None = Field(
        description="null when withheld (aggregates: a count under 5, or one a total would give away)"
    )
    display: str


class RowOut(Schema):
    label: str
    key: str = Field(description="An establishment's code, a status, a quarter's first day, when there is one")
    figures: list[FigureOut]


class TableOut(Schema):
    title: str
    row_heading: str
    columns: list[str]
    rows: list[RowOut]
    totals: list[FigureOut] | None


class SharePointOut(Schema):
    quarter: str
    cases: FigureOut = Field(description="Cases in the category with an outcome taking effect that quarter")
    with_outcome: FigureOut
    percent: float | None = Field(description="null when there is nothing to divide, or it would be suppressed")


class ShareOut(Schema):
    category: str
    category_label: str
    outcome: str
    outcome_label: str
    points: list[SharePointOut]


class DashboardOut(Schema):
    detailed: bool = Field(description="true: every figure (leads); false: aggregates with small numbers suppressed")
    scope: str
    generated_at: dt.datetime
    open_by_age: TableOut
    open_by_category: TableOut
    open_by_establishment: TableOut
    open_by_status: TableOut
    overdue: TableOut
    outcomes_by_quarter: TableOut
    share: ShareOut


def _figure(figure: Figure) -> dict[str, Any]:
    return {"count": figure.value, "display": figure.display}


def _table(table: selectors.Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "row_heading": table.row_heading,
        "columns": list(table.columns),
        "rows": [
            {"label": row.label, "key": row.key, "figures": [_figure(f) for f in row.figures]} for row in table.rows
        ],
        "totals": [_figure(f) for f in table.totals] if table.totals is not None else None,
    }


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, summary="The dashboard's figures", tags=TAGS)
def dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> Any:
    """Open cases by age, category, establishment and status; overdue acknowledgements and feedback by
    establishment; outcomes by quarter; and the share of one category's cases ending in one outcome, by quarter.
    For counter-corruption leads, inspectors and analysts. An unknown `category` or `outcome` is 422."""
    user = request.auth  # type: ignore[attr-defined]
    policy.require(user, selectors.VIEW_DASHBOARD)
    if query.category not in selectors.share_categories():
        return invalid("category", "Choose a category by its code, as GET /api/v1/taxonomy lists them")
    board = selectors.dashboard(user, category=query.category, outcome=query.outcome)
    share = board.share
    return {
        "detailed": board.detailed,
        "scope": board.scope,
        "generated_at": board.generated_at,
        "open_by_age": _table(board.open_by_age),
        "open_by_category": _table(board.open_by_category),
        "open_by_establishment": _table(board.open_by_establishment),
        "open_by_status": _table(board.open_by_status),
        "overdue": _table(board.overdue),
        "outcomes_by_quarter": _table(board.outcomes_by_quarter),
        "share": {
            "category": share.category,
            "category_label": share.category_label,
            "outcome": share.outcome,
            "outcome_label": share.outcome_label,
            "points": [
                {
                    "quarter": point.label,
                    "cases": _figure(point.cases),
                    "with_outcome": _figure(point.hits),
                    "percent": point.percent,
                }
                for point in share.points
            ],
        },
    }
