"""`{% map_rows map print %}`: the rows of the provision map's table of groups
(templates/provision/map/_map.html), written in Python. Here on the top floor, beside the
filters it uses (`dates`, `numbers`), which the provision app may not import.

A page of the map shows 25 groups, each with some fifteen figures, dates and names; Django's
template language took about a quarter of the page's time to write them (each variable looked
up through the context, each filter called through the engine). Here each row is written once,
every text escaped, with the same filters the template used (`floatformat`, `date`, the
language's way of writing a number), so the page reads exactly as it did; the table around the
rows stays in the template.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from sendco.templatetags.dates import date
from sendco.templatetags.numbers import floatformat
from staff.links import fast_reverse

register = template.Library()

NOT_LOGGED = '<span aria-hidden="true">—</span><span class="visually-hidden">none logged</span>'


def _text(value) -> str:
    """A value as the template language writes it: localized, then escaped."""
    return escape(str(localize(value)))


def _money(value) -> str:
    return "£" + escape(str(floatformat(value, "2g")))


@register.simple_tag(takes_context=True)
def map_rows(context, found, print_view=False) -> SafeString:
    """The `<tr>`s of `found.rows` (provision.map_selectors.MapRow); on screen each group's
    name links to its page, in print it does not. With `found.filtered`, the column of the
    share for the pupils listed."""
    slug = context["current_school"].slug
    parts = []
    for row in found.rows:
        c = row.costed
        g = c.group
        name = escape(g.name)
        if not print_view:
            url = escape(fast_reverse("provision:group", [slug, g.public_id]))
            name = f'<a href="{url}">{name}</a>'
        detail = " · ".join(
            (
                escape(g.intervention.name),
                escape(str(g.get_status_display())),
                f"{date(g.starts_on, 'd/m/Y')} to {date(g.ends_on, 'd/m/Y')}",
            )
        )
        pupils = str(len(row.pupils))
        if row.pupils:
            pupils += ": " + ", ".join(escape(n) for n in row.pupils)
        staff = ", ".join(escape(n) for n in row.staff) if row.staff else "None yet"
        extra = f"; {_text(c.sessions_extra)} more than planned" if c.sessions_extra else ""
        rate = NOT_LOGGED if c.attendance_rate is None else f"{_text(c.attendance_rate)}%"
        cost = _money(c.cost)
        if c.cost_per_pupil is not None:
            cost += f'<div class="small detail">{_money(c.cost_per_pupil)} a pupil</div>'
        share = ""
        if found.filtered:
            shown = "—" if row.share_shown is None else _money(row.share_shown)
            share = f'\n    <td class="text-end num">{shown}</td>'
        parts.append(
            "<tr>\n"
            f'    <th scope="row">{name}\n'
            f'      <div class="small fw-normal detail">{detail}</div></th>\n'
            f"    <td>{pupils}</td>\n"
            f"    <td>{staff}</td>\n"
            f'    <td class="text-end num">{_text(c.hours_per_week)}</td>\n'
            f'    <td class="text-end num">{_text(c.sessions_run)} of {_text(c.planned_to_date)}'
            f'<div class="small detail">{_text(c.planned_sessions)} in all{extra}</div></td>\n'
            f'    <td class="text-end num">{rate}</td>\n'
            f'    <td class="text-end num">{cost}</td>{share}\n'
            f"    <td>{escape(str(g.get_funding_display()))}</td>\n"
            "  </tr>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every text and url is escaped above
