"""Known devices: a signed long-lived cookie set at a successful login.

It lets the owner's own browser past the limits that an attacker on the same address (a school
or council network behind one NAT address) runs into: its failures are counted per device, not
per address. It proves nothing on its own; the password is still checked.
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "kb_apparaat"
SALT = "kb-known-device"
# Accounts remembered per browser (a shared computer in a team room).
_MAX_ACCOUNTS = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _read() -> dict:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw, max_age=current_app.config["KNOWN_DEVICE_MAX_AGE"])
    except (BadSignature, ValueError):
        return {}
    ok = isinstance(data, dict) and isinstance(data.get("d"), str)
    return data if ok and isinstance(data.get("u"), list) else {}


def known_device(user_id: int) -> str | None:
    """Return this browser's device id if the account has logged in from it before."""
    data = _read()
    return data["d"] if user_id in data.get("u", []) else None


def remember_device(response: Response, user_id: int) -> None:
    """Mark this browser as a known device of the account (after a successful login)."""
    data = _read()
    device = data.get("d") or secrets.token_urlsafe(16)
    users = [user_id, *(u for u in data.get("u", []) if u != user_id)][:_MAX_ACCOUNTS]
    config = current_app.config
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"d": device, "u": users}),
        max_age=config["KNOWN_DEVICE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
    )
