"""A form sent twice saves once (staff/once.py): the middleware on its own, with a view that
counts its calls. The forms themselves are tested in their apps (a concern, a target, a parent
meeting, a group, a session log) and in tests/permissions (every form carries the token)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from staff import once
from staff.models import SubmittedForm
from tests.conftest import need
from tests.forms_once import TOKEN as FORM_TOKEN

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def calls():
    return []


@pytest.fixture
def send(calls):
    """POST `data` as `user` through the middleware to a view that saves and redirects (or
    shows the form again when `data` says so)."""

    def view(request):
        calls.append(request.POST.get("what"))
        if request.POST.get("invalid"):
            return HttpResponse("the form again, with its errors")
        return HttpResponseRedirect(f"/saved/{len(calls)}/")

    middleware = once.FormOnceMiddleware(view)

    def post(user, **data):
        request = RequestFactory().post("/concerns/new/", data)
        request.user = user
        request._messages = CookieStorage(request)
        return middleware.process_view(request, view, (), {}) or middleware(request)

    return post


def test_the_second_post_of_a_form_goes_where_the_first_went(send, calls, sendco):
    first = send(sendco, form_token=TOKEN, what="concern")
    second = send(sendco, form_token=TOKEN, what="concern")
    assert calls == ["concern"]
    assert first["Location"] == second["Location"] == "/saved/1/"


def test_each_form_shown_has_its_own_token(send, calls, sendco):
    send(sendco, form_token=TOKEN)
    send(sendco, form_token=TOKEN.replace("0", "1"))
    assert len(calls) == 2


def test_a_token_is_one_persons(send, calls, sendco, teacher):
    send(sendco, form_token=TOKEN)
    send(teacher, form_token=TOKEN)
    assert len(calls) == 2


def test_a_form_that_saved_nothing_can_be_sent_again(send, calls, sendco):
    assert send(sendco, form_token=TOKEN, invalid="1").status_code == 200
    assert send(sendco, form_token=TOKEN).status_code == 302
    assert send(sendco, form_token=TOKEN).status_code == 302
    assert len(calls) == 2


def test_a_post_while_the_first_is_still_saving_does_not_save_again(
    send, calls, sendco, monkeypatch
):
    monkeypatch.setattr(once, "WAIT_SECONDS", 0.2)
    SubmittedForm.objects.create(user=sendco, token=TOKEN)  # the first click, still in the view
    response = send(sendco, form_token=TOKEN)
    assert calls == []
    assert (response.status_code, response["Location"]) == (302, "/concerns/new/")


def test_posts_without_a_token_or_a_person_are_untouched(send, calls, sendco):
    send(sendco)
    send(sendco)
    send(sendco, form_token="not a token")
    send(sendco, form_token="not a token")
    send(AnonymousUser(), form_token=TOKEN)
    send(AnonymousUser(), form_token=TOKEN)
    assert len(calls) == 6
    assert not SubmittedForm.objects.exists()


def test_tokens_are_kept_a_day(send, sendco):
    send(sendco, form_token=TOKEN)
    SubmittedForm.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    send(sendco, form_token=TOKEN.replace("0", "2"))
    assert list(SubmittedForm.objects.values_list("token", flat=True)) == [TOKEN.replace("0", "2")]


def test_every_csrf_token_tag_writes_a_fresh_form_token(rf):
    template = engines["django"].from_string("{% csrf_token %}|{% csrf_token %}")
    html = template.render({}, request=rf.get("/"))
    assert html.count('name="csrfmiddlewaretoken"') == 2
    tokens = FORM_TOKEN.findall(html)
    assert len(tokens) == 2
    assert tokens[0] != tokens[1]


@pytest.mark.django_db(transaction=True)
def test_two_clicks_arriving_together_raise_one_concern(school, sendco, monkeypatch):
    """A real double click: the second POST arrives while the first is still saving. On
    PostgreSQL, as in production (two gunicorn workers, one database)."""
    need(connection.vendor == "postgresql", "a concurrent double submit needs PostgreSQL")
    from register import services as register_services
    from register.models import Concern
    from tests.register.factories import make_pupil

    pupil = make_pupil(school)
    raise_concern = register_services.concern_raise

    def slowly(**kwargs):
        time.sleep(0.5)  # long enough for the second click to arrive meanwhile
        return raise_concern(**kwargs)

    monkeypatch.setattr(register_services, "concern_raise", slowly)
    url = reverse("register:concern_raise", args=[school.slug, pupil.public_id])
    data = {"description": "Struggles to copy from the board.", "form_token": TOKEN}

    def click():
        client = Client()
        client.force_login(sendco)
        try:
            return client.post(url, data)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(lambda _: click(), range(2))
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert Concern.objects.filter(pupil=pupil).count() == 1
