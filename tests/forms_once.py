"""Send a form as a double click would: open its page, then POST the same form twice."""

from __future__ import annotations

import re

TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def post_twice(client, form_url: str, data: dict, *, post_url: str | None = None):
    """The two responses to the same form (with the token of its page) sent twice."""
    page = client.get(form_url)
    assert page.status_code == 200
    [token, *_] = TOKEN.findall(page.content.decode())
    data = {**data, "form_token": token}
    first = client.post(post_url or form_url, data)
    second = client.post(post_url or form_url, data)
    return first, second
