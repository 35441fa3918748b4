"""Which subscription endpoints the worker may POST to, read as its HTTP client reads them.

requests hands the URL to urllib3's `parse_url`, whose authority ends at a backslash, where
`urllib.parse` reads on to the `@`: `https://127.0.0.1\\@fcm.googleapis.com/` is FCM to one
and 127.0.0.1 to the other. So the host is urllib3's, both parsers must agree on it, and
nothing that could redirect the request (user-info, a port, an IP literal) is accepted.
"""

import ipaddress
import os
from urllib.parse import urlsplit

from flask import current_app
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

# Push services browsers subscribe with (Chrome/Edge/Android, Firefox, Safari, Windows).
# The worker POSTs only to these hosts, so a crafted subscription cannot aim it at the LAN.
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "web.push.apple.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)


def extra_hosts() -> tuple[str, ...]:
    """PUSH_ALLOWED_HOSTS (config, else the environment's comma-separated list), lower case."""
    extra = current_app.config.get("PUSH_ALLOWED_HOSTS") or tuple(
        os.environ.get("PUSH_ALLOWED_HOSTS", "").split(",")
    )
    return tuple(h.strip().lower() for h in extra if h.strip())


def refusal(endpoint: str) -> str | None:
    """Why the worker must not POST to `endpoint`, or None when it may.

    A known push service: https, no user-info, no port but 443, a name (not an IP literal).
    A host named exactly in PUSH_ALLOWED_HOSTS (a test or in-house push service) may also use
    plain http, another port or an IP literal; user-info is refused everywhere."""
    try:
        url = parse_url(endpoint)
        split = urlsplit(endpoint)
        split_host, split_port = split.hostname, split.port
    except (LocationParseError, ValueError):
        return "endpoint is not a URL"
    host = (url.host or "").lower()
    if not host or host != (split_host or "").lower() or url.port != split_port:
        return "endpoint is read differently by the HTTP client"
    if url.auth is not None or split.username is not None or "@" in split.netloc:
        return "endpoint carries user-info"
    if host in extra_hosts():
        return None if url.scheme in ("https", "http") else "endpoint is not https"
    if url.scheme != "https":
        return "endpoint is not https"
    if url.port not in (None, 443) or split.netloc.lower() not in (host, f"{host}:443"):
        return "endpoint names a port other than 443"
    if _is_ip(host):
        return "endpoint is an IP address"
    known = any(h == host or (h.startswith("*.") and host.endswith(h[1:])) for h in _hosts())
    return None if known else "endpoint is not a known push service"


def _hosts() -> tuple[str, ...]:
    return DEFAULT_PUSH_HOSTS + extra_hosts()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
