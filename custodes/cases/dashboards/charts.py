"""The dashboard's charts, drawn on the server as SVG documents by matplotlib: horizontal bars and a line over time.

Each chart is its own image response (custodes.cases.dashboards.views.chart), shown on the page with ``<img>``:
matplotlib's SVG carries ``style`` attributes and a ``<style>`` element, which the page's Content-Security-Policy
(style-src 'self') would refuse if the SVG were inlined, and an image needs no JavaScript. Every figure a chart
draws is also in the accessible table beside it (docs/decisions/0010-dashboard-charts-with-matplotlib.md).

How matplotlib is used here:

- Only the object-oriented API (``matplotlib.figure.Figure``) and the SVG backend, never pyplot, whose global
  state and GUI backends have no place in a web process. matplotlib makes no promise of thread safety, so charts
  are drawn one at a time per process (a lock): each takes some tens of milliseconds.
- matplotlib is imported on the first chart, not when this module is, so pages without charts never pay for it.
  Before that import MPLCONFIGDIR is pointed at ``var/matplotlib`` (or a temporary directory when ``var/`` cannot
  be written), so matplotlib never needs a writable home directory for its font cache.
- ``svg.fonttype = "none"``: text stays text (the viewer's own Arial or Helvetica), not glyph outlines.
  ``svg.hashsalt`` is fixed and the metadata has no date or creator, so the same figures give the same bytes.
- Labels are drawn with ``parse_math=False``: a "$" in a name is a dollar sign, never mathtext.

Values the caller has suppressed (None) draw no bar or point and show the caller's wording instead, so a chart can
never reveal more than its table. Series are told apart by colour (GOV.UK colours that people with the common
colour-vision deficiencies can tell apart), by hatching, and by name in the key: never by colour alone.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# GOV.UK colours: blue, orange and purple are told apart by people with the common colour-vision deficiencies,
# and each series is also hatched differently and named in the key and the table, never told by colour alone.
PALETTE = ("#1d70b8", "#f47738", "#4c2c92")
HATCHES = ("", "////", "....")
TEXT = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
FONTS = ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans"]  # the last one ships with matplotlib
HASH_SALT = "custodes-dashboard-charts"

# Sizes in inches; an SVG from matplotlib is 72 points to the inch, which a browser shows as 96 pixels.
PX_PER_INCH = 96
WIDTH_IN = 7.5
BAR_IN = 0.26  # one bar's band
ROW_GAP_IN = 0.14  # between one label's bars and the next label's
KEY_IN = 0.45  # the key above the bars
MARGIN_IN = 0.2
LINE_HEIGHT_IN = 3.6
FONT_SIZE = 11.0  # points (a browser shows 11 points of an SVG at 96 dpi as 14.7 pixels)
SMALL_FONT_SIZE = 10.0
LABEL_MAX_CHARS = 30

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_lock = threading.Lock()
_ready = False


@dataclass(frozen=True)
class Series:
    """One set of values: ``values[i]`` is drawn for ``labels[i]``; None means suppressed (nothing drawn) and
    ``displays[i]`` is the text shown beside it (the figure as formatted for people)."""

    name: str
    values: Sequence[float | None]
    displays: Sequence[str]


def _config_dir() -> Path:
    """Where matplotlib keeps its font cache: var/matplotlib, or a fresh temporary directory when var/ cannot be
    written (a read-only container)."""
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "matplotlib"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.mkdtemp(prefix="custodes-matplotlib-"))
    if not os.access(path, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="custodes-matplotlib-"))
    return path


def _load() -> None:
    """Import and configure matplotlib once per process (called with the lock held)."""
    global _ready
    if _ready:
        return
    if not os.environ.get("MPLCONFIGDIR"):
        os.environ["MPLCONFIGDIR"] = str(_config_dir())
    import matplotlib

    matplotlib.use("svg")  # no GUI; Figure.savefig(format="svg") would choose it anyway
    # A character the server's fonts lack (a name in another script) is still written as text for the viewer's
    # fonts to show; matplotlib only measured it with a stand-in, which is no reason to warn on every chart.
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": HASH_SALT,
            "font.family": "sans-serif",
            "font.sans-serif": FONTS,
            "font.size": FONT_SIZE,
            "text.color": TEXT,
            "axes.edgecolor": MUTED,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "hatch.color": "#ffffff",
            "hatch.linewidth": 1.5,
        }
    )
    _ready = True


def _clean(text: str) -> str:
    """Text XML can carry (it cannot carry most control characters at all)."""
    return _CONTROL.sub("?", text)


def _short(label: str) -> str:
    label = _clean(label)
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1].rstrip() + "…"


def _figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained", facecolor="#ffffff")


def _svg(figure: Figure, title: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Title": _clean(title), "Date": None, "Creator": None, "Format": None, "Type": None},
    )
    return buffer.getvalue()


def _key(axes: Axes, names: Sequence[str], *, line: bool = False) -> None:
    """The key, above the plot: each series' swatch (or line) and name."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for index, name in enumerate(names):
        if line:
            handles.append(Line2D([], [], color=PALETTE[index], linewidth=2.5, marker="o", label=_clean(name)))
        else:
            handles.append(
                Patch(facecolor=PALETTE[index], hatch=HATCHES[index], edgecolor=PALETTE[index], label=_clean(name))
            )
    key = axes.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=len(handles),
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.6,
    )
    key.set_gid("key")
    for text in key.get_texts():
        text.set_parse_math(False)


