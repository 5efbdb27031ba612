"""Stub: being written."""

from django.http import Http404


def tracker(request, **kwargs):
    raise Http404


def authority_list(request, **kwargs):
    raise Http404


def authority_new(request, **kwargs):
    raise Http404


def authority_edit(request, **kwargs):
    raise Http404


def contact_new(request, **kwargs):
    raise Http404


def request_list(request, **kwargs):
    raise Http404


def request_detail(request, **kwargs):
    raise Http404


def request_edit(request, **kwargs):
    raise Http404


def plan_detail(request, **kwargs):
    raise Http404


def plan_new(request, **kwargs):
    raise Http404


def version_edit(request, **kwargs):
    raise Http404


def version_amend(request, **kwargs):
    raise Http404


def plan_end(request, **kwargs):
    raise Http404


def outcome_new(request, **kwargs):
    raise Http404


def provision_new(request, **kwargs):
    raise Http404


def review_new(request, **kwargs):
    raise Http404


def request_new(request, **kwargs):
    raise Http404


def outcome_edit(request, **kwargs):
    raise Http404


def provision_edit(request, **kwargs):
    raise Http404


def review_detail(request, **kwargs):
    raise Http404


def review_reschedule(request, **kwargs):
    raise Http404


def review_step(request, **kwargs):
    raise Http404


def advice_request(request, **kwargs):
    raise Http404


def advice_submit(request, **kwargs):
    raise Http404


def advice_receive(request, **kwargs):
    raise Http404


def document(request, **kwargs):
    raise Http404
