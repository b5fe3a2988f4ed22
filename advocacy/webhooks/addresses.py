"""Which URLs a webhook may be sent to (no request forgery into the company's own network).

In production: https only, and never to a private, loopback, link-local or otherwise non-public
address (WEBHOOK_ALLOW_PRIVATE=true allows private ones, for a receiver inside the network). The
name is checked when the admin saves it (an address written as a number) and again before every
try, on the addresses the name resolves to then (a name that later points inside is refused).
In development and tests: https anywhere, and http to this machine (localhost, 127.0.0.1, ::1).
Redirects are never followed.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_URL = 2000


class AddressRefused(ValueError):
    """The URL may not receive webhooks; the message says why (shown to the admin, logged)."""


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _refused_ip(ip, allow_private: bool) -> str | None:
    if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return str(_l("%(ip)s is a loopback, link-local or reserved address", ip=str(ip)))
    if not ip.is_global and not allow_private:
        return str(_l("%(ip)s is a private address (WEBHOOK_ALLOW_PRIVATE=true allows private receivers)", ip=str(ip)))
    return None


def check_url(url: str, production: bool, allow_private: bool) -> str:
    """The URL, stripped, when it may be registered; AddressRefused otherwise."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise AddressRefused(str(_l("a URL of 1 to %(max)d characters is needed", max=MAX_URL)))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise AddressRefused(str(_l("not a URL"))) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise AddressRefused(str(_l("the URL must start with https://")))
    if parts.username or parts.password:
        raise AddressRefused(str(_l("no user name or password in the URL: the signature proves the sender")))
    if any(char.isspace() for char in url):
        raise AddressRefused(str(_l("no spaces in the URL")))
    if production:
        if parts.scheme != "https":
            raise AddressRefused(str(_l("production sends webhooks over https only")))
        if host in LOCAL_NAMES or host.endswith(".localhost"):
            raise AddressRefused(str(_l("not to this machine itself")))
        ip = _ip(host)
        reason = _refused_ip(ip, allow_private) if ip else None
        if reason:
            raise AddressRefused(reason)
    elif parts.scheme == "http" and host not in LOCAL_NAMES:
        raise AddressRefused(str(_l("http only to localhost, 127.0.0.1 or ::1 (outside production); use https")))
    return url


def check_resolved(url: str, production: bool, allow_private: bool) -> None:
    """Before each try in production: every address the name resolves to now must be allowed."""
    if not production:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise AddressRefused(f"cannot resolve {host}: {error}") from None
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        ip = _ip(address)
        reason = _refused_ip(ip, allow_private) if ip else f"{address} is not an address"
        if reason:
            raise AddressRefused(f"{host} resolves to {reason}")
