"""Server-rendered SVG charts: they print, go into PDFs and need no JavaScript.

Each chart sits beside a table with the same numbers, and carries its own words: a <title>, a
<desc> listing every value, a text label and the value written beside each bar, so no meaning
rests on colour. Labels come from users (intervention and staff names), so every piece of text is
escaped. The width is fixed and the viewBox set, so with Bootstrap's `img-fluid` class the chart
shrinks to a narrow screen and prints at its own size.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 232  # room for the label, left of the bars: 30 characters of 13px text in Chromium
VALUE_WIDTH = 110  # room for the value, right of the longest bar
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW_HEIGHT = 32
BAR_HEIGHT = 20
TOP = 36  # room for the title
BOTTOM = 8
LABEL_CHARS = 30
BAR_FILL = "#0b5394"  # dark blue: 8.6:1 against white
TEXT_FILL = "#212529"
AXIS_STROKE = "#6c757d"
NO_DATA = "not enough data yet"


def format_value(value: Decimal | None, unit: str, missing: str = NO_DATA) -> str:
    """A value as people read it: £1,234.56, 45.5%, 3.50 h."""
    if value is None:
        return missing
    if unit == "£":
        return f"£{value:,.2f}"
    if unit == "%":
        return f"{value}%"
    return f"{value} {unit}".strip()


def _short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def with_note(label: str, note: str) -> str:
    """A label with a short note kept whole at its end, such as "Ann Smith (over contract)":
    the label is shortened instead, so the note is never cut off in the chart."""
    room = LABEL_CHARS - len(note) - 1
    if len(label) > room:
        label = label[: max(room - 1, 1)].rstrip() + "…"
    return f"{label} {note}"


def bar_width(value: Decimal | None, top: Decimal) -> Decimal:
    """The length of a bar in viewBox units: proportional to the value, none for no value or a
    value at or below zero (the value is still written beside it)."""
    if value is None or value <= 0 or top <= 0:
        return Decimal(0)
    return min(Decimal(BAR_AREA), Decimal(BAR_AREA) * value / top).quantize(Decimal("0.1"))


def _opening(*, title: str, summary: str, height: int) -> list[str]:
    """The start of a chart: the <svg> element named by its <title> and described by a <desc>
    listing every value (ids from its content, unique on a page), and the title written."""
    digest = hashlib.sha1(  # noqa: S324 - an id for the page, not security
        f"{title}|{summary}".encode()
    ).hexdigest()[:10]
    title_id, desc_id = f"chart-{digest}-title", f"chart-{digest}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="img-fluid chart" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary or "No data.")}</desc>',
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="{TEXT_FILL}">'
        f"{escape(title)}</text>",
    ]


def bar_chart(
    rows: list[tuple[str, Decimal | None]],
    *,
    title: str,
    unit: str,
    max_value: Decimal | None = None,
    missing: str = NO_DATA,
) -> SafeString:
    """A horizontal bar chart, one bar per (label, value), longest bar at `max_value` (or the
    largest value). A value of None draws no bar and says `missing` ("not enough data yet")."""
    known = [v for _, v in rows if v is not None]
    top = Decimal(max_value) if max_value is not None else max(known, default=Decimal(0))
    height = TOP + ROW_HEIGHT * max(len(rows), 1) + BOTTOM
    summary = "; ".join(f"{label}: {format_value(value, unit, missing)}" for label, value in rows)
    parts = _opening(title=title, summary=summary, height=height)
    if not rows:
        parts.append(
            f'<text x="0" y="{TOP + 20}" font-size="13" fill="{TEXT_FILL}">No data.</text>'
        )
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        middle = y + BAR_HEIGHT / 2 + 5
        width = bar_width(value, top)
        parts.append('<g class="bar">')
        words = format_value(value, unit, missing)
        parts.append(f"<title>{escape(label)}: {escape(words)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" font-size="13" text-anchor="end" '
            f'fill="{TEXT_FILL}">{escape(_short(label))}</text>'
        )
        if width > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                f'fill="{BAR_FILL}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}" font-size="13" '
            f'fill="{TEXT_FILL}">{escape(words)}</text>'
        )
        parts.append("</g>")
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - BOTTOM}" '
        f'stroke="{AXIS_STROKE}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


STACKED_LABEL_CHARS = 28  # 30 fit the label room in Chromium; a little spare for wide letters
SERIES_FILLS = ["#0b5394", "#b45f06"]  # dark blue and dark orange: 8.6:1 and 5.1:1 against white


def stacked_bar_chart(
    rows: list[tuple[str, list[int]]], *, title: str, series: list[str]
) -> SafeString:
    """A horizontal bar per label, made of one segment per series (at most two), with the
    values written beside each bar in words ("12 SEN support, 3 EHC plan") and a key under the
    title, so no meaning rests on colour."""
    top = max((sum(values) for _, values in rows), default=0)
    height = TOP + 18 + ROW_HEIGHT * max(len(rows), 1) + BOTTOM

    def words(values: list[int]) -> str:
        return ", ".join(f"{value} {name}" for name, value in zip(series, values, strict=True))

    summary = "; ".join(f"{label}: {words(values)}" for label, values in rows)
    parts = _opening(title=title, summary=summary, height=height)
    x = 0
    for name, fill in zip(series, SERIES_FILLS, strict=False):
        parts.append(f'<rect x="{x}" y="30" width="14" height="14" fill="{fill}"/>')
        parts.append(
            f'<text x="{x + 20}" y="42" font-size="13" fill="{TEXT_FILL}">{escape(name)}</text>'
        )
        x += 30 + 8 * len(name)
    if not rows:
        parts.append(
            f'<text x="0" y="{TOP + 38}" font-size="13" fill="{TEXT_FILL}">No data.</text>'
        )
    for index, (label, values) in enumerate(rows):
        y = TOP + 18 + index * ROW_HEIGHT
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append('<g class="bar">')
        parts.append(f"<title>{escape(label)}: {escape(words(values))}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" font-size="13" text-anchor="end" '
            f'fill="{TEXT_FILL}">{escape(_short(label, STACKED_LABEL_CHARS))}</text>'
        )
        start = Decimal(LABEL_WIDTH)
        for value, fill in zip(values, SERIES_FILLS, strict=False):
            width = bar_width(Decimal(value), Decimal(top))
            if width > 0:
                parts.append(
                    f'<rect x="{start}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                    f'fill="{fill}"/>'
                )
            start += width
        short = " + ".join(str(value) for value in values)
        parts.append(
            f'<text x="{start + 6}" y="{middle}" font-size="13" fill="{TEXT_FILL}">'
            f"{escape(short)}</text>"
        )
        parts.append("</g>")
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP + 14}" x2="{LABEL_WIDTH}" y2="{height - BOTTOM}" '
        f'stroke="{AXIS_STROKE}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
