"""Page through a list with GOV.UK pagination links that keep the list's other query parameters (its filters).

Render with {% include "includes/pagination.html" %}, passing the Pagination as pagination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: Page[Any]
    previous_href: str
    next_href: str
    links: list[PageLink]

    @property
    def needed(self) -> bool:
        return self.page.paginator.num_pages > 1


def _href(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query.pop("submit", None)  # a search button's own name and value are not part of the search
    query["page"] = str(number)
    return "?" + query.urlencode()


def _numbers(current: int, last: int) -> list[int | None]:
    """First, last, and the current page with its neighbours; None where pages are left out."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Pagination:
    """A page of ``items`` (a queryset: one count query and one page query). A page number that is not a
    number or is past the end shows the nearest real page, as people edit addresses by hand."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    last = page.paginator.num_pages
    links = [
        PageLink(number, _href(request, number), number == page.number) if number else PageLink(None)
        for number in _numbers(page.number, last)
    ]
    return Pagination(
        page=page,
        previous_href=_href(request, page.number - 1) if page.has_previous() else "",
        next_href=_href(request, page.number + 1) if page.has_next() else "",
        links=links,
    )
