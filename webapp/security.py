"""Security headers on every response."""

import functools

from flask import Flask, Response, current_app, request

from webapp.config import tile_origin


def content_security_policy(image_origin: str | None = None) -> str:
    """The strict policy: everything from this origin only; images (and the service worker's
    fetch of them) also from the bank's map tile server when one is configured (MAP_TILES)."""
    extra = f" {image_origin}" if image_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{extra}",
            "font-src 'self'",
            f"connect-src 'self'{extra}",  # the service worker keeps the tiles (sw.js, mapTile)
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CSP = content_security_policy()


HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self)",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def static_headers() -> dict[str, str]:
    """The headers every answer carries, for the static files WhiteNoise serves outside Flask."""
    return dict(HEADERS)


@functools.cache
def _policy_with_tiles(template: str) -> str:
    return content_security_policy(tile_origin(template))


def add_security_headers(response: Response) -> Response:
    """Strict CSP, no framing, no sniffing, a quiet referrer, no-store; Vary for the SW cache."""
    headers = response.headers
    tiles = current_app.config.get("MAP_TILES")
    if tiles:
        headers.setdefault("Content-Security-Policy", _policy_with_tiles(tiles))
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    if request.endpoint != "static":
        # Pages, fragments, JSON and downloads (the monthly workbook, the offline kit) may hold
        # customer data: never stored by a cache. A view that may be kept says so itself (the
        # service worker script, the kit's product images).
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the headers hook."""
    app.after_request(add_security_headers)
