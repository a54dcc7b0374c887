"""Signed links in mails: one-click unsubscribe and the newsletter confirmation.

Unsubscribe links never expire (a link in an old mail must still work) and need no login;
the signature is the authority. They name a recipient and optionally one follow.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kb-unsubscribe")


def unsubscribe_url(recipient: str, follow_id: int | None = None) -> str:
    """Return the absolute one-click unsubscribe URL for a recipient (one follow or all)."""
    token = _signer().dumps({"r": recipient, "f": follow_id})
    return current_app.config["BASE_URL"].rstrip("/") + url_for("follows.unsubscribe", token=token)


def read_unsubscribe(token: str) -> tuple[str, int | None] | None:
    """Return (recipient, follow id or None) from a token, or None when it is not ours."""
    try:
        data = _signer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        return None
    follow_id = data.get("f")
    return data["r"], follow_id if isinstance(follow_id, int) else None


def new_confirm_token() -> tuple[str, str]:
    """Return a random confirmation token and the SHA-256 hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """Return the stored form of a confirmation token."""
    return hashlib.sha256(token.encode()).hexdigest()
