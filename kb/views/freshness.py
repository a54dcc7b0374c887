"""Freshness for editors (/redactie/controle): what is due for review, and "klopt nog"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from kb import freshness
from kb.accounts import require_role
from kb.forms import ActionForm
from kb.models import Article, User, db

bp = Blueprint("freshness", __name__, url_prefix="/redactie/controle")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


@bp.get("/")
def review_list():
    """List published articles that are overdue or due soon for review."""
    return render_template("freshness/list.html", items=freshness.due_articles(),
                           form=ActionForm())  # fmt: skip


@bp.post("/<int:article_id>")
def mark(article_id: int):
    """Record that an article was checked and still holds."""
    article = db.session.get(Article, article_id) or abort(404)
    if ActionForm().validate_on_submit():
        freshness.mark_reviewed(article, db.session.get(User, current_user.id))
        flash(f"“{article.title}” is gecontroleerd.", "success")
    return redirect(url_for("freshness.review_list"), code=303)
