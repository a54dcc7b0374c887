"""Links we mail: password resets (signed, time-limited, usable once) and registrations."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

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


# --- registration: nothing is stored until the owner of the address follows the link ---------

REGISTRATION_SALT = "kb-registration"


@dataclass(frozen=True)
class Registration:
    """What someone filled in at /registreren, carried in the link we mailed to the address."""

    email: str
    name: str
    organisation: str
    region: str
    password_hash: str


def registration_token(registration: Registration) -> str:
    """Return a signed link token holding the registration (the password only as its hash)."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTRATION_SALT)
    return serializer.dumps(asdict(registration))


def registration_from_token(token: str) -> Registration | None:
    """Return the registration in an unexpired, untampered token, else None."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTRATION_SALT)
    try:
        data = serializer.loads(token, max_age=current_app.config["REGISTRATION_MAX_AGE"])
        return Registration(**{f: str(data[f]) for f in Registration.__dataclass_fields__})
    except (BadSignature, ValueError, KeyError, TypeError):
        return None
