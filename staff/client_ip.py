"""The address of the person making a request, for the audit trail, lockouts and rate limits."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. (Behind a proxy this is the proxy's until trusted proxies are
    configured; see the hardening issue.)"""
    return request.META.get("REMOTE_ADDR") or None
