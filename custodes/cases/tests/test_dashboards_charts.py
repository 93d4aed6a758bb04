"""The chart module (matplotlib's SVG) and small-number suppression: pure functions, no database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodes.cases.dashboards import charts
from custodes.cases.dashboards.suppression import (
    SUPPRESSED_TEXT,
    Figure,
    publish,
    publish_column,
    publish_split,
    share,
)

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own output, parsed to check it is well formed)


def _texts(root: ET.Element) -> list[str]:
    return [text.text or "" for text in root.iter(f"{SVG}text")]


def _groups(root: ET.Element, prefix: str) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)}


def _width(bar: ET.Element) -> float:
    """The width of a bar: the spread of the x coordinates of its rectangle's path."""
    path = bar.find(f"{SVG}path")
    assert path is not None
    numbers = [float(n) for n in NUMBER.findall(path.get("d", ""))]
    xs = numbers[0::2]
    return max(xs) - min(xs)


def _bars(labels, values, displays=None, name="Cases"):
    displays = displays or [SUPPRESSED_TEXT if v is None else str(v) for v in values]
    return charts.bar_chart(title="Open cases", labels=labels, series=[charts.Series(name, values, displays)])


def test_a_bar_chart_is_well_formed_svg_with_its_title_key_labels_and_figures():
    svg = _bars(["HMP Alderbrook", "HMP Birchmere"], [7, 3])
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Open cases"
    texts = _texts(root)
    assert {"HMP Alderbrook", "HMP Birchmere", "Cases", "7", "3"} <= set(texts)
    bars = _groups(root, "bar-")
    assert set(bars) == {"bar-0-0", "bar-1-0"}
    # Scaled to the largest: 7 is the longest bar, 3 is 3/7 of it.
    assert _width(bars["bar-1-0"]) == pytest.approx(_width(bars["bar-0-0"]) * 3 / 7, rel=0.01)


def test_text_stays_text_and_the_same_figures_give_the_same_bytes_with_no_date_or_creator():
    first = _bars(["A", "B"], [5, 6])
    assert first == _bars(["A", "B"], [5, 6])
    assert b"<text" in first  # svg.fonttype "none": not glyph outlines
    assert b"dc:date" not in first
    assert b"Matplotlib v" not in first
    assert b"<script" not in first


def test_text_is_escaped_and_a_dollar_is_not_mathtext():
    svg = _bars(['<script>alert("x")</script>', "Costs $5 and $6"], [1, 2], ['"&<', "2"])
    assert b"<script>" not in svg
    assert b"&lt;script&gt;" in svg
    texts = _texts(_parse(svg))
    assert "Costs $5 and $6" in texts
    assert '"&<' in texts


def test_a_long_label_is_shortened_in_the_chart():
    texts = _texts(_parse(_bars(["HMP " + "Very long name " * 5], [9])))
    assert any(text.startswith("HMP Very") and text.endswith("…") for text in texts)
    assert all(len(text) <= charts.LABEL_MAX_CHARS for text in texts)


def test_a_suppressed_value_draws_no_bar_and_shows_its_wording():
    root = _parse(_bars(["A", "B"], [None, 12]))
    assert set(_groups(root, "bar-")) == {"bar-1-0"}
    assert SUPPRESSED_TEXT in _texts(root)


def test_several_series_have_a_key_and_one_bar_each_told_apart_by_more_than_colour():
    svg = charts.bar_chart(
        title="Overdue",
        labels=["A", "B"],
        series=[
            charts.Series("Acknowledgement overdue", [1, 2], ["1", "2"]),
            charts.Series("Feedback overdue", [3, 0], ["3", "0"]),
        ],
    )
    root = _parse(svg)
    texts = _texts(root)
    assert "Acknowledgement overdue" in texts
    assert "Feedback overdue" in texts
    assert "key" in _groups(root, "key")
    # Three bars (a zero draws none).
    bars = _groups(root, "bar-")
    assert set(bars) == {"bar-0-0", "bar-1-0", "bar-0-1"}
    # The second series is hatched (a pattern fill), the first plain.
    assert "url(#" in bars["bar-0-1"].find(f"{SVG}path").get("style", "")
    assert "url(#" not in bars["bar-0-0"].find(f"{SVG}path").get("style", "")


def test_mismatched_or_too_many_series_are_refused():
    with pytest.raises(ValueError, match="one value"):
        _bars(["A", "B"], [1])
    with pytest.raises(ValueError, match="at most"):
        charts.bar_chart(title="t", labels=["A"], series=[charts.Series(str(i), [1], ["1"]) for i in range(4)])
    with pytest.raises(ValueError, match="one value"):
        charts.line_chart(title="t", name="n", labels=["Q1"], values=[], displays=[])


def test_a_line_leaves_a_gap_where_a_value_is_suppressed():
    svg = charts.line_chart(
        title="Share",
        name="Share with the outcome dismissal",
        labels=["Q1", "Q2", "Q3", "Q4", "Q5"],
        values=[10.0, 20.0, None, 40.0, 50.0],
        displays=["10%", "20%", "not shown", "40%", "50%"],
    )
    root = _parse(svg)
    line = _groups(root, "line")["line"]
    path = line.find(f"{SVG}path").get("d", "")
    assert path.count("M") == 2  # Q1-Q2 and Q4-Q5, never bridged across Q3
    assert len(list(line.iter(f"{SVG}use"))) == 4  # a point for each published value
    texts = _texts(root)
    assert {"Share with the outcome dismissal", "Q3", "not shown", "50%", "100%"} <= set(texts)


