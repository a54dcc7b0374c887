"""Who is logged in: Flask-Login set-up, loading the user from the session, starting a session.

A session is only as good as the server says: the cookie carries "id:session_version" and two
timestamps, and every request checks all three. Raising the user's session_version (logout,
new password, blocking) makes every earlier cookie useless, copies included; the idle and the
absolute lifetime (SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS) end a session nobody uses or
one that has simply lasted long enough. Remember-me is not offered: a remember cookie brings no
timestamps, so the loader refuses it too.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, session
from flask_login import LoginManager, current_user, login_user, logout_user

from kb.accounts.roles import Anonymous, SessionUser, login_redirect
from kb.models import User, db

login_manager = LoginManager()

STARTED, SEEN = "kb_started", "kb_seen"
# The last-seen time is rewritten at most this often, so not every response sets a new cookie.
_SEEN_RESOLUTION = 60


def init_app(app: Flask) -> None:
    """Set up Flask-Login."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(login_redirect)


def _expired(now: float) -> bool:
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    config = current_app.config
    return (
        now - started > config["SESSION_ABSOLUTE_SECONDS"]
        or now - seen > config["SESSION_IDLE_SECONDS"]
    )


@login_manager.user_loader
def _load_user(identifier: str) -> SessionUser | None:
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    now = int(time.time())
    if _expired(now):
        if STARTED in session:  # a session that lapsed, not a forged or remember cookie
            session.clear()
            flash("Uw sessie is verlopen. Log opnieuw in.", "info")
        return None
    row = db.session.get(User, int(user_id))
    if row is None or row.is_blocked or row.session_version != int(version):
        session.clear()
        return None
    if now - session[SEEN] >= _SEEN_RESOLUTION:
        session[SEEN] = now
    return SessionUser(row)


def start_session(user: User) -> None:
    """Log the user in on a brand-new session (nothing from before the login survives)."""
    session.clear()
    login_user(SessionUser(user))
    session[STARTED] = session[SEEN] = int(time.time())


def end_session(everywhere: bool = True) -> None:
    """Log out and forget everything the session held; by default end every other session too.

    Ending them everywhere (raising session_version) is what makes a copied cookie useless.
    """
    if everywhere and current_user.is_authenticated:
        row = current_user.row
        row.session_version += 1
        db.session.commit()
    logout_user()
    session.clear()
