"""Who is logged in: Flask-Login set-up, loading the user from the session, starting a session."""

from __future__ import annotations

from flask import Flask, session
from flask_login import LoginManager, login_user, logout_user

from kb.accounts.roles import Anonymous, SessionUser, login_redirect
from kb.models import User, db

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Set up Flask-Login."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(login_redirect)


@login_manager.user_loader
def _load_user(identifier: str) -> SessionUser | None:
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    row = db.session.get(User, int(user_id))
    if row is None or row.is_blocked or row.session_version != int(version):
        return None
    return SessionUser(row)


def start_session(user: User) -> None:
    """Log the user in on a brand-new session (nothing from before the login survives)."""
    session.clear()
    login_user(SessionUser(user))


def end_session() -> None:
    """Log out and forget everything the session held."""
    logout_user()
    session.clear()
