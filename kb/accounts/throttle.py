"""Count recent events per key in the database, so limits hold across all gunicorn workers.

Used for failed logins (per account and per address), registrations, reset requests and
submissions (per address). Keys are HMACs of the e-mail address or IP address: the table
never holds either in the clear, and old rows are pruned on every write.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from kb.models import LoginAttempt, db, utcnow

# Rows older than this are useless for every limit we apply.
_KEEP = timedelta(days=1)


def client_address() -> str:
    """Return the address the request came from (set ProxyFix in front of a proxy)."""
    return request.remote_addr or "onbekend"


def _key(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:48]}"


def count(kind: str, value: str, window_seconds: int) -> int:
    """Count events of this kind for this value within the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == _key(kind, value), LoginAttempt.created_at >= since)
    )


def limit_reached(kind: str, value: str, limit: int, window_seconds: int) -> bool:
    """Tell whether the limit has been reached for this value."""
    return count(kind, value, window_seconds) >= limit


def record_attempt(kind: str, value: str) -> None:
    """Record one event (the caller commits), and prune rows too old to matter."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - _KEEP))
    db.session.add(LoginAttempt(key=_key(kind, value), created_at=utcnow()))


def clear_attempts(kind: str, value: str) -> None:
    """Forget the events of this value (after a successful login)."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == _key(kind, value)))
