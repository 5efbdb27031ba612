"""The client's address behind the TLS proxy: the audit trail and the lockout record the person's
address, not the proxy's, and a header sent by anyone else changes nothing."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from django.urls import reverse

from staff.client_ip import client_ip

PROXIES = ["10.0.0.5", "172.28.0.0/24", "2001:db8::/32"]

CASES = [
    # (REMOTE_ADDR, X-Forwarded-For, recorded address)
    ("198.51.100.9", None, "198.51.100.9"),
    ("198.51.100.9", "203.0.113.1", "198.51.100.9"),  # untrusted peer: the header is ignored
    ("10.0.0.5", "203.0.113.1", "203.0.113.1"),
    ("172.28.0.3", "203.0.113.1", "203.0.113.1"),  # a proxy of the trusted network
    ("10.0.0.5", "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # a spoofed first entry is not taken
    ("10.0.0.5", "6.6.6.6, 203.0.113.1, 172.28.0.7", "203.0.113.1"),  # proxies in a chain
    ("10.0.0.5", "203.0.113.1 , 10.0.0.5", "203.0.113.1"),
    ("10.0.0.5", None, "10.0.0.5"),  # the proxy itself (its health check)
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "10.0.0.5, 172.28.0.1", "10.0.0.5"),  # only proxies: the left-most
    ("10.0.0.5", "not-an-address", "10.0.0.5"),  # rubbish is not recorded
    ("10.0.0.5", "6.6.6.6, garbage", "10.0.0.5"),  # nor is anything left of rubbish
    ("2001:db8::1", "2001:db9::7", "2001:db9::7"),
    ("::ffff:10.0.0.5", "203.0.113.1", "203.0.113.1"),  # IPv4 mapped into IPv6
]


def request_from(remote_addr: str, forwarded: str | None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(("remote_addr", "forwarded", "expected"), CASES)
def test_the_client_address_is_taken_only_from_trusted_proxies(
    settings, remote_addr, forwarded, expected
):
    settings.TRUSTED_PROXIES = PROXIES
    assert client_ip(request_from(remote_addr, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("10.0.0.5", "203.0.113.1")) == "10.0.0.5"


def test_the_lockout_uses_the_same_address(settings):
    settings.TRUSTED_PROXIES = PROXIES
    assert get_client_ip_address(request_from("10.0.0.5", "6.6.6.6, 203.0.113.1")) == (
        "203.0.113.1"
    )
    assert get_client_ip_address(request_from("198.51.100.9", "203.0.113.1")) == "198.51.100.9"


@pytest.mark.django_db
def test_a_sign_in_behind_the_proxy_records_the_person_address(client, settings, sendco):
    from staff.models import AuditEvent

    settings.TRUSTED_PROXIES = PROXIES
    client.post(
        reverse("login"),
        {"username": sendco.email, "password": "wrong"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.1",
    )
    [event] = AuditEvent.objects.filter(action__contains="login")
    assert event.ip == "203.0.113.1"


@pytest.mark.parametrize(
    ("proxies", "starts"),
    [("10.0.0.5,172.28.0.0/24", True), ("", True), ("proxy.example.org", False)],
)
def test_a_mistyped_trusted_proxy_stops_the_start_not_every_request(proxies, starts):
    import secrets

    from tests.test_deploy import _django_setup

    result = _django_setup(
        SECRET_KEY=secrets.token_urlsafe(45), DEBUG="false", TRUSTED_PROXIES=proxies
    )
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "TRUSTED_PROXIES" in result.stderr
