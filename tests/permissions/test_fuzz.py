"""Issue 12, item 5: no input gives a 5xx. Every URL of the permission matrix, as the SENDCo
and as a class teacher: each page they may open gets query parameters, and each form they may
send gets field values, drawn by hypothesis from what people and scripts actually type (digits
`int()` refuses, huge and negative numbers, empty values, 10 kB strings, NUL and control
characters, dates in the years 1 and 9999, malformed dates, a list where one value is expected).

The field names come from the page itself (every input, select and textarea of its forms) and
the matrix's valid POST, so a new form is fuzzed without being listed. Each example keeps some
fields valid, so a form can pass and its service be reached with the rest; three fixed examples
put one known-bad value in every field at once. Reproducible
(`derandomize`) and small (a few examples per URL), on the matrix's world built once.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import built_once
from tests.permissions.rows import codes
from tests.permissions.test_matrix import APP_PATTERNS, MATRIX, _build_world, _kwargs

ROLES = ("sendco", "teacher")
EXAMPLES = 4  # per URL and method, each sending every field of the page at once
# Values sent in every field at once, before the drawn examples: the inputs that gave a 500.
EVERY_FIELD = ("²", "0001-01-01", "9" * 25)

# The query parameters the views read, for pages whose own forms do not name them.
QUERY_NAMES = (
    "version",
    "cycle",
    "on",
    "page",
    "show",
    "archived",
    "status",
    "intervention",
    "la",
    "school",
    "term",
    "year",
    "group",
)

# Forms built by JavaScript or by another page than their URL's own GET.
POST_NAMES = {
    "provision:session_log": ("present", "ran", "not_run_reason", "note", "reason_{pupil}"),
}

# PDFs read the same parameters as their print views (fuzzed), and take seconds each.
SLOW = {"ehcp:pack_pdf", "plans:evidence_pdf", "plans:pdf", "provision_map:map_pdf"}

NASTY = st.sampled_from(
    [
        "²",
        "٣",
        "１２",
        "0",
        "-1",
        "99999999999999999999999999",
        "1e309",
        "NaN",
        "",
        " ",
        "\x00",
        "a\x00b",
        "\x1b[2J\x07\r\n",
        "x" * 10_000,
        "0001-01-01",
        "9999-12-31",
        "01/01/0001",
        "31/12/9999",
        "2026-02-30",
        "2026-13-01",
        "10000-01-01",
        "yesterday",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
    ]
)
VALUE = st.one_of(
    NASTY,
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(NASTY, min_size=2, max_size=3),
)

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([^"]+)"', re.IGNORECASE)


def _opens(name: str, method: str, role: str) -> bool:
    """The SENDCo opens every page and form; the teacher's forms (a concern, a contribution, a
    parent meeting, advice) are fuzzed too, their pages being the SENDCo's with fewer rows."""
    spec = MATRIX[name].get if method == "GET" else MATRIX[name].post
    wanted = role == "sendco" or method == "POST"
    return wanted and spec is not None and codes(spec)[role] in (200, 302)


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in APP_PATTERNS
    for method in ("GET", "POST")
    for role in ROLES
    if name not in SLOW and _opens(name, method, role) and not name.startswith("admin")
]


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(_build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


def _fields(client: Client, url: str, name: str, world) -> list[str]:
    """The names of the fields a person can send to this URL."""
    found = {key(world) if callable(key) else key for key, _ in MATRIX[name].post_data}
    if MATRIX[name].get is not None:
        page = client.get(url)
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            found.update(FIELD.findall(page.content.decode()))
    pupil = world["place"].pupil.pk
    found.update(field.format(pupil=pupil) for field in POST_NAMES.get(name, ()))
    found.discard("csrfmiddlewaretoken")
    return sorted(found)


def _valid(name: str, world) -> dict:
    return {
        key(world) if callable(key) else key: value(world) if callable(value) else value
        for key, value in MATRIX[name].post_data
    }


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_no_input_gives_a_server_error(world, name, method, role):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    url = reverse(name, kwargs=_kwargs(name, world))
    names = _fields(client, url, name, world)
    if method == "GET":
        names = sorted(set(names) | set(QUERY_NAMES))
    valid = _valid(name, world)

    def value_of(field: str):
        return st.one_of(st.just(valid[field]), VALUE) if field in valid else VALUE

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(sent=st.fixed_dictionaries({field: value_of(field) for field in names}))
    def send(sent):
        response = client.get(url, sent) if method == "GET" else client.post(url, sent)
        assert response.status_code < 500, f"{method} {url} as {role} with {sent!r}"

    for every_field in EVERY_FIELD:  # tried first, whatever hypothesis draws
        send = example(sent=dict.fromkeys(names, every_field))(send)
    send()
