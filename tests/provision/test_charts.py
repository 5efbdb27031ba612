"""Server-rendered SVG bar charts: valid XML, named for screen readers, escaped, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.utils.safestring import SafeString

from provision.charts import BAR_AREA, LABEL_CHARS, bar_chart, bar_width, format_value, with_note

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup, parsed to check it is XML


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}rect")


def test_chart_is_an_accessible_svg_image():
    markup = bar_chart(
        [("Talk Boost", D("75.0")), ("Toe by Toe", D("40.0"))],
        title="Share meeting target",
        unit="%",
        max_value=D(100),
    )
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Share meeting target"
    desc = root.find(f"{SVG}desc")
    assert desc.text == "Talk Boost: 75.0%; Toe by Toe: 40.0%"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Fixed width with a viewBox, so it scales down on a small screen and prints at its size.
    assert root.get("width") == "640"
    assert root.get("viewBox") == f"0 0 640 {root.get('height')}"
    # Labels and values are text, not colour.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Talk Boost" in texts
    assert "75.0%" in texts
    assert "40.0%" in texts


def test_labels_from_users_are_escaped():
    evil = '<script>alert("x")</script> & Co'
    markup = bar_chart([(evil, D(3))], title="<b>Hours</b>", unit="h")
    assert "<script>" not in markup
    assert "<b>" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)  # still well-formed XML
    assert root.find(f"{SVG}title").text == "<b>Hours</b>"
    assert root.find(f"{SVG}g/{SVG}title").text == f"{evil}: 3 h"


@pytest.mark.parametrize(
    ("values", "max_value", "expected_widths"),
    [
        # Longest bar takes the whole bar area when no maximum is given.
        ([D(10), D(5), D("2.5")], None, [BAR_AREA, BAR_AREA / 2, BAR_AREA / 4]),
        # Against a fixed maximum (percentages against 100).
        ([D(50), D(25)], D(100), [BAR_AREA / 2, BAR_AREA / 4]),
        # A value above the maximum is capped to the area.
        ([D(150)], D(100), [BAR_AREA]),
    ],
)
def test_bars_are_proportional(values, max_value, expected_widths):
    rows = [(f"Row {i}", v) for i, v in enumerate(values)]
    root = parse(bar_chart(rows, title="T", unit="", max_value=max_value))
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths == pytest.approx(expected_widths, abs=0.1)
    ratio = widths[0] / widths[-1] if len(widths) > 1 else 1
    assert ratio == pytest.approx(float(values[0] / values[-1]) if len(widths) > 1 else 1, 0.01)


@pytest.mark.parametrize(
    ("value", "top", "expected"),
    [
        (None, D(100), D(0)),  # no data: no bar
        (D(0), D(100), D(0)),
        (D(-5), D(100), D(0)),  # a fall draws no bar; its value is still written
        (D(5), D(0), D(0)),  # nothing to compare with
        (D(100), D(100), D(BAR_AREA)),
    ],
)
def test_bar_width_edges(value, top, expected):
    assert bar_width(value, top) == expected


def test_a_row_without_a_value_says_so_and_draws_no_bar():
    root = parse(bar_chart([("Lego therapy", None), ("Talk", D(1))], title="T", unit="%"))
    assert len(bars(root)) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "not enough data yet" in texts


def test_an_empty_chart_is_still_valid():
    root = parse(bar_chart([], title="Nothing yet", unit="h"))
    assert root.get("role") == "img"
    assert "No data." in [t.text for t in root.iter(f"{SVG}text")]


def test_ids_differ_between_charts_on_one_page():
    a = parse(bar_chart([("A", D(1))], title="One", unit="h"))
    b = parse(bar_chart([("A", D(1))], title="Two", unit="h"))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


def test_long_labels_are_shortened_in_the_chart_only():
    name = "A very long intervention name indeed, longer than the room"
    root = parse(bar_chart([(name, D(1))], title="T", unit="h"))
    shown = [t.text for t in root.iter(f"{SVG}text")][1]
    assert len(shown) <= LABEL_CHARS
    assert shown.endswith("…")
    assert root.find(f"{SVG}g/{SVG}title").text.startswith(name)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Ann Smith", "Ann Smith (over contract)"),
        ("Annabel Featherstonehaugh-Smythe", "Annabel Feath… (over contract)"),
    ],
)
def test_notes_are_never_cut_off(label, expected):
    result = with_note(label, "(over contract)")
    assert result == expected
    assert len(result) <= LABEL_CHARS


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (D("1234.5"), "£", "£1,234.50"),
        (D("45.5"), "%", "45.5%"),
        (D("3.50"), "h", "3.50 h"),
        (D(7), "", "7"),
        (None, "%", "not enough data yet"),
    ],
)
def test_values_read_as_people_write_them(value, unit, expected):
    assert format_value(value, unit) == expected
