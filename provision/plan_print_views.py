"""Stub: being written."""

from django.http import Http404


def parent_print(request, **kwargs):
    raise Http404


def parent_pdf(request, **kwargs):
    raise Http404


def evidence_print(request, **kwargs):
    raise Http404


def evidence_pdf(request, **kwargs):
    raise Http404
