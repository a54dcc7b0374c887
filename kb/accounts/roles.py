"""Roles, the user object Flask-Login keeps, and the checks that guard whole blueprints."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import AnonymousUserMixin, UserMixin, current_user
from werkzeug.wrappers import Response

from kb.models import User

ROLE_RANK = {"member": 1, "editor": 2, "admin": 3}
ROLE_LABELS = {"member": "Aandeelhouder", "editor": "Redacteur", "admin": "Beheerder"}


class SessionUser(UserMixin):
    """The logged-in user: a User row plus what Flask-Login needs.

    The session stores "id:session_version", so raising session_version (logout, new
    password, blocked account) ends every existing session of that user.
    """

    def __init__(self, row: User) -> None:
        self.row = row

    def get_id(self) -> str:
        """Return the session identifier: user id and session version."""
        return f"{self.row.id}:{self.row.session_version}"

    @property
    def is_active(self) -> bool:
        """Blocked accounts cannot log in or stay logged in."""
        return not self.row.is_blocked

    def has_role(self, minimum: str) -> bool:
        """Tell whether the user's role is at least `minimum` (member < editor < admin)."""
        return ROLE_RANK.get(self.row.role, 0) >= ROLE_RANK[minimum]

    def __getattr__(self, name: str) -> Any:
        # Templates and views read name, email, role... straight from the row.
        if name == "row":
            raise AttributeError(name)
        return getattr(self.row, name)


class Anonymous(AnonymousUserMixin):
    """A visitor who is not logged in."""

    role = None
    name = ""

    def has_role(self, minimum: str) -> bool:
        """Anonymous visitors have no role."""
        return False


def safe_next(target: str | None) -> str | None:
    """Return target if it is a local path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def login_redirect() -> Response:
    """Send the visitor to the login page, coming back here afterwards."""
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def require_role(minimum: str) -> Response | None:
    """Guard a request: redirect anonymous visitors to login, refuse too-low roles with 403."""
    if not current_user.is_authenticated:
        return login_redirect()
    if not current_user.has_role(minimum):
        abort(403)
    return None
