"""Links to pages other parts of the capability own, which may not be there yet (each part lands on its own)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def case_href(reference: str) -> str:
    """The case page (custodes.cases.pages, URL name "cases:case"), or "" while it does not exist."""
    try:
        return reverse("cases:case", kwargs={"reference": reference})
    except NoReverseMatch:
        return ""
