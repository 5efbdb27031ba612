"""staff.http.run_action and attempt: the one loop for a POST action without a form."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from staff.http import attempt, run_action


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_success_hands_back_the_result_and_says_so(request_):
    done = run_action(request_, lambda: 3, success=lambda n: f"{n} saved.")
    assert done
    assert done.result == 3
    assert done.error == ""
    assert _said(request_) == [("success", "3 saved.")]


def test_a_refusal_is_one_error_message_a_sentence_and_no_success(request_):
    def refuse():
        raise ValidationError(["Not now.", "Agree the plan first."])

    done = run_action(request_, refuse, success="Saved.")
    assert not done
    assert done.error == "Not now. Agree the plan first."
    assert _said(request_) == [("error", "Not now."), ("error", "Agree the plan first.")]


def test_attempt_turns_permission_denied_into_a_refusal_without_messages(request_):
    def refuse():
        raise PermissionDenied("Only the staff who run this group can log its sessions.")

    done = attempt(refuse)
    assert not done
    assert done.errors == ("Only the staff who run this group can log its sessions.",)
    assert _said(request_) == []


def test_other_errors_are_not_swallowed(request_):
    with pytest.raises(ZeroDivisionError):
        run_action(request_, lambda: 1 / 0)
