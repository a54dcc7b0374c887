"""The begeleiders' work in a group: reports, held posts, hide/restore, lock and pin topics, the
moderation record, and turning a post into a draft practice example."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from kb import groups
from kb.forms import ActionForm
from kb.models import db

bp = Blueprint("group_moderation", __name__, url_prefix="/groepen/<slug>")

POST_ACTIONS = {
    "verbergen": (groups.hide, "Het bericht is verborgen."),
    "terugzetten": (groups.restore, "Het bericht is weer zichtbaar."),
    "herstellen": (lambda post, actor, note: groups.restore_deleted(post, actor),
                   "Het verwijderde bericht is hersteld."),
    "goedkeuren": (lambda post, actor, note: groups.approve_post(post, actor),
                   "Het bericht is goedgekeurd en staat nu in de groep."),
    "afhandelen": (lambda post, actor, note: groups.dismiss(post, actor),
                   "De melding is afgehandeld."),
}  # fmt: skip
TOPIC_ACTIONS = {
    "sluiten": ("locked", True, "Het onderwerp is gesloten: er kunnen geen reacties meer bij."),
    "heropenen": ("locked", False, "Het onderwerp is weer open."),
    "vastzetten": ("pinned", True, "Het onderwerp staat nu bovenaan."),
    "losmaken": ("pinned", False, "Het onderwerp staat niet meer vast."),
}


@bp.get("/moderatie")
def overview(slug: str):
    """Open reports, posts waiting for approval, and what was done (who, when)."""
    group = groups.require(slug, "moderate")
    return render_template(
        "groups/moderation.html", group=group, reports=groups.open_reports(group),
        held=groups.held_posts(group), history=groups.history(group), form=ActionForm(),
        labels=groups.ACTION_LABELS,
    )  # fmt: skip


@bp.post("/bericht/<int:post_id>/moderatie/<action>")
def post_action(slug: str, post_id: int, action: str):
    """Hide, restore, undelete or approve a post, or settle its reports."""
    group = groups.require(slug, "moderate")
    post = db.session.get(groups.Post, post_id)
    if post is None or post.group_id != group.id or action not in POST_ACTIONS:
        abort(404)
    form = groups.forms.NoteForm()
    if not form.validate_on_submit():
        abort(400)
    step, message = POST_ACTIONS[action]
    try:
        step(post, current_user.row, form.note.data or "")
    except groups.ModerationError:
        abort(403)
    except OperationalError:
        db.session.rollback()
        flash("Dat lukt nu even niet. Probeer het zo opnieuw.", "error")
        return _back(slug, post), 303
    flash(message, "success")
    return _back(slug, post)


def _back(slug: str, post: groups.Post):
    url = url_for("group_topics.topic", slug=slug, topic_id=post.topic_id)
    return redirect(f"{url}#bericht-{post.id}", code=303)


@bp.post("/onderwerp/<int:topic_id>/moderatie/<action>")
def topic_action(slug: str, topic_id: int, action: str):
    """Lock or reopen a topic, pin it or unpin it."""
    group = groups.require(slug, "moderate")
    topic = groups.topic_by_id(group, topic_id)
    if topic is None or action not in TOPIC_ACTIONS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    flag, value, message = TOPIC_ACTIONS[action]
    groups.set_topic_flag(topic, current_user.row, flag, value)
    flash(message, "success")
    return redirect(url_for("group_topics.topic", slug=slug, topic_id=topic.id), code=303)


@bp.route("/bericht/<int:post_id>/praktijkvoorbeeld", methods=["GET", "POST"])
def draft(slug: str, post_id: int):
    """Turn a topic's post into a draft practice example in the editors' review queue."""
    group = groups.require(slug, "moderate")
    post = db.session.get(groups.Post, post_id)
    if post is None or post.group_id != group.id:
        abort(404)
    form = groups.forms.DraftForm()
    if form.validate_on_submit():
        try:
            groups.make_draft(post, current_user.row, form.consent.data)
        except groups.DraftError as exc:
            form.form_errors.append(str(exc))
        except OperationalError:
            db.session.rollback()
            form.form_errors.append("Dat lukt nu even niet. Probeer het zo opnieuw.")
        else:
            flash("Het bericht staat nu als concept-praktijkvoorbeeld bij de redactie.", "success")
            return _back(slug, post)
    return render_template("groups/draft.html", group=group, post=post, form=form,
                           citation=groups.citation(post))  # fmt: skip
