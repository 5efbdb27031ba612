"""The header of every page, written in Python (`{% site_header %}`), reads as the template that
wrote it before (tests/header_template.html): for each kind of person on each kind of page, both
are rendered with the same request (the one the page was served with, so its person, school,
role and current page) and compared, whitespace between tags aside and each form's one-time
tokens aside. A header holding a name with markup in it is escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from sendco.navigation import menu_for
from staff.models import Role
from staff.tenancy import SWITCHER_AT_MOST
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db

OLD = (Path(__file__).parent / "header_template.html").read_text()


def _normalised(html: str) -> str:
    html = re.sub(r'value="[^"]*"', 'value="…"', html)  # the CSRF and one-time tokens
    html = re.sub(r"\{#.*?#\}", "", html, flags=re.S)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"> <", "><", html).strip()


def _both(request) -> tuple[str, str]:
    engine = engines["django"]
    old = engine.from_string(OLD).render({"menu": menu_for(request)}, request)
    new = engine.from_string("{% load site_header %}{% site_header %}").render({}, request)
    return _normalised(old), _normalised(new)


def _served(client, user, address: str):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    response = client.get(address)
    assert response.status_code == 200, address
    return response.wsgi_request


def test_the_header_reads_as_the_template_did_for_every_kind_of_person_and_page(
    client, trust, school
):
    others = [
        SchoolFactory(trust=trust, name=f"School {n:03d}", slug=f"school-{n:03d}", urn=f"9{n:05d}")
        for n in range(SWITCHER_AT_MOST + 2)
    ]
    sendco = member(school, Role.SENDCO, full_name='Ann <b>"O\'Neil"</b> & co')
    sendco.memberships.create(school=others[0], role=Role.TEACHER)  # two schools: a switcher
    people = {
        "sendco": sendco,
        "teacher": member(school, Role.TEACHER),
        "ta": member(school, Role.TA),
        "head": member(school, Role.HEAD),
        "governor": member(school, Role.GOVERNOR),
        "trust_lead": member(school, Role.TRUST_LEAD),  # the Trust link, "All your schools"
    }
    slug = school.slug
    cases = [
        ("sendco", reverse("school_home", args=[slug])),  # Home is the current page
        ("sendco", reverse("register:list", args=[slug])),  # a menu's entry is current
        ("sendco", reverse("notifications")),  # no school: the empty menu, Notifications current
        ("teacher", reverse("plans:list", args=[slug])),  # a group of one link, current
        ("ta", reverse("provision:today", args=[slug])),
        ("head", reverse("calendar:terms", args=[slug])),
        ("governor", reverse("school_home", args=[slug])),
        ("trust_lead", reverse("school_home", args=[slug])),
        ("trust_lead", reverse("trust_dashboard", args=[trust.slug])),
        (None, reverse("login")),  # signed out: the name of the product alone
    ]
    seen = set()
    for who, address in cases:
        old, new = _both(_served(client, people.get(who), address))
        assert new == old, (who, address)
        seen.add(new)
    assert len(seen) == len(cases)  # each case a different header: none of them vacuous
    signed_in = _both(_served(client, sendco, reverse("school_home", args=[slug])))[1]
    assert "Ann &lt;b&gt;&quot;O&#x27;Neil&quot;&lt;/b&gt; &amp; co" in signed_in
    assert 'class="nav-link active" aria-current="page" href="/s/' in signed_in
    assert "Switch school" in signed_in
    assert "Sign out" in signed_in
    lead = _both(_served(client, people["trust_lead"], reverse("school_home", args=[slug])))[1]
    assert f'href="{reverse("trust_dashboard", args=[trust.slug])}">Trust</a>' in lead
    assert "All your schools" in lead


def test_each_page_has_one_header_with_its_own_sign_out_token(client, school):
    person = member(school, Role.SENDCO)
    client.force_login(person)
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    assert page.count('<nav class="navbar') == 1
    sign_out = page.split(f'action="{reverse("logout")}">')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in sign_out
    assert sign_out.count('type="hidden"') == 2  # the CSRF token and the form's one-time token
