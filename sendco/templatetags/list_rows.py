"""The rows of the heaviest lists, written in Python, each by a tag its template calls in place
of a `{% for %}` loop: the provision map's groups (`map_rows`), the support plans list
(`plan_rows`, and `stage_badge`, also on a plan's page), the EHCP tracker (`tracker_rows`), the
impact page's groups (`impact_rows`), the register (`register_rows`), the pupils of a session
card (`attendance_rows`: a TA's home shows every group of the day) and the notifications
(`notification_rows`). Here on the top floor, beside the filters they use (`dates`,
`numbers`), which the apps may not import.

A page of these lists shows 25 to 50 rows, each with up to fifteen figures, dates, names and
badges; Django's template language took a quarter to a half of each page's time to write them
(each variable looked up through the context, each filter and include called through the
engine). Here each row is written once, every text escaped, with the same filters the templates
used (`floatformat`, `date`, the language's way of writing a number), so the pages read as they
did: each tag's test renders the old loop (kept beside the test, e.g.
tests/provision/map_rows_template.html) and the tag on the same rows and compares them. The
tables around the rows stay in the templates.
"""

from __future__ import annotations

import functools
from html import escape

from django import template
from django.template.defaultfilters import capfirst, pluralize
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from sendco.templatetags.dates import date
from sendco.templatetags.numbers import floatformat
from staff.audit_words import action_words
from staff.links import fast_reverse
from staff.templatetags.once import CsrfAndOnceNode

register = template.Library()

NOT_LOGGED = '<span aria-hidden="true">—</span><span class="visually-hidden">none logged</span>'


@functools.cache
def _choices(model, name: str) -> dict:
    return dict(model._meta.get_field(name).flatchoices)


def _shown(instance, name: str) -> str:
    """`instance.get_<name>_display()`, escaped, without building the field's choices again for
    every row as Django's method does."""
    value = getattr(instance, name)
    return escape(str(_choices(type(instance), name).get(value, value)))


def _text(value) -> str:
    """A value as the template language writes it: localized, then escaped."""
    return escape(str(localize(value)))


def _money(value) -> str:
    return "£" + escape(str(floatformat(value, "2g")))


NUMBER = "text-end num"  # a figure's cell in the provision map


