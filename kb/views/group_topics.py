"""Discussions in a group: topics, replies with quotes and files, edits, deletes, reports.

Every route starts with `groups.require(slug, action)`; posts and files are looked up within
that group, so an id from another group answers 404.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from kb import groups, submissions
from kb.forms import ActionForm
from kb.models import db

bp = Blueprint("group_topics", __name__, url_prefix="/groepen/<slug>")
log = logging.getLogger(__name__)

BUSY = "Uw bericht is nog niet geplaatst: de database is bezig. Probeer het zo opnieuw."
HELD = "Uw bericht is ontvangen. Omdat u net lid bent, plaatst een begeleider het na een blik."


def _topic(group: groups.Group, topic_id: int) -> groups.Topic:
    topic = groups.topic_by_id(group, topic_id)
    moderator = groups.can(current_user, "moderate", group)
    if topic is None or (topic.hidden_at is not None and not moderator):
        abort(404)
    return topic


def _post(group: groups.Group, post_id: int) -> groups.Post:
    post = db.session.get(groups.Post, post_id)
    if post is None or post.group_id != group.id:
        abort(404)
    return post


def _files(form) -> tuple[list, bool]:
    """Check the chosen files; on errors put them on the form and say so."""
    checked, errors = submissions.check_files(
        form.attachments.data or [], kinds=submissions.DOCUMENTS_AND_IMAGES
    )
    form.attachments.errors = list(form.attachments.errors) + errors
    return checked, not errors


@bp.route("/nieuw-onderwerp", methods=["GET", "POST"])
def new_topic(slug: str):
    """Start a topic: a title, a first post in Markdown, and files if wanted."""
    group = groups.require(slug, "post")
    form = groups.forms.TopicForm()
    key = form.ensure_key()
    if request.method == "POST" and form.validate():
        files, ok = _files(form)
        if ok:
            try:
                topic = groups.start_topic(group, current_user.row, form.title.data,
                                           form.body.data, files, client_key=key)  # fmt: skip
            except groups.DuplicatePost as exc:
                topic = exc.post.topic
            except groups.PostRefused as exc:
                form.form_errors.append(str(exc))
                return _topic_form(group, form, exc.status)
            except OperationalError:
                db.session.rollback()
                form.form_errors.append(BUSY)
                return _topic_form(group, form, 503)
            if topic.post_count == 0:
                flash(HELD, "info")
            return redirect(url_for("group_topics.topic", slug=slug, topic_id=topic.id), 303)
    return _topic_form(group, form, 400 if request.method == "POST" else 200)


def _topic_form(group: groups.Group, form, status: int):
    return render_template("groups/new_topic.html", group=group, form=form), status


@bp.route("/onderwerp/<int:topic_id>", methods=["GET", "POST"])
def topic(slug: str, topic_id: int):
    """A topic with its posts in order; members reply below (quote with ?citeer=<id>)."""
    group = groups.require(slug, "read")
    topic = _topic(group, topic_id)
    form = groups.forms.ReplyForm()
    key = form.ensure_key()
    status = 200
    if request.method == "POST":
        if not groups.can(current_user, "post", group):
            abort(403)
        status = 400
        if form.validate():
            files, ok = _files(form)
            if ok:
                return _reply(group, topic, form, files, key)
    elif request.args.get("citeer", "").isdigit():
        form.quote_of.data = request.args["citeer"]
    return _topic_page(group, topic, form, status)


def _reply(group, topic, form, files, key):
    quoted = None
    if (form.quote_of.data or "").isdigit():
        quoted = groups.post_by_id(topic, int(form.quote_of.data))
    try:
        post = groups.reply(topic, current_user.row, form.body.data, files, quoted,
                            client_key=key)  # fmt: skip
    except groups.DuplicatePost as exc:
        post = exc.post
    except groups.PostRefused as exc:
        form.form_errors.append(str(exc))
        return _topic_page(group, topic, form, exc.status)
    except OperationalError:
        db.session.rollback()
        form.form_errors.append(BUSY)
        return _topic_page(group, topic, form, 503)
    if post.pending_review:
        flash(HELD, "info")
    url = url_for("group_topics.topic", slug=group.slug, topic_id=topic.id)
    return redirect(f"{url}#bericht-{post.id}", code=303)


def _topic_page(group, topic, form, status: int):
    user = current_user.row
    member = groups.membership(user, group)
    moderator = groups.can(user, "moderate", group, member)
    posts = groups.topic_posts(topic, user, moderator)
    held = not posts or posts[0].post.pending_review
    if held and not moderator and topic.author_id != user.id:
        abort(404)  # a topic whose opening post waits for review
    quoted = None
    if (form.quote_of.data or "").isdigit():
        quoted = next((p for p in posts if p.post.id == int(form.quote_of.data) and p.shown),
                      None)  # fmt: skip
    page = render_template(
        "groups/topic.html", group=group, topic=topic, posts=posts, form=form, quoted=quoted,
        moderator=moderator, action=ActionForm(), me=user.id,
        can_post=groups.can(user, "post", group, member),
        can_report=groups.can(user, "report", group, member),
    )  # fmt: skip
    # Marked read once the page is rendered: the commit would expire the rows it shows.
    if request.method == "GET":
        groups.mark_read(topic, user)
    return page, status


@bp.route("/bericht/<int:post_id>/bewerken", methods=["GET", "POST"])
def edit(slug: str, post_id: int):
    """Change your own post; the earlier text stays in its history."""
    group = groups.require(slug, "post")
    post = _post(group, post_id)
    if post.author_id != current_user.id or post.deleted_at is not None:
        abort(403)
    form = groups.forms.EditForm(data={"body": post.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = groups.edit_post(post, current_user.row, form.body.data)
        except groups.PostRefused as exc:
            form.form_errors.append(str(exc))
        except OperationalError:
            db.session.rollback()
            form.form_errors.append(BUSY)
        else:
            flash("Uw bericht is bijgewerkt." if changed else "Er was niets veranderd.", "success")
            url = url_for("group_topics.topic", slug=slug, topic_id=post.topic_id)
            return redirect(f"{url}#bericht-{post.id}", code=303)
    return render_template("groups/edit_post.html", group=group, post=post, form=form)


@bp.get("/bericht/<int:post_id>/versies")
def history(slug: str, post_id: int):
    """Earlier versions of a post (for its author and the begeleiders)."""
    group = groups.require(slug, "read")
    post = _post(group, post_id)
    if post.author_id != current_user.id and not groups.can(current_user, "moderate", group):
        abort(403)
    return render_template("groups/post_history.html", group=group, post=post,
                           revisions=groups.revisions(post))  # fmt: skip


@bp.post("/bericht/<int:post_id>/verwijderen")
def delete(slug: str, post_id: int):
    """Delete a post softly (your own, or any as begeleider); a begeleider can restore it."""
    group = groups.require(slug, "read")
    post = _post(group, post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        groups.delete_post(post, current_user.row)
    except groups.PostRefused:
        abort(403)
    flash("Het bericht is verwijderd.", "success")
    return redirect(url_for("group_topics.topic", slug=slug, topic_id=post.topic_id), code=303)


@bp.route("/bericht/<int:post_id>/melden", methods=["GET", "POST"])
def report(slug: str, post_id: int):
    """ "Meld dit bericht": tell the begeleiders why, in a few words."""
    group = groups.require(slug, "report")
    post = _post(group, post_id)
    if post.deleted_at or post.hidden_at:
        abort(404)
    form = groups.forms.ReportForm()
    if form.validate_on_submit():
        groups.report(post, current_user.row, form.reason.data)
        flash("Dank u. De begeleiders van de groep bekijken uw melding.", "success")
        url = url_for("group_topics.topic", slug=slug, topic_id=post.topic_id)
        return redirect(f"{url}#bericht-{post.id}", code=303)
    return render_template("groups/report.html", group=group, post=post, form=form)


@bp.get("/bijlage/<int:attachment_id>")
def attachment(slug: str, attachment_id: int):
    """Send a file of a post to a member of the group, never to anyone else."""
    group = groups.require(slug, "read")
    item = groups.attachment_by_id(attachment_id)
    if item is None or item.group_id != group.id:
        abort(404)
    post = item.post
    moderator = groups.can(current_user, "moderate", group)
    invisible = (
        post.deleted_at
        or post.hidden_at
        or (post.pending_review and post.author_id != current_user.id)
    )
    if invisible and not moderator:
        abort(404)
    return groups.serve_attachment(item)
