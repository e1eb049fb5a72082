"""Who is really asking, behind reverse proxies we were told to trust.

One setting, TRUSTED_PROXIES (addresses or networks, or "*"), decides it. A
request from a trusted peer has its client address taken from
X-Forwarded-For and its scheme from X-Forwarded-Proto (through Django's
SECURE_PROXY_SSL_HEADER); a request from any other peer has both headers
removed, so nobody can claim to be another address, or to have come over
HTTPS, by sending a header. The client address then feeds everything that
reads REMOTE_ADDR: our rate-limit key (networks.http.client_key) and
allauth's per-address limits.

It is done here, not in the web server, so that the same rule holds whatever
serves the app (gunicorn, the test client, a development server).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse(entries: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The networks of TRUSTED_PROXIES; None stands for "*" (any peer)."""
    if "*" in entries:
        return None
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").split("]")[0])
    except ValueError:
        return None


def is_trusted(peer: str, networks: tuple[Network, ...] | None) -> bool:
    if networks is None:
        return True
    ip = address(peer)
    return ip is not None and any(ip in network for network in networks)


def client_address(
    peer: str, forwarded_for: str, networks: tuple[Network, ...] | None
) -> str:
    """The first address, walking X-Forwarded-For from the right, that is
    not a trusted proxy: the entries to its left were written by the client
    and prove nothing. With "*" only the last hop is believed."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if networks is None:
        hops = hops[-1:]
    client = peer
    for hop in reversed(hops):
        ip = address(hop)
        if ip is None:
            break  # a garbled entry: nothing left of it can be believed
        client = str(ip)
        if not is_trusted(client, networks):
            break
    return client


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: before SecurityMiddleware decides on HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        entries = tuple(settings.TRUSTED_PROXIES)
        meta = request.META
        if entries and is_trusted(meta.get("REMOTE_ADDR", ""), parse(entries)):
            forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                meta["REMOTE_ADDR"] = client_address(
                    meta.get("REMOTE_ADDR", ""), forwarded, parse(entries)
                )
        else:
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO"):
                meta.pop(header, None)
        return self.get_response(request)
