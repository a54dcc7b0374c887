"""A member's mail choice for a group: every post, a daily summary, or nothing.

The form sits on the group's page (templates/groups/_mail_choice.html); mentions notify
whatever the choice (kb.groups.mentions). Unsubscribe links in the mails go through the
follows' one-click unsubscribe page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from wtforms import RadioField

from kb import groups
from kb.forms import KBForm, choices

bp = Blueprint("group_mail", __name__, url_prefix="/groepen/<slug>")


class NotifyForm(KBForm):
    """Choose how to hear of new posts in one group."""

    notify = RadioField("E-mail uit deze groep", choices=choices(groups.NOTIFY_LABELS.items()))


@bp.app_context_processor
def mail_choice_form() -> dict:
    """Let the group page draw the mail choice with the member's current setting."""

    def group_mail_form(member: groups.GroupMember) -> NotifyForm:
        return NotifyForm(data={"notify": member.notify})

    return {"group_mail_form": group_mail_form}


@bp.post("/e-mail")
def choose(slug: str):
    """Save the member's mail choice for the group."""
    group = groups.require(slug, "read")
    member = groups.membership(current_user, group)
    if member is None or member.state != "active":
        abort(403)  # editors may read every group but get its mail only as members
    form = NotifyForm()
    if form.validate_on_submit():
        groups.set_notify(member, form.notify.data)
        flash(f"E-mail uit deze groep: {groups.NOTIFY_LABELS[form.notify.data]}.", "success")
    else:
        flash("Kies hoe u over nieuwe berichten in deze groep hoort.", "error")
    return redirect(url_for("groups.group", slug=slug, _anchor="e-mail"), code=303)
