"""The error summary's links reach the field they name, radio groups included (issue 14: a link
to a group of radios pointed at an id nothing on the page had)."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.ehcp.factories import make_authority
from tests.register.factories import make_pupil


def test_every_error_summary_link_reaches_an_element_on_the_page(client, school, sendco):
    authority = make_authority(school)
    pupil = make_pupil(school)
    client.force_login(sendco)
    url = reverse("ehcp:request_new", args=[school.slug, pupil.public_id])
    html = client.post(url, {"authority": authority.pk}).content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    targets = re.findall(r'href="#([^"]*)"', summary)
    assert "id_requested_by_0" in targets  # the radios of who asked
    for target in targets:
        assert target, "a link to nowhere"
        assert f'id="{target}"' in html, target
