"""What every response carries (security headers, the Content-Security-Policy) and who the
client is (``X-Forwarded-For`` believed only from the proxies named in the settings).

The policy allows scripts, styles, images and requests from the server itself only, plus the
tile server of ``--tiles`` for images; no plugins, no framing, no ``<base>``. Inline scripts and
``eval`` are refused; inline styles are allowed because the map's markers are Leaflet
``divIcon``\\ s whose HTML carries their colours (docs/api.md). The API docs page loads Swagger
UI from the installed bundle with its start-up script as a file, not inline.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Iterable, Sequence

from starlette.requests import Request

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def content_security_policy(tiles_url: str | None = None) -> str:
    """The Content-Security-Policy of every response; ``tiles_url`` (a tile URL template)
    adds its origin to the image sources."""
    images = ["'self'", "data:", "blob:"]
    origin = tile_origin(tiles_url)
    if origin:
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def tile_origin(tiles_url: str | None) -> str | None:
    """The origin of a tile URL template for the policy: ``https://{s}.tile.example.org/...``
    gives ``https://*.tile.example.org``; ``None`` for no template or one without a host."""
    if not tiles_url:
        return None
    parts = urllib.parse.urlsplit(tiles_url.replace("{s}", "SUBDOMAIN"))
    if not re.fullmatch(r"https?", parts.scheme) or not parts.netloc:
        return None
    host = parts.netloc.replace("SUBDOMAIN", "*")
    if any(c in host for c in "{}; ,'\""):
        return None
    return f"{parts.scheme}://{host}"


def parse_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``); ValueError for others."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(host: str, proxies: Sequence[Network]) -> bool:
    address = _address(host)
    return address is not None and any(address in network for network in proxies)


def client_address(request: Request, proxies: Sequence[Network]) -> str:
    """The client of ``request``: the connecting address, unless it is a trusted proxy that
    sent ``X-Forwarded-For``; then the last address of that header that is not a trusted
    proxy (a client cannot choose it by sending its own header through the proxy)."""
    peer = request.client.host if request.client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _trusted(hop, proxies):
            return hop if _address(hop) is not None else peer
    return peer
