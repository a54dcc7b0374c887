"""Group pages: Mijn groepen, a group's page, joining and leaving, members and invitations.

Every route starts with `groups.require(slug, action)` (the one access rule) or, for the
overview and invitations, with its own check of who is asking.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from kb import accounts, groups, queries, render
from kb.forms import ActionForm, choices
from kb.models import db

bp = Blueprint("groups", __name__)

BUSY = "Dat lukt nu even niet: de database is bezig. Probeer het zo opnieuw."


@bp.app_template_global()
def group_of_article(article_id: int):
    """Return the group of a CoP article for its page (one query, on CoP pages only)."""
    return groups.group_for_article(article_id)


@bp.get("/groepen")
def index():
    """Mijn groepen, and the other groups the member may join or ask to join."""
    if not current_user.is_authenticated:
        return accounts.login_redirect()
    own, other = groups.group_list(current_user)
    return render_template("groups/index.html", own=own, other=other, form=ActionForm(),
                           kinds=groups.KIND_LABELS)  # fmt: skip


@bp.get("/groepen/<slug>")
def group(slug: str):
    """A group's page: its topics for members, an offer to join for others."""
    group = groups.require(slug, "list")
    member = groups.membership(current_user, group)
    readable = groups.can(current_user, "read", group, member)
    moderator = groups.can(current_user, "moderate", group, member)
    topics = groups.topic_list(group, current_user.row, moderator) if readable else []
    return render_template(
        "groups/group.html", group=group, member=member, readable=readable, topics=topics,
        moderator=moderator, form=ActionForm(), kinds=groups.KIND_LABELS,
        visibilities=groups.VISIBILITY_LABELS,
        description=_description(group),
        can_post=groups.can(current_user, "post", group, member),
        can_join=groups.can(current_user, "join", group, member),
        can_request=groups.can(current_user, "request", group, member),
    )  # fmt: skip


def _description(group: groups.Group) -> str:
    return render.render_markdown(group.description or "").html


@bp.post("/groepen/<slug>/lid-worden")
def join(slug: str):
    """Join an open group, or ask to join a group on request."""
    group = groups.require(slug, "list")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        member = groups.join(group, current_user.row)
    except groups.MembershipError as exc:
        flash(str(exc), "error")
        return redirect(url_for("groups.group", slug=slug), code=303)
    if member.state == "active":
        flash(f"U bent nu lid van {group.name}.", "success")
    else:
        flash("Uw aanvraag is verstuurd. Een begeleider van de groep beslist erover.", "success")
    return redirect(url_for("groups.group", slug=slug), code=303)


@bp.post("/groepen/<slug>/verlaten")
def leave(slug: str):
    """Leave the group (or withdraw a request)."""
    group = groups.require(slug, "list")
    if not ActionForm().validate_on_submit():
        abort(400)
    groups.leave(group, current_user.row)
    flash(f"U bent geen lid meer van {group.name}.", "success")
    return redirect(url_for("groups.index"), code=303)


@bp.get("/groepen/<slug>/leden")
def members(slug: str):
    """The members; begeleiders also see requests and manage roles."""
    group = groups.require(slug, "read")
    moderator = groups.can(current_user, "moderate", group)
    return render_template(
        "groups/members.html", group=group, moderator=moderator, form=ActionForm(),
        members=groups.members(group),
        requests=groups.members(group, ("requested",)) if moderator else [],
        invitations=groups.open_invitations(group) if moderator else [],
        roles=groups.ROLE_LABELS,
    )  # fmt: skip


MEMBER_ACTIONS = {
    "goedkeuren": (groups.approve, "De aanvraag is goedgekeurd."),
    "afwijzen": (groups.decline, "De aanvraag is afgewezen."),
    "verwijderen": (groups.remove_member, "Het lid is uit de groep verwijderd."),
    "begeleider": (lambda g, m, a: groups.set_role(g, m, a, "facilitator"),
                   "Dit lid is nu begeleider."),
    "lid": (lambda g, m, a: groups.set_role(g, m, a, "member"),
            "Dit lid is geen begeleider meer."),
}  # fmt: skip


