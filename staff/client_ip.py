"""The address of the person making a request, for the audit trail, lockouts and rate limits.

Behind the TLS proxy every request comes from the proxy. The proxy appends the address it saw to
`X-Forwarded-For`, so the right-most entry that is not one of our own proxies is the client: the
entries to its left were written by the client and may be anything. The header is read only when
the request really came from a trusted proxy (settings.TRUSTED_PROXIES); from anyone else it is
ignored, so nobody can put another address in the audit or dodge a lockout by sending it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the right-most address of
    X-Forwarded-For that is not a trusted proxy."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_proxy(peer, proxies):
        return str(peer)
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:
            break  # rubbish: nothing to its left can be believed either
        client = hop
        if not _is_proxy(hop, proxies):
            break
    return str(client)


def _address(text: str) -> Address | None:
    try:
        found = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _is_proxy(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)
