"""Administration (/beheer): list users, change a user's role, block or unblock an account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from kb import accounts
from kb.accounts import ROLE_LABELS, RoleForm, require_role
from kb.forms import ActionForm
from kb.models import User, db

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
def _admins_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("admin")


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _not_self(user: User) -> bool:
    # An admin who demotes or blocks themself could leave nobody able to administer the site.
    if user.id == current_user.id:
        flash("U kunt uw eigen rol of blokkade niet wijzigen.", "error")
        return False
    return True


@bp.get("/")
def users():
    """List every account with its role and state."""
    rows = db.session.scalars(select(User).order_by(User.role.desc(), User.name)).all()
    return render_template(
        "admin/users.html",
        users=rows,
        role_labels=ROLE_LABELS,
        role_form=RoleForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


@bp.post("/gebruiker/<int:user_id>/rol")
def change_role(user_id: int):
    """Give a user another role."""
    user = _user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if _not_self(user) and accounts.set_role(user, form.role.data):
        flash(f"{user.name} is nu {ROLE_LABELS[user.role].lower()}.", "success")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/gebruiker/<int:user_id>/blokkeren")
def toggle_block(user_id: int):
    """Block an account (ending its sessions) or unblock it."""
    user = _user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    block = request.form.get("blokkeren") == "1"
    if _not_self(user) and accounts.set_blocked(user, block):
        flash(f"{user.name} is {'geblokkeerd' if block else 'gedeblokkeerd'}.", "success")
    return redirect(url_for("admin.users"), code=303)
