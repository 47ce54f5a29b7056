"""Who is asking: the client's address, honouring the proxies the site trusts."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _normalised(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, written the one way Python writes it (IPv6 compressed, lower
    case, as the database stores it): REMOTE_ADDR, or behind ``TRUSTED_PROXIES`` = N proxies
    the address the outermost of them saw (the N-th entry of X-Forwarded-For from the right;
    a client can only forge the entries left of it)."""
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = _normalised(forwarded[-hops])
            if candidate:
                return candidate
    remote = str(request.META.get("REMOTE_ADDR") or "")
    return _normalised(remote) if remote else None
