"""Security headers on every response, and input that must never reach a view as a 500.

Headers: CSP without inline script, no framing, no sniffing. Input: integers in paths are
bounded by the `int` URL converter, integers in query strings are read with `query_int`, and
a query string that is not UTF-8 is refused with 400 before any view reads it.
"""

from __future__ import annotations

import re

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The largest id any column holds: PostgreSQL's INTEGER is 32-bit, SQLite's 64-bit. A larger
# number cannot name a row, and handing it to the database raises instead of finding nothing.
MAX_ID = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]+")


class BoundedIntConverter(IntegerConverter):
    """The `int` converter, limited to what a database id can be: larger numbers are a 404."""

    # At most ten digits even match (so longer numbers never reach int()); max does the rest.
    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, default: int, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """Read an integer from the query string, clamped to [minimum, maximum].

    Absent or malformed values give the default (as `type=int` did). A number no id or page
    can be (beyond MAX_ID) is a bad request (400), never an OFFSET the database overflows on.
    """
    raw = request.args.get(name, "").strip()
    if not _INTEGER.fullmatch(raw):
        return default
    # The length check first: int() refuses strings over 4,300 digits with a ValueError.
    value = int(raw) if len(raw) <= 20 else MAX_ID + 1
    if abs(value) > MAX_ID:
        abort(400)
    return min(max(value, minimum), maximum)


def _refuse_undecodable_query() -> None:
    # Werkzeug decodes the query string strictly when a view first reads request.args.
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError:
        abort(400)


def init_app(app: Flask) -> None:
    """Bound the `int` converter, refuse non-UTF-8 query strings, add the security headers."""
    # Before any route is added: rules look their converter up when they are registered.
    app.url_map.converters["int"] = BoundedIntConverter
    # First of all before_request functions, so no other one reads request.args before it.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_undecodable_query)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response
