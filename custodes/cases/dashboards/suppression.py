"""Small-number suppression for the aggregate dashboards (inspectors, analysts).

A count below SUPPRESS_BELOW is withheld, never published as its number (zero included: "none" would be a number
too). Within a column that also publishes its total, the withheld cells add up to the total minus the rest, so
more are withheld (secondary suppression), the next smallest first, until at least two are withheld and together
they come to SUPPRESS_BELOW or more: then no one of them can be worked out. Where that is impossible the total is
withheld too. Every withheld cell reads the same ("withheld"), so a reader cannot tell a small count from one
withheld to protect it, which would narrow them down again. Leads see every figure as it is.

A suppressed figure keeps no value at all (``Figure.value is None``), so no template, chart or API response can
show it by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = "withheld"


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
    if hidden and published_total is not None and not published_total.suppressed:
        # The total minus the published cells is what the withheld ones add up to: withhold more until that sum
        # could be split among them in more than one way, by a margin.
        rest = sorted((count, index) for index, count in enumerate(counts) if index not in hidden)
        while len(hidden) < 2 or sum(counts[i] for i in hidden) < SUPPRESS_BELOW:
            if not rest:
                published_total = Figure(None)
                break
            hidden.add(rest.pop(0)[1])
    return [Figure(None if index in hidden else count) for index, count in enumerate(counts)], published_total


def share(hits: int, total: int, *, detailed: bool) -> float | None:
    """hits / total as a percentage; None when there is nothing to divide or, for aggregates, when the hits, the
    total or the rest (total - hits) would be suppressed: a share of 100% or 0% out of 40 is a count too. Publish
    the hits and the total beside it with ``publish_split``, so the rest cannot be worked out from them either."""
    if total == 0:
        return None
    if not detailed and min(hits, total, total - hits) < SUPPRESS_BELOW:
        return None
    return round(100 * hits / total, 1)


def publish_split(hits: int, total: int, *, detailed: bool) -> tuple[Figure, Figure]:
    """The hits and the total of a share, suppressed as one column of two cells (hits, the rest) with its total."""
    (hits_figure, _rest), total_figure = publish_column([hits, total - hits], detailed=detailed, with_total=True)
    assert total_figure is not None
    return hits_figure, total_figure
