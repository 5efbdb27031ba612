"""The header of every page (`{% site_header %}` in base.html), written in Python.

The header is the same few dozen links on every page: the school's menu (sendco.navigation), the
notifications link, the person's menu with the schools they can switch to, and the sign-out
form. Written by the template language it took 1.5 to 2.5 ms of every page, about half a
signed-in request's whole floor; here it is written once, every text escaped, the same markup:
its test renders the old template (tests/header_template.html) and this tag for each kind of
person and page and compares them.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from sendco.navigation import menu_for
from staff.capabilities import Cap
from staff.links import fast_reverse
from staff.templatetags.once import CsrfAndOnceNode

register = template.Library()

_ACTIVE = ' active" aria-current="page'


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    request = context["request"]
    user = context.get("user")
    match = getattr(request, "resolver_match", None)
    app = match.namespace if match is not None else None
    url_name = match.url_name if match is not None else None

    def url(name: str, *args) -> str:
        return escape(fast_reverse(name, list(args), app))

    written = [
        '<nav class="navbar navbar-expand-lg navbar-light container" aria-label="Main">\n'
        f'<a class="navbar-brand fw-bold" href="{url("home")}">sendco</a>\n'
    ]
    if user is not None and user.is_authenticated:
        written.append(
            '<button class="navbar-toggler" type="button" data-bs-toggle="collapse"'
            ' data-bs-target="#main-nav" aria-controls="main-nav" aria-expanded="false"'
            ' aria-label="Show the menu">\n<span class="navbar-toggler-icon"></span>\n</button>\n'
            '<div class="collapse navbar-collapse" id="main-nav">\n'
        )
        school = context.get("current_school")
        access = context.get("access")
        if school and access:
            written.append(_school_menu(context, school, access, url_name, url))
        else:
            written.append('<ul class="navbar-nav me-auto"></ul>\n')
        written.append(_personal_menu(context, user, school, access, url_name, url))
        written.append("</div>\n")
    written.append("</nav>")
    return mark_safe("".join(written))  # noqa: S308 - every text above is escaped


def _school_menu(context, school, access, url_name, url) -> str:
    home = _ACTIVE if url_name == "school_home" else ""
    written = [
        '<ul class="navbar-nav me-auto">\n'
        f'<li class="nav-item"><a class="nav-link{home}" href="{url("school_home", school.slug)}">'
        "Home</a></li>\n"
    ]
    for group in menu_for(context["request"]):
        single = group.single
        if single:
            active = _ACTIVE if group.current else ""
            written.append(
                f'<li class="nav-item"><a class="nav-link{active}" href="{escape(single.url)}">'
                f"{escape(single.label)}</a></li>\n"
            )
            continue
        written.append(
            '<li class="nav-item dropdown">\n'
            '<button class="btn btn-link nav-link dropdown-toggle'
            f'{" active" if group.current else ""}" type="button" data-bs-toggle="dropdown"'
            f' aria-expanded="false">{escape(group.label)}</button>\n'
            '<ul class="dropdown-menu">\n'
        )
        for entry in group.entries:
            active = _ACTIVE if entry.current else ""
            written.append(
                f'<li><a class="dropdown-item{active}" href="{escape(entry.url)}">'
                f"{escape(entry.label)}</a></li>\n"
            )
        written.append("</ul>\n</li>\n")
    if access.can(Cap.TRUST_DASHBOARD) and school.trust:
        written.append(
            '<li class="nav-item"><a class="nav-link"'
            f' href="{url("trust_dashboard", school.trust.slug)}">Trust</a></li>\n'
        )
    written.append("</ul>\n")
    return "".join(written)


def _personal_menu(context, user, school, access, url_name, url) -> str:
    notes = _ACTIVE if url_name == "notifications" else ""
    written = [
        '<ul class="navbar-nav align-items-lg-center gap-lg-2">\n<li class="nav-item">\n'
        f'<a class="nav-link{notes}" href="{url("notifications")}">Notifications'
        f' <span hx-get="{url("notifications_count")}" hx-trigger="load"'
        ' hx-swap="outerHTML"></span></a>\n</li>\n'
        '<li class="nav-item dropdown">\n'
        '<button class="btn btn-link nav-link dropdown-toggle" type="button"'
        ' data-bs-toggle="dropdown" aria-expanded="false">\n'
        f"{escape(str(user.full_name))}\n</button>\n"
        '<ul class="dropdown-menu dropdown-menu-end">\n'
    ]
    if access:
        at = f" at {escape(school.name)}" if school else ""
        written.append(
            '<li><span class="dropdown-item-text small text-body-secondary">Signed in as'
            f" {escape(str(access.role_label))}{at}</span></li>\n"
        )
    switcher = context.get("switcher")
    if switcher is not None and len(switcher.schools) > 1:
        written.append('<li><h2 class="dropdown-header h6">Switch school</h2></li>\n')
        home = url("home")
        for other in switcher.schools:
            active = _ACTIVE if other == school else ""
            written.append(
                f'<li><a class="dropdown-item{active}" href="{home}?school={escape(other.slug)}">'
                f"{escape(other.name)}</a></li>"
            )
        if switcher.more:
            written.append(
                f'<li><a class="dropdown-item" href="{home}?all=1">'
                "All your schools&hellip;</a></li>"
            )
        written.append('\n<li><hr class="dropdown-divider"></li>\n')
    written.append(
        f'<li><a class="dropdown-item" href="{url("reminder_settings")}">'
        "Email and calendar settings</a></li>\n"
        f'<li><a class="dropdown-item" href="{url("password_change")}">Change password</a></li>\n'
        f'<li><a class="dropdown-item" href="{url("mfa:account")}">Two-step sign-in</a></li>\n'
        f'<li>\n<form method="post" action="{url("logout")}">{CsrfAndOnceNode().render(context)}\n'
        '<button type="submit" class="dropdown-item">Sign out</button>\n</form>\n</li>\n'
        "</ul>\n</li>\n</ul>\n"
    )
    return "".join(written)
