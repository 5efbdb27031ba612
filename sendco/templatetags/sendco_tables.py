"""`{{ cells|figure_cells:links }}`: a row of the trust's tables of schools (sendco/compare.py's
`Cell`s) as its `<td>`s. A trust of 110 schools puts about 3,000 figures on the comparison
page; Django's template language takes some 15 microseconds a cell with its `if` and two
lookups, and `format_html` several, so the rows are written here, every text and url escaped,
and the table around them stays in the template (templates/sendco/_compare_table.html)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from staff.links import fast_reverse

register = template.Library()


@register.filter
def figure_cells(cells, links=False) -> SafeString:
    """Each cell right-aligned; with `links`, a cell that has a url links to it."""
    parts = []
    for cell in cells:
        text = escape(str(cell.text))
        if links and cell.url:
            text = f'<a href="{escape(cell.url)}">{text}</a>'
        parts.append(f'<td class="text-end">{text}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every text and url is escaped above


@register.filter
def select_options(field) -> SafeString:
    """The `<option>`s of a bound select field (templates/_filter_field.html), the chosen one
    selected: a filter of the audit log lists every member of staff, and Django's widget
    templates take some 70 microseconds an option. Groups of choices become `<optgroup>`s."""
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)

    def option(value, label) -> str:
        value = str(value)
        selected = " selected" if value == chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>'

    parts = []
    for value, label in field.field.choices:
        if isinstance(label, list | tuple):
            inner = "".join(option(v, text) for v, text in label)
            parts.append(f'<optgroup label="{escape(str(value))}">{inner}</optgroup>')
        else:
            parts.append(option(value, label))
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above


@register.filter
def school_rows(rows, links=False) -> SafeString:
    """The `<tr>`s of a trust table (sendco/compare.py's rows: a school and its cells): the
    school's name, with `links` a link to its home page, then its figures (`figure_cells`).
    A trust of 110 schools has 440 such rows on its board report: written here, they take a
    quarter of what the template's loop took."""
    parts = []
    for school, cells in rows:
        name = escape(school.name)
        if links:
            url = escape(fast_reverse("school_home", [school.slug]))
            name = f'<a href="{url}">{name}</a>'
        parts.append(f'<tr><th scope="row">{name}</th>{figure_cells(cells, links)}</tr>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every text and url is escaped
