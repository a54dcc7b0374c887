"""Limits on attempts, held in the database so they hold across all gunicorn workers.

`take` is the one door for a new attempt: it reserves the attempt *before* the work is done
(a password checked, a mail sent), by compare-and-set on the counter's version, so forty
parallel requests can never all read "0 so far" and all go ahead. Two shapes of limit:
a hard limit (`free` attempts per quiet `window`) and a backoff (after `free` attempts each
further one waits twice as long as the last, up to `backoff_max`).

Keys are HMACs of the e-mail address, IP address or device: the table never holds either in
the clear (AVG), and rows past their window are purged whenever a new row is made.

Failing safe: when the database is locked or unreachable, every function here raises
ThrottleUnavailable and has written nothing; callers refuse the attempt with a Dutch "probeer
het zo opnieuw" (never a 500, never an unlimited attempt).

The older `limit_reached` / `record_attempt` pair (one row per event) is still used by the
submission form; it raises ThrottleUnavailable the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from kb.models import LoginAttempt, ThrottleCounter, db, utcnow

# Rows older than this are useless for every limit of the older per-event table.
_KEEP = timedelta(days=1)
# A lost compare-and-set means another request took an attempt: read again, this often at most.
_RETRIES = 25


class ThrottleUnavailable(Exception):
    """The database could not count this attempt (locked, busy, gone): refuse it for now."""


@dataclass(frozen=True)
class Decision:
    """Whether an attempt may go ahead, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int = 0


def client_address() -> str:
    """Return the address the request came from (set ProxyFix in front of a proxy)."""
    return request.remote_addr or "onbekend"


def _key(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:48]}"


def _seconds(later: datetime, now: datetime) -> int:
    return max(1, math.ceil((later - now).total_seconds()))


def _insert_new(key: str, now: datetime, window: int) -> None:
    """Create the counter if it is not there (a parallel insert of the same key is no error)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    values = {"key": key, "attempts": 0, "version": 0, "updated_at": now, "allowed_at": now,
              "expires_at": now + timedelta(seconds=window)}  # fmt: skip
    db.session.execute(dialect.insert(ThrottleCounter).values(**values).on_conflict_do_nothing())
    # New rows are the only way the table grows, so this is where the old ones go.
    db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at < now))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - _KEEP))
    db.session.commit()


def _try_take(
    key: str, free: int, window: int, backoff: int, backoff_max: int
) -> Decision | None:
    """One read and one compare-and-set; None when another request changed the row first."""
    now = utcnow()
    row = db.session.execute(
        select(ThrottleCounter.attempts, ThrottleCounter.version, ThrottleCounter.updated_at,
               ThrottleCounter.allowed_at).where(ThrottleCounter.key == key)  # fmt: skip
    ).first()
    if row is None:
        _insert_new(key, now, window)
        return None
    if row.allowed_at > now:
        return Decision(False, _seconds(row.allowed_at, now))
    # Forgotten after a quiet window: no attempt within `window` seconds of the last one.
    attempts = row.attempts if row.updated_at >= now - timedelta(seconds=window) else 0
    if not backoff and attempts >= free:
        return Decision(False, _seconds(row.updated_at + timedelta(seconds=window), now))
    attempts += 1
    delay = 0 if not backoff or attempts < free else min(backoff * 2 ** (attempts - free),
                                                         backoff_max)  # fmt: skip
    allowed_at = now + timedelta(seconds=delay)
    taken = db.session.execute(
        update(ThrottleCounter)
        .where(ThrottleCounter.key == key, ThrottleCounter.version == row.version)
        .values(attempts=attempts, version=row.version + 1, updated_at=now,
                allowed_at=allowed_at,
                expires_at=max(allowed_at, now) + timedelta(seconds=window))  # fmt: skip
    )
    db.session.commit()
    return Decision(True) if taken.rowcount == 1 else None


def take(
    kind: str, value: str, *, free: int, window: int, backoff: int = 0, backoff_max: int = 0
) -> Decision:
    """Reserve one attempt for this value, or say how long to wait; commits at once.

    Without `backoff`: at most `free` attempts until `window` seconds pass without one.
    With `backoff` (seconds): `free` attempts at once, then a wait of backoff, 2 x backoff, ...
    (at most backoff_max) before each next one; forgotten after `window` quiet seconds.
    Raises ThrottleUnavailable when the database cannot count.
    """
    key = _key(kind, value)
    try:
        for _ in range(_RETRIES):
            decision = _try_take(key, free, window, backoff, backoff_max)
            if decision is not None:
                return decision
    except OperationalError as error:
        db.session.rollback()
        raise ThrottleUnavailable(str(error)) from error
    return Decision(False, 1)  # this crowded: the caller may try again in a second


def give_back(kind: str, value: str) -> None:
    """Return one attempt that turned out not to count (a success, or refused elsewhere)."""
    _write(
        update(ThrottleCounter)
        .where(ThrottleCounter.key == _key(kind, value), ThrottleCounter.attempts > 0)
        .values(attempts=ThrottleCounter.attempts - 1, version=ThrottleCounter.version + 1)
    )


def forget(kind: str, value: str) -> None:
    """Forget every attempt of this value (after a successful login)."""
    _write(delete(ThrottleCounter).where(ThrottleCounter.key == _key(kind, value)))


def _write(statement) -> None:
    try:
        db.session.execute(statement)
        db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        raise ThrottleUnavailable(str(error)) from error


def wait_text(seconds: int) -> str:
    """Say in Dutch how long to wait: "30 seconden", "1 minuut", "4 minuten"."""
    if seconds < 60:
        return f"{seconds} seconden" if seconds != 1 else "1 seconde"
    minutes = math.ceil(seconds / 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


# --- the older per-event counter (submissions) -------------------------------------------------


def count(kind: str, value: str, window_seconds: int) -> int:
    """Count events of this kind for this value within the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    try:
        return db.session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == _key(kind, value), LoginAttempt.created_at >= since)
        )
    except OperationalError as error:
        db.session.rollback()
        raise ThrottleUnavailable(str(error)) from error


def limit_reached(kind: str, value: str, limit: int, window_seconds: int) -> bool:
    """Tell whether the limit has been reached for this value (raises ThrottleUnavailable)."""
    return count(kind, value, window_seconds) >= limit


def record_attempt(kind: str, value: str) -> None:
    """Record one event; the caller commits (old rows are purged by `take`, not here)."""
    db.session.add(LoginAttempt(key=_key(kind, value), created_at=utcnow()))