@bp.post("/groepen/<slug>/leden/<int:member_id>/<action>")
def member_action(slug: str, member_id: int, action: str):
    """Approve or decline a request, remove a member, or change a member's role."""
    group = groups.require(slug, "moderate")
    if action not in MEMBER_ACTIONS:
        abort(404)
    if action in ("begeleider", "lid") and not groups.can(current_user, "manage", group):
        # Appointing begeleiders is for editors; a begeleider manages members, not roles.
        abort(403)
    member = groups.member_by_id(group, member_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    step, message = MEMBER_ACTIONS[action]
    try:
        step(group, member, current_user.row)
        flash(message, "success")
    except groups.MembershipError as exc:
        flash(str(exc), "error")
    return redirect(url_for("groups.members", slug=slug), code=303)


@bp.route("/groepen/<slug>/uitnodigen", methods=["GET", "POST"])
def invite(slug: str):
    """Invite people by e-mail (a signed link that works once, until it expires)."""
    group = groups.require(slug, "invite")
    form = groups.forms.InviteForm()
    if form.validate_on_submit():
        try:
            sent = [groups.invite(group, current_user.row, a) for a in form.addresses()]
        except OperationalError:
            db.session.rollback()
            form.form_errors.append(BUSY)
            return render_template("groups/invite.html", group=group, form=form), 503
        invited = [s.email for s in sent if s.invitation is not None]
        already = [s.email for s in sent if s.already_member]
        if invited:
            flash("Uitnodiging verstuurd aan " + ", ".join(invited) + ".", "success")
        if already:
            flash("Al lid: " + ", ".join(already) + ".", "info")
        return redirect(url_for("groups.members", slug=slug), code=303)
    return render_template("groups/invite.html", group=group, form=form)


@bp.route("/groepen/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Accept an invitation: with the invited account, or by making that account here."""
    try:
        invitation = groups.from_token(token)
    except groups.InvitationError as exc:
        return render_template("groups/invitation_invalid.html", message=str(exc)), 400
    group = invitation.group
    if current_user.is_authenticated:
        return _accept(invitation, token)
    existing = accounts.user_by_email(invitation.email)
    form = groups.forms.InvitationRegisterForm(email=invitation.email)
    form.region.choices = choices([("", "—"), *queries.taxonomy_choices()["region"]])
    if existing is None and form.validate_on_submit():
        try:
            user = groups.register_and_accept(
                invitation, form.name.data.strip(), form.organisation.data.strip(),
                form.region.data or "", accounts.hash_password(form.password.data),
            )  # fmt: skip
        except groups.InvitationError as exc:
            form.form_errors.append(str(exc))
        else:
            accounts.start_session(user)
            flash(f"Welkom, {user.name}. U bent nu lid van {group.name}.", "success")
            return redirect(url_for("groups.group", slug=group.slug), code=303)
    return render_template("groups/invitation.html", invitation=invitation, group=group,
                           form=form, existing=existing is not None, token=token,
                           action=ActionForm())  # fmt: skip


def _accept(invitation: groups.GroupInvitation, token: str):
    group = invitation.group
    action = ActionForm()
    if request.method == "POST" and action.validate_on_submit():
        try:
            groups.accept(invitation, current_user.row)
        except groups.InvitationError as exc:
            flash(str(exc), "error")
            return redirect(url_for("groups.invitation", token=token), code=303)
        flash(f"U bent nu lid van {group.name}.", "success")
        return redirect(url_for("groups.group", slug=group.slug), code=303)
    mismatch = accounts.normalise_email(current_user.email) != invitation.email
    return render_template("groups/invitation.html", invitation=invitation, group=group,
                           form=None, existing=True, token=token, action=action,
                           mismatch=mismatch)  # fmt: skip