def test_a_line_with_nothing_published_draws_no_line():
    svg = charts.line_chart(title="Share", name="n", labels=["Q1", "Q2"], values=[None, None], displays=["a", "b"])
    root = _parse(svg)
    assert "line" not in _groups(root, "line")
    assert {"a", "b"} <= set(_texts(root))


@pytest.mark.filterwarnings("ignore:Glyph")  # any text includes characters no font on the server has
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=60), st.one_of(st.none(), st.integers(0, 10**6))),
        min_size=1,
        max_size=20,
    )
)
def test_any_labels_and_values_give_well_formed_svg(rows):
    labels = [label for label, _ in rows]
    values = [value for _, value in rows]
    root = _parse(_bars(labels, values))
    drawn = {int(key.split("-")[1]) for key in _groups(root, "bar-")}
    assert drawn == {index for index, value in enumerate(values) if value}


# --- matplotlib's setup ---------------------------------------------------------------------------------------


def test_matplotlib_keeps_its_cache_under_var_or_in_a_temporary_directory(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert charts._config_dir() == tmp_path / "matplotlib"
    assert (tmp_path / "matplotlib").is_dir()
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    settings.VAR_DIR = not_a_directory
    fallback = charts._config_dir()
    assert fallback.is_dir()
    assert not fallback.is_relative_to(not_a_directory)


def test_pages_without_charts_do_not_import_matplotlib(tmp_path):
    """matplotlib is imported on the first chart drawn, not with the URLs and views, and needs no home."""
    code = (
        "import sys, django; django.setup(); "
        "from django.urls import resolve; import custodes.config.urls; "
        "resolve('/dashboard/'); resolve('/dashboard/charts/age.svg'); "
        "assert 'matplotlib' not in sys.modules, 'imported too early'; "
        "from custodes.cases.dashboards import charts; "
        "charts.bar_chart(title='t', labels=['A'], series=[charts.Series('n', [1], ['1'])]); "
        "import os; print(os.environ['MPLCONFIGDIR'])"
    )
    environment = {
        key: value for key, value in os.environ.items() if key not in {"MPLCONFIGDIR", "HOME", "XDG_CONFIG_HOME"}
    }
    environment["CUSTODES_VAR_DIR"] = str(tmp_path)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "custodes.config.settings")
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip().splitlines()[-1]) == tmp_path / "matplotlib"


# --- Suppression -----------------------------------------------------------------------------------------------


def test_small_counts_are_suppressed_for_aggregates_only():
    assert publish(4, detailed=False) == Figure(None)
    assert publish(0, detailed=False).display == SUPPRESSED_TEXT
    assert publish(5, detailed=False) == Figure(5)
    assert publish(3, detailed=True) == Figure(3)
    assert Figure(1234).display == "1,234"


def test_hidden_cells_beside_a_published_total_can_never_be_worked_out():
    figures, total = publish_column([20, 2, 9, 30], detailed=False, with_total=True)
    assert [f.value for f in figures] == [20, None, None, 30]
    assert total == Figure(61)
    # Two hidden already, adding to 5: neither can be worked out alone.
    figures, _ = publish_column([20, 2, 3, 30], detailed=False, with_total=True)
    assert [f.value for f in figures] == [20, None, None, 30]
    # Two hidden of 4 each, or two zeros: the rest of the total would give them away, so more are withheld.
    figures, total = publish_column([4, 4, 30, 40], detailed=False, with_total=True)
    assert [f.value for f in figures] == [None, None, 30, 40]
    figures, total = publish_column([0, 0, 10, 20], detailed=False, with_total=True)
    assert [f.value for f in figures] == [None, None, None, 20]
    assert total == Figure(30)
    # One small cell beside one other: both withheld, and the total (the two together) says nothing of either.
    figures, total = publish_column([0, 30], detailed=False, with_total=True)
    assert [f.value for f in figures] == [None, None]
    assert total == Figure(30)
    # No total: nothing to subtract from.
    figures, total = publish_column([20, 2, 9], detailed=False, with_total=False)
    assert [f.value for f in figures] == [20, None, 9]
    assert total is None


@given(st.lists(st.integers(0, 50), min_size=1, max_size=12))
def test_no_published_column_gives_away_a_hidden_cell(counts):
    figures, total = publish_column(counts, detailed=False, with_total=True)
    hidden = [count for count, figure in zip(counts, figures, strict=True) if figure.value is None]
    assert all(f.value is None or f.value >= 5 for f in figures)
    if total is not None and total.value is not None and hidden:
        # What a reader can work out is only the hidden cells' sum (the total minus the rest): with two or more
        # cells sharing a sum of 5 or more, each could be any of several values.
        assert total.value - sum(f.value for f in figures if f.value is not None) == sum(hidden)
        assert len(hidden) >= 2
        assert sum(hidden) >= 5


def test_a_shares_parts_never_give_away_the_rest():
    hits, total = publish_split(38, 40, detailed=False)
    assert (hits.value, total.value) == (None, 40)  # 2 not convicted: 38 would give it away
    hits, total = publish_split(20, 40, detailed=False)
    assert (hits.value, total.value) == (20, 40)


def test_a_share_is_shown_only_when_none_of_its_parts_is_small():
    assert share(6, 10, detailed=True) == 60.0
    assert share(6, 10, detailed=False) is None  # the other 4 are a small count
    assert share(6, 12, detailed=False) == 50.0
    assert share(0, 0, detailed=True) is None
    assert share(40, 40, detailed=False) is None  # 100% of 40: the rest (0) is a small count
