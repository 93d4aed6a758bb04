"""Small-number suppression for the aggregate dashboards (inspectors, analysts).

A count below SUPPRESS_BELOW is published as "fewer than 5", never as its number (zero included: "none" would be
a number too). Within a table that also publishes its total, one suppressed cell could be worked out by
subtraction, so the next smallest cell of the same column is suppressed as well (secondary suppression). Leads see
every figure as it is.

A suppressed figure keeps no value at all (``Figure.value is None``), so no template, chart or API response can
show it by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = f"fewer than {SUPPRESS_BELOW}"


@dataclass(frozen=True)
class Figure:
    value: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        return SUPPRESSED_TEXT if self.value is None else f"{self.value:,}"


def publish(count: int, *, detailed: bool) -> Figure:
    """One figure on its own."""
    return Figure(count if detailed or count >= SUPPRESS_BELOW else None)


def publish_column(counts: Sequence[int], *, detailed: bool, with_total: bool) -> tuple[list[Figure], Figure | None]:
    """A column of counts (and its total, when ``with_total``), suppressed as the module says."""
    total = sum(counts)
    if detailed:
        return [Figure(c) for c in counts], (Figure(total) if with_total else None)
    hidden = {index for index, count in enumerate(counts) if count < SUPPRESS_BELOW}
    published_total = publish(total, detailed=False) if with_total else None
    if len(hidden) == 1 and published_total is not None and not published_total.suppressed:
        # With the total shown, the one hidden cell is the total minus the rest: hide the next smallest too.
        others = sorted((count, index) for index, count in enumerate(counts) if index not in hidden)
        if others:
            hidden.add(others[0][1])
    return [Figure(None if index in hidden else count) for index, count in enumerate(counts)], published_total


def share(hits: int, total: int, *, detailed: bool) -> float | None:
    """hits / total as a percentage; None when there is nothing to divide or, for aggregates, when the hits, the
    total or the rest (total - hits) would be suppressed: a share of 100% or 0% out of 40 is a count too."""
    if total == 0:
        return None
    if not detailed and min(hits, total, total - hits) < SUPPRESS_BELOW:
        return None
    return round(100 * hits / total, 1)
