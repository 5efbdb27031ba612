"""Families and moves: parents' and pupils' voice by secure link, the portable plan and the
transfer pack for the next school (issue 19). Reads plans and ehcp; nothing below reads it."""

from .transfer_urls import urlpatterns as transfer_patterns

app_name = "families"

urlpatterns: list = [*transfer_patterns]