def _row(head: str, *cells) -> str:
    """A row of a table: its header cell's content, then its cells, each a text or a pair of
    a text and its class (None: no such cell in this table), all already escaped."""
    tds = []
    for cell in cells:
        if cell is None:
            continue
        text, css = cell if isinstance(cell, tuple) else (cell, "")
        tds.append(f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>")
    written = "".join(f"    {td}\n" for td in tds)
    return f'<tr>\n    <th scope="row">{head}</th>\n{written}  </tr>'


def _rows(rows: list[str]) -> SafeString:
    return mark_safe("\n".join(rows))  # noqa: S308 - `_row`'s callers escape every text and url


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
                _shown(g, "status"),
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
        share = None
        if found.filtered:
            share = ("—" if row.share_shown is None else _money(row.share_shown), NUMBER)
        sessions = (
            f"{_text(c.sessions_run)} of {_text(c.planned_to_date)}"
            f'<div class="small detail">{_text(c.planned_sessions)} in all{extra}</div>'
        )
        parts.append(
            _row(
                f'{name}\n      <div class="small fw-normal detail">{detail}</div>',
                pupils,
                staff,
                (_text(c.hours_per_week), NUMBER),
                (sessions, NUMBER),
                (rate, NUMBER),
                (cost, NUMBER),
                share,
                _shown(g, "funding"),
            )
        )
    return _rows(parts)


# The badge of a plan's stage, by its label (the list's rows and the plan's page).
STAGE_BADGES = {
    "Review overdue": "text-bg-danger",
    "Review due": "text-bg-warning",
    "Do": "text-bg-success",
    "Reviewed": "text-bg-secondary",
    "No plan yet": "text-bg-light border",
}


@register.simple_tag
def stage_badge(label: str) -> SafeString:
    """A plan's stage as a coloured badge: overdue red, due amber, under way green."""
    badge = STAGE_BADGES.get(label, "text-bg-info")
    return mark_safe(f'<span class="badge {badge}">{escape(str(label))}</span>')  # noqa: S308


@register.simple_tag(takes_context=True)
def plan_rows(context, rows, show_quality, today) -> SafeString:
    """The `<tr>`s of the support plans list (plans.selectors.PlanRow): each pupil linking to
    their plan; with `show_quality`, the column of suggestions to strengthen the plan."""
    slug = context["current_school"].slug
    parts = []
    for row in rows:
        pupil, plan, cycle, schedule = row.pupil, row.plan, row.cycle, row.schedule
        url = escape(fast_reverse("plans:plan", [slug, pupil.public_id]))
        name = f"{escape(pupil.last_name)}, {escape(pupil.first_name)}"
        status = "EHC plan (E)" if row.category == "E" else "SEN support (K)"
        stage = stage_badge(row.stage_label)
        if cycle and plan:
            stage += f' <span class="small text-body-secondary">cycle {_text(cycle.number)}</span>'
        if cycle and cycle.review_due:
            due = date(cycle.review_due, "d/m/Y")
        else:
            due = '—<span class="visually-hidden">not set</span>'
        if schedule:
            meetings = f"{_text(schedule.held)} of {_text(schedule.required)}"
            if schedule.due and schedule.due < today:
                meetings += ' <span class="badge text-bg-warning">Behind</span>'
        elif row.category == "E":
            meetings = '—<span class="visually-hidden">at the annual review of the EHC plan</span>'
        else:
            meetings = '—<span class="visually-hidden">no plan yet</span>'
        quality = None  # no such column for a teaching assistant
        if show_quality and row.warnings:
            quality = f"{_text(row.warnings)} suggestion{pluralize(row.warnings)}"
        elif show_quality:
            quality = "None" if plan else "—"
        if plan and plan.lead:
            lead = escape(plan.lead.full_name)
        else:
            lead = '—<span class="visually-hidden">none chosen</span>'
        parts.append(
            _row(f'<a href="{url}">{name}</a>', status, stage, due, meetings, quality, lead)
        )
    return _rows(parts)


@register.simple_tag(takes_context=True)
def tracker_rows(context, rows) -> SafeString:
    """The `<tr>`s of a section of the EHCP tracker (ehcp.selectors' rows: a plan's review clock
    as `line`, its next step and whether it is overdue or due soon)."""
    slug = context["current_school"].slug
    parts = []
    for row in rows:
        line, step = row.line, row.step
        pupil = line.pupil
        url = escape(fast_reverse("ehcp:plan", [slug, pupil.public_id]))
        name = f'<a href="{url}">{escape(pupil.last_name)}, {escape(pupil.first_name)}</a>'
        if line.transfer:
            name += (
                '<br><span class="badge text-bg-info">Phase transfer</span> <span class="small">'
                f"amended plan by {date(line.transfer.deadline, 'd/m/Y')}</span>"
            )
        if line.review:
            url = escape(fast_reverse("ehcp:review", [slug, line.review.public_id]))
            stage = f'<a href="{url}">{_shown(line.review, "stage")}</a>'
        else:
            stage = "No review under way"
        next_step = escape(str(step.label)) if step else "Nothing due"
        if line.warnings:
            count = len(line.warnings)
            next_step += (
                f'<br><span class="small">Warning: {_text(count)} problem{pluralize(count)}'
                " with the dates</span>"
            )
        due = (date(step.due, "d/m/Y") if step else "") + "\n        "
        if row.overdue:
            due += ' <span class="badge text-bg-danger">Overdue</span>'
        elif row.due_soon:
            due += ' <span class="badge text-bg-warning">Due soon</span>'
        parts.append(
            _row(
                name,
                _shown(pupil, "year_group"),
                escape(line.plan.authority.name),
                date(line.due_by, "d/m/Y"),
                stage,
                next_step,
                due,
            )
        )
    return _rows(parts)


@register.simple_tag(takes_context=True)
def impact_rows(context, groups) -> SafeString:
    """The `<tr>`s of the impact page's table of groups (provision.pages' rows: a group's
    costs as `costed` and its impact as `impact`), each group linking to its own impact."""
    slug = context["current_school"].slug
    parts = []
    for g in groups:
        group, costed, impact = g.group, g.costed, g.impact
        url = escape(fast_reverse("provision_impact:group_impact", [slug, group.public_id]))
        rate = "—" if costed.attendance_rate is None else f"{_text(costed.attendance_rate)}%"
        met = "—"
        if impact.met_target_rate is not None:
            met = f"{_text(impact.met_target)} ({_text(impact.met_target_rate)}%)"
        cost = "—" if impact.cost_per_pupil is None else _money(impact.cost_per_pupil)
        parts.append(
            _row(
                f'<a href="{url}">{escape(group.name)}</a>',
                escape(group.intervention.name),
                _shown(group, "status"),
                (_text(impact.pupils), "text-end"),
                (rate, "text-end"),
                (met, "text-end"),
                (cost, "text-end"),
            )
        )
    return _rows(parts)


REGISTER_CATEGORIES = {
    "E": '<span class="badge text-bg-primary">E</span> EHC plan',
    "K": '<span class="badge text-bg-info">K</span> SEN support',
}


@register.simple_tag(takes_context=True)
def register_rows(context, rows) -> SafeString:
    """The `<tr>`s of a page of the register (register.selectors' pupils, annotated with their
    category, primary need, layer of support and classes), each pupil linking to their record."""
    slug = context["current_school"].slug
    light = '<span class="badge text-bg-light border">{}</span>'
    parts = []
    for p in rows:
        url = escape(fast_reverse("register:pupil", [slug, p.public_id]))
        classes = ", ".join(escape(g.name) for g in p.groups_on) or "—"
        category = REGISTER_CATEGORIES.get(p.sen_category, "No SEN (N)")
        need = "—"
        if p.need_code:
            need = (
                f'{escape(p.need_code)}<span class="visually-hidden">: {escape(p.need_name)}</span>'
            )
        also = ""
        if p.pupil_premium:
            also += light.format("PP") + " "
        if p.looked_after:
            also += light.format("LAC") + " "
        if p.eal:
            also += light.format("EAL")
        parts.append(
            _row(
                f'<a href="{url}">{escape(p.last_name)}, {escape(p.first_name)}</a>',
                _shown(p, "year_group"),
                classes,
                category,
                need,
                escape(str(p.layer_label or "—")),
                also,
            )
        )
    return _rows(parts)


@register.simple_tag
def attendance_rows(card) -> SafeString:
    """The `<li>`s of a session card's pupils (provision.selectors.SessionCard, in
    provision/_session_card.html): each pupil's switch, why they did not come and a note, with
    ids that pair every label with its field. A TA's home page shows every group of the day: a
    hundred pupils' rows, each with its list of reasons."""
    gid = str(card.group.pk)
    if not card.rows:
        return mark_safe("\n          <li>No pupils in this group today.</li>\n        ")
    reasons = [
        (value, escape(str(value)), escape(str(label))) for value, label in card.absence_reasons
    ]
    written = []
    for row in card.rows:
        pid = str(row.place.pupil_id)
        name = escape(row.pupil.name)
        key = f"{gid}-{pid}"
        options = "".join(
            f'<option value="{text}"{" selected" if row.reason == value else ""}>{label}</option>'
            for value, text, label in reasons
        )
        if row.needs_reason:
            invalid = " is-invalid"
            described = f' aria-invalid="true" aria-describedby="re-{key}"'
            feedback = (
                f'<div class="invalid-feedback" id="re-{key}">Choose why {name} did not come.</div>'
            )
        else:
            invalid = described = feedback = ""
        written.append(
            f"""
          <li class="attendance-row py-2 border-bottom">
            <div class="row g-2 align-items-center">
              <div class="col-sm-5">
                <div class="form-check form-switch">
                  <input class="form-check-input" type="checkbox" role="switch" name="present" value="{pid}" id="p-{key}" data-clears="r-{key}"{" checked" if row.came else ""}>
                  <label class="form-check-label" for="p-{key}">{name}</label>
                </div>
              </div>
              <div class="col-sm-7">
                <label class="visually-hidden" for="r-{key}">If absent, why ({name})</label>
                <select class="form-select{invalid}" name="reason_{pid}" id="r-{key}" data-marks-absent="p-{key}"{described}>
                  <option value="">If absent, why?</option>
                  {options}
                </select>
                {feedback}
              </div>
              <div class="col-12">
                <label class="visually-hidden" for="n-{key}">Note about {name}</label>
                <input class="form-control" type="text" maxlength="500" name="note_{pid}" id="n-{key}" placeholder="Note (optional)" value="{escape(row.note)}">
              </div>
            </div>
          </li>
        """  # noqa: E501 - the markup as the template had it
        )
    return mark_safe("".join(written))  # noqa: S308 - every text above is escaped


@register.simple_tag(takes_context=True)
def notification_rows(context, notes, several_schools=False) -> SafeString:
    """The `<li>`s of the notifications page (sendco.models.Notification): each one's badge,
    title and due date (with its school for someone in several), and its "Open" button, a
    form that marks it read. A SENDCo's page lists up to a hundred."""
    csrf = CsrfAndOnceNode()  # each form its own one-time token, as `{% csrf_token %}` gives
    written = []
    for note in notes:
        token = csrf.render(context)
        if note.overdue:
            badge = "text-bg-danger"
        elif note.threshold == 0:
            badge = "text-bg-warning"
        else:
            badge = "text-bg-secondary"
        title = escape(str(note.title))
        if note.subject_name:
            named = f"{title}: {escape(str(note.subject_name))}"
            hidden = f"{title}, {escape(str(note.subject_name))}"
        else:
            named = hidden = title
        school = f" · {escape(note.school.name)}" if several_schools else ""
        url = escape(fast_reverse("notification_open", [note.pk]))
        written.append(
            f"""<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2{"" if note.read_at else " fw-semibold"}">
  <div>
    <span class="badge {badge}">{escape(str(capfirst(note.when)))}</span>
    {named}
    <span class="d-block small text-body-secondary fw-normal">Due {escape(str(date(note.due, "l j F Y")))}{school}</span>
  </div>
  <form method="post" action="{url}">{token}
    <button type="submit" class="btn btn-sm btn-primary">Open<span class="visually-hidden">: {hidden}</span></button>
  </form>
</li>
"""  # noqa: E501 - the markup as the template had it
        )
    return mark_safe("".join(written))  # noqa: S308 - every text above is escaped


@register.simple_tag(takes_context=True)
def class_rows(context, groups, can_manage=False) -> SafeString:
    """The `<tr>`s of the classes of the year (register.selectors.classes_of_year): each class
    with its size, teachers and assistants; its name links to choosing them for a manager. A
    2,000-pupil school has 60 to 70 classes."""
    slug = context["current_school"].slug
    parts = []
    for g in groups:
        name = escape(g.name)
        if can_manage:
            url = escape(fast_reverse("register:class_edit", [slug, g.pk]))
            name = f'<a href="{url}">{name}</a>'
        teachers = ", ".join(escape(u.full_name) for u in g.teacher_list)
        assistants = ", ".join(escape(u.full_name) for u in g.assistant_list)
        parts.append(
            _row(name, _text(g.size), teachers or "<strong>None yet</strong>", assistants or "—")
        )
    return _rows(parts)


@register.simple_tag(takes_context=True)
def group_manage_rows(context, groups, can_manage=False) -> SafeString:
    """The `<tr>`s of a page of the groups to manage (provision.manage_selectors.group_list):
    each group with its intervention, status, dates, staff and pupils today, and for a manager
    the links to change it and its pupils."""
    slug = context["current_school"].slug
    parts = []
    for g in groups:
        name = escape(g.name)
        url = escape(fast_reverse("provision:group", [slug, g.public_id]))
        actions = None
        if can_manage:
            edit = escape(fast_reverse("provision_manage:group_edit", [slug, g.public_id]))
            pupils = escape(fast_reverse("provision_manage:group_pupils", [slug, g.public_id]))
            actions = (
                f'\n      <a href="{edit}">Change<span class="visually-hidden"> {name}</span></a>'
                f' ·\n      <a href="{pupils}">Pupils<span class="visually-hidden"> of {name}'
                "</span></a>\n    ",
                "text-nowrap",
            )
        parts.append(
            _row(
                f'<a href="{url}">{name}</a>',
                escape(g.intervention.name),
                _shown(g, "status"),
                f"{date(g.starts_on, 'd/m/Y')} to {date(g.ends_on, 'd/m/Y')}",
                ", ".join(escape(s.full_name) for s in g.staff_list) or "Nobody yet",
                (_text(g.pupil_count), "text-end"),
                actions,
            )
        )
    return _rows(parts)


@register.simple_tag(takes_context=True)
def concern_rows(context, concerns, today) -> SafeString:
    """The `<tr>`s of the concerns to decide and pupils on monitoring
    (register.selectors.concerns_to_decide): each pupil linking to the decision, when and by
    whom the concern was raised, its status and its review date (overdue marked)."""
    slug = context["current_school"].slug
    parts = []
    for c in concerns:
        url = escape(fast_reverse("register:concern_decide", [slug, c.public_id]))
        review = "—"
        if c.review_on:
            review = date(c.review_on, "d/m/Y")
            if c.review_on < today:
                review += " <strong>(overdue)</strong>"
        parts.append(
            _row(
                f'<a href="{url}">{escape(c.pupil.name)}</a>',
                date(c.raised_on, "d/m/Y"),
                escape(c.raised_by.full_name),
                _shown(c, "status"),
                review,
            )
        )
    return _rows(parts)


_SEVERITY_CSS = {True: "text-bg-danger", False: "text-bg-warning"}


@register.simple_tag(takes_context=True)
def bundle_items(context, bundles, show_severity=False) -> SafeString:
    """The `<li>`s of bundles of deadlines (sendco.triage's, one pupil's or one kind's): the
    bundle's label and year group, then each deadline's date, link, local authority and a note
    when it falls in the holiday; with `show_severity`, each one's badge. The context's `today`
    leaves this year's dates without their year, and its `by_kind` names each deadline's
    subject."""
    today, by_kind = context.get("today"), context.get("by_kind")
    parts = []
    for bundle in bundles:
        items = []
        for number, d in enumerate(bundle.deadlines):
            badge = ""
            if show_severity:
                severity = d.severity
                css = (
                    _SEVERITY_CSS[severity.is_overdue]
                    if severity.is_urgent
                    else "text-bg-light border"
                )
                badge = f'<span class="badge {css}">{conditional_escape(severity.label)}</span>'
            when = "D j M" if today and d.due.year == today.year else "D j M Y"
            what = conditional_escape(d.title)
            if by_kind:
                what = f"{conditional_escape(d.subject)}: {what}"
            authority = ""
            if d.authority and (by_kind or number == 0):
                authority = (
                    ' <span class="badge rounded-pill text-bg-light border fw-normal">'
                    f"{conditional_escape(d.authority)}</span>"
                )
            holiday = ""
            if d.last_school_day:
                holiday = (
                    '<span class="small d-block">Falls in the school holiday: the last school '
                    f"day before it is {date(d.last_school_day, 'l j F')}.</span>"
                )
            items.append(
                f"\n      <li>\n        {badge}\n"
                f'        <span class="text-nowrap">{date(d.due, when)}</span>\n'
                f'        <a href="{conditional_escape(d.url)}">{what}</a>{authority}\n'
                f"        {holiday}\n      </li>"
            )
        year = ""
        if bundle.year_label:
            year = (
                '<span class="small text-body-secondary text-nowrap">'
                f"{conditional_escape(bundle.year_label)}</span>"
            )
        parts.append(
            '<li class="list-group-item py-1 bundle">\n  <div class="row gx-2">\n'
            '    <div class="col-sm-4">\n'
            f'      <h3 class="h6 mb-0 d-inline">{conditional_escape(bundle.label)}</h3>\n'
            f"      {year}\n    </div>\n"
            f'    <ul class="col-sm-8 list-unstyled mb-0">{"".join(items)}\n    </ul>\n'
            "  </div>\n</li>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text and url is escaped


@register.simple_tag
def audit_rows(events) -> SafeString:
    """The `<tr>`s of a page of the audit log (staff.selectors' events, newest first): when (in
    the school's time zone), who (the person, or the name the event kept, or "Unknown"), the
    action in words, what (with the email and the change an event kept) and from where."""
    parts = []
    for e in events:
        detail = e.detail if isinstance(e.detail, dict) else {}
        who = (e.actor.full_name if e.actor else "") or detail.get("actor") or "Unknown"
        what = conditional_escape(e.object_repr)
        if detail.get("email"):
            what += f" {conditional_escape(detail['email'])}"
        if detail.get("to"):
            what += f" → {conditional_escape(detail['to'])}"
        parts.append(
            f"  <tr>\n    <td>{date(timezone.localtime(e.created_at), 'd/m/Y H:i')}</td>\n"
            f"    <td>{conditional_escape(who)}</td>\n"
            f"    <td>{conditional_escape(action_words(e.action))}</td>\n"
            f"    <td>{what}</td>\n"
            f"    <td>{conditional_escape(e.ip or '')}</td>\n  </tr>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


FLAG = '<span class="badge text-bg-warning text-wrap text-start me-1 mb-1">Flag: {}</span>'


@register.simple_tag
def exam_flags(flags) -> SafeString:
    """An arrangement's flags as badges (long ones wrap on a tablet), or "None": a candidate's
    page (`{% exam_flags row.flags %}`) and each row of `candidate_rows`."""
    if not flags:
        return mark_safe('<span class="text-body-secondary">None</span>')
    return mark_safe("".join(FLAG.format(conditional_escape(f)) for f in flags))  # noqa: S308


@register.simple_tag(takes_context=True)
def candidate_rows(context, candidates, series) -> SafeString:
    """The `<tr>`s of a page of an exam series' candidates (exams.selectors): one row per
    arrangement, the candidate's name (linking to their page) and year group spanning their
    rows; each arrangement's kind and subjects, stage (with the date approved) and flags."""
    slug = context["current_school"].slug
    parts = []
    for c in candidates:
        pupil, span = c.pupil, len(c.rows)
        url = escape(fast_reverse("exams:candidate", [slug, series.public_id, pupil.public_id]))
        for number, row in enumerate(c.rows):
            head = ""
            if number == 0:
                head = (
                    f'<th scope="rowgroup" rowspan="{span}"><a href="{url}">'
                    f"{conditional_escape(pupil.last_name)}, "
                    f"{conditional_escape(pupil.first_name)}</a></th>"
                    f'<td rowspan="{span}">{conditional_escape(pupil.year_group)}</td>'
                )
            arrangement = row.arrangement
            kind = conditional_escape(arrangement.kind.name)
            if arrangement.subjects:
                kind += f'<br><span class="small">{conditional_escape(arrangement.subjects)}</span>'
            stage = _shown(arrangement, "stage")
            if arrangement.approved_on:
                stage += f" ({date(arrangement.approved_on, 'j M Y')})"
            parts.append(
                f"\n  <tr>{head}\n    <td>{kind}</td>\n    <td>{stage}</td>\n"
                f"    <td>{exam_flags(row.flags)}\n</td></tr>\n  "
            )
    return mark_safe("".join(parts))  # noqa: S308 - every text and url is escaped


@register.simple_tag(takes_context=True)
def referral_rows(context, rows) -> SafeString:
    """The `<tr>`s of a page of referrals to outside agencies (agencies.selectors: a referral
    and the weeks it has waited for an answer, or None): the date referred linking to the
    referral (its pupil and service said to a screen reader), the pupil, the service, the
    status and the wait."""
    slug = context["current_school"].slug
    parts = []
    for r, waited in rows:
        url = escape(fast_reverse("agencies:referral", [slug, r.public_id]))
        pupil, service = conditional_escape(r.pupil.name), conditional_escape(r.service.name)
        parts.append(
            f'\n  <tr>\n    <th scope="row"><a href="{url}">{date(r.referred_on, "j M Y")}'
            f'<span class="visually-hidden">: {pupil}, {service}</span></a></th>\n'
            f"    <td>{pupil}</td>\n    <td>{service}</td>\n"
            f"    <td>{_shown(r, 'status')}</td>\n"
            f'    <td class="text-end">{"" if waited is None else _text(waited)}</td>\n  </tr>\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text and url is escaped
