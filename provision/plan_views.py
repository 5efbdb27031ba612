"""Stub: being written."""

from django.http import Http404


def plan_list(request, **kwargs):
    raise Http404


def plan_detail(request, **kwargs):
    raise Http404


def plan_start(request, **kwargs):
    raise Http404


def plan_lead(request, **kwargs):
    raise Http404


def cycle_next(request, **kwargs):
    raise Http404


def meeting_new(request, **kwargs):
    raise Http404


def cycle_assess(request, **kwargs):
    raise Http404


def cycle_plan(request, **kwargs):
    raise Http404


def cycle_advance(request, **kwargs):
    raise Http404


def target_new(request, **kwargs):
    raise Http404


def contribute(request, **kwargs):
    raise Http404


def review(request, **kwargs):
    raise Http404


def target_edit(request, **kwargs):
    raise Http404


def target_remove(request, **kwargs):
    raise Http404
