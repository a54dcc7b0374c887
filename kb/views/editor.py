"""Editors change published articles online (/redactie/artikelen): edit, offline, revisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from kb import publishing
from kb.accounts import require_role
from kb.forms import ActionForm, ArticleEditForm, fill_choices
from kb.models import Article, ArticleRevision, db
from kb.render import render_markdown, render_with_notices

bp = Blueprint("article_editor", __name__, url_prefix="/redactie/artikelen")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _article(slug: str) -> Article:
    return db.session.scalar(select(Article).where(Article.slug == slug)) or abort(404)


@bp.get("/")
def index():
    """List all articles (published and offline), optionally filtered on title."""
    q = (request.args.get("q") or "").strip()[:200]
    stmt = select(Article).order_by(Article.title)
    if q:
        stmt = stmt.where(Article.title.ilike(f"%{q}%"))
    return render_template("curation/articles.html", articles=db.session.scalars(stmt).all(), q=q)


def _form_data(article: Article) -> dict:
    state = publishing.article_state(article)
    state["advice"] = [str(n) for n in state["advice"]]
    return state


@bp.route("/<slug>", methods=["GET", "POST"])
def edit(slug: str):
    """Edit every field of an article; the previous state is kept as a revision."""
    article = _article(slug)
    form = fill_choices(ArticleEditForm(data=_form_data(article)), keep_retired=True)
    if form.validate_on_submit():
        state = {name: form[name].data for name in
                 ("title", "kind", "summary", "body_md", "reference_date", "themes", "advice",
                  "sectors", "regions")}  # fmt: skip
        state["reference_date"] = (state["reference_date"] or "").strip()
        if publishing.edit_article(article, state, current_user.row, form.note.data or ""):
            flash("Opgeslagen. De vorige versie staat in de versiegeschiedenis.", "success")
        else:
            flash("Niets gewijzigd.", "info")
        for notice in render_with_notices(state["body_md"] or "")[1]:
            flash(f"Niet overgenomen uit de tekst: {notice}", "warning")
        return redirect(url_for("article_editor.edit", slug=slug), code=303)
    preview, removed = render_with_notices(form.body_md.data or "")
    return render_template(
        "curation/article_edit.html",
        article=article,
        form=form,
        preview=preview if request.method == "POST" else None,
        removed=removed,
        status_form=ActionForm(formdata=None),
    )


@bp.post("/<slug>/status")
def set_status(slug: str):
    """Take an article offline or put it back online."""
    article = _article(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    target = request.form.get("status")
    if target not in ("published", "unpublished"):
        abort(400)
    if target == article.status:
        flash("Niets gewijzigd.", "info")
        return redirect(url_for("article_editor.edit", slug=slug), code=303)
    publishing.set_article_status(article, target, current_user.row)
    flash("Het artikel is " + ("weer online." if target == "published" else "offline gehaald."),
          "success")  # fmt: skip
    return redirect(url_for("article_editor.edit", slug=slug), code=303)


@bp.get("/<slug>/versies")
def revisions(slug: str):
    """List the article's earlier versions, newest first."""
    article = _article(slug)
    rows = db.session.scalars(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.created_at.desc(), ArticleRevision.id.desc())
    ).all()
    return render_template("curation/revisions.html", article=article, revisions=rows)


def _revision(article: Article, revision_id: int) -> ArticleRevision:
    revision = db.session.get(ArticleRevision, revision_id)
    if revision is None or revision.article_id != article.id:
        abort(404)
    return revision


@bp.get("/<slug>/versies/<int:revision_id>")
def revision(slug: str, revision_id: int):
    """Show one earlier version, rendered, with a button to restore it."""
    article = _article(slug)
    item = _revision(article, revision_id)
    return render_template(
        "curation/revision.html",
        article=article,
        revision=item,
        body_html=render_markdown(item.data.get("body_md") or "").html,
        form=ActionForm(formdata=None),
    )


@bp.post("/<slug>/versies/<int:revision_id>/herstellen")
def restore(slug: str, revision_id: int):
    """Make an earlier version current again (the current one becomes a revision)."""
    article = _article(slug)
    item = _revision(article, revision_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    publishing.restore(article, item, current_user.row)
    flash("De eerdere versie is hersteld.", "success")
    return redirect(url_for("article_editor.edit", slug=slug), code=303)
