"""Password-reset links: signed, time-limited, and usable once."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kb.models import User, db

RESET_SALT = "kb-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """Return a reset token bound to the user's current password and session version."""
    return _serializer().dumps({"u": user.id, "v": user.session_version,
                                "p": _password_fingerprint(user)})  # fmt: skip


def user_for_reset_token(token: str) -> User | None:
    """Return the user a reset token is for, if it is unexpired and not used yet."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    # A new password changes both: so a token works once, and not after any other change.
    if user is None or user.is_blocked or user.session_version != data.get("v"):
        return None
    if _password_fingerprint(user) != data.get("p"):
        return None
    return user
