"""The check at the top of every group route: the group exists and the visitor may do this.

A group the visitor may not even see listed answers 404, so closed groups do not reveal that
they exist; a listed group whose content they may not read answers 403 (its page offers to
join). Anonymous visitors are sent to the login page first.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from kb.accounts import login_redirect
from kb.groups.access import can
from kb.groups.membership import by_slug
from kb.groups.models import Group


def require(slug: str, action: str) -> Group:
    """Return the group if the current user may do `action` in it; otherwise abort."""
    if not current_user.is_authenticated:
        abort(login_redirect())
    group = by_slug(slug)
    if group is None or not can(current_user, "list", group):
        abort(404)
    if not can(current_user, action, group):
        abort(403)
    return group