def bar_chart_size(rows: int, series: int) -> tuple[int, int]:
    """The chart's size in CSS pixels (width, height), so the page can reserve its room before it loads."""
    return round(WIDTH_IN * PX_PER_INCH), round(_bar_height_in(rows, series) * PX_PER_INCH)


def line_chart_size() -> tuple[int, int]:
    return round(WIDTH_IN * PX_PER_INCH), round(LINE_HEIGHT_IN * PX_PER_INCH)


def _bar_height_in(rows: int, series: int) -> float:
    return KEY_IN + MARGIN_IN + max(1, rows) * (BAR_IN * series + ROW_GAP_IN)


def bar_chart(*, title: str, labels: Sequence[str], series: Sequence[Series]) -> bytes:
    """Horizontal bars, one row per label (first at the top) and one bar per series in each row, scaled to the
    largest value, each with its figure beside it. A bar is an SVG group with the id ``bar-<row>-<series>``."""
    if not series or any(len(s.values) != len(labels) or len(s.displays) != len(labels) for s in series):
        raise ValueError("every series needs one value and one display per label")
    if len(series) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} series")
    with _lock:
        _load()
        figure = _figure(WIDTH_IN, _bar_height_in(len(labels), len(series)))
        axes = figure.add_subplot()
        largest = max((v for s in series for v in s.values if v is not None), default=0) or 1
        band = 1.0 / (len(series) + ROW_GAP_IN / BAR_IN)  # a row is 1 unit: the bars and the gap after them
        for index, one in enumerate(series):
            for row, (value, shown) in enumerate(zip(one.values, one.displays, strict=True)):
                y = row + index * band
                if value is not None and value > 0:
                    (bar,) = axes.barh(
                        y,
                        value,
                        height=band * 0.85,
                        align="edge",
                        color=PALETTE[index],
                        edgecolor=PALETTE[index],
                        hatch=HATCHES[index] or None,
                        linewidth=0,
                    )
                    bar.set_gid(f"bar-{row}-{index}")
                axes.annotate(
                    _clean(shown),
                    xy=(max(value or 0, 0), y + band * 0.425),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=SMALL_FONT_SIZE,
                    color=MUTED if value is None else TEXT,
                    parse_math=False,
                )
        axes.set_yticks(
            [row + band * len(series) * 0.425 for row in range(len(labels))],
            [_short(label) for label in labels],
            parse_math=False,
        )
        axes.tick_params(axis="y", length=0, pad=6)
        axes.set_ylim(len(labels) - ROW_GAP_IN / BAR_IN * band * 0.5, -0.05)  # first label at the top
        axes.set_xlim(0, largest * 1.3)  # room for the figure beside the longest bar
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        _key(axes, [one.name for one in series])
        return _svg(figure, title)


def line_chart(
    *,
    title: str,
    name: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    displays: Sequence[str],
    y_max: float = 100.0,
    y_suffix: str = "%",
) -> bytes:
    """A line over ``labels`` (left to right) from 0 to ``y_max``, each point with its figure above it; a None value
    leaves a gap in the line (never bridged) and its wording at the foot of the plot. The line is the SVG group
    with the id ``line``."""
    if len(values) != len(labels) or len(displays) != len(labels):
        raise ValueError("one value and one display per label")
    with _lock:
        _load()
        figure = _figure(WIDTH_IN, LINE_HEIGHT_IN)
        axes = figure.add_subplot()
        xs = list(range(len(labels)))
        ys = [math.nan if value is None else min(max(value, 0.0), y_max) for value in values]
        if any(value is not None for value in values):
            # Not clipped: a point at 0 or at the top is drawn whole.
            (line,) = axes.plot(xs, ys, color=PALETTE[0], linewidth=2.5, marker="o", markersize=7, clip_on=False)
            line.set_gid("line")
        for x, value, shown in zip(xs, values, displays, strict=True):
            if value is None:
                axes.annotate(
                    _clean(shown),
                    xy=(x, 0),
                    xytext=(0, 5),
                    textcoords="offset points",
                    ha="center",
                    fontsize=SMALL_FONT_SIZE - 1,
                    color=MUTED,
                    parse_math=False,
                )
            else:
                axes.annotate(
                    _clean(shown),
                    xy=(x, min(max(value, 0.0), y_max)),
                    xytext=(0, 10),
                    textcoords="offset points",
                    ha="center",
                    fontsize=SMALL_FONT_SIZE,
                    parse_math=False,
                )
        ticks = [y_max * tick / 4 for tick in range(5)]
        axes.set_yticks(ticks, [f"{t:g}{y_suffix}" for t in ticks], parse_math=False)
        axes.set_xticks(xs, [_clean(label) for label in labels], parse_math=False)
        axes.set_xlim(-0.5, max(0, len(labels) - 1) + 0.5)
        axes.set_ylim(0, y_max * 1.08)  # room for the figure above a point at the top
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        axes.tick_params(length=0, pad=6)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        _key(axes, [name], line=True)
        return _svg(figure, title)
