"""Stub: being written."""

from django.http import Http404


def pack_print(request, **kwargs):
    raise Http404


def pack_pdf(request, **kwargs):
    raise Http404
