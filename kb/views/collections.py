"""Leeslijsten for readers: /leeslijst/<slug> and its feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user

from kb import collections, feeds

bp = Blueprint("collections", __name__)


@bp.app_context_processor
def collection_helpers() -> dict:
    """Page templates show the lists a page has, and editors an "add to list" form."""

    def editor_collections():
        if current_user.is_authenticated and current_user.has_role("editor"):
            return collections.all_collections()
        return []

    return {"collections_for": collections.for_context,
            "collections_containing": collections.containing,
            "editor_collections": editor_collections,
            "collection_entries": collections.entries}  # fmt: skip


def _published(slug: str):
    row = collections.by_slug(slug)
    if row is None or not row.published:
        abort(404)
    return row


@bp.get("/leeslijst/<slug>")
def collection(slug: str):
    """Show a leeslijst: its articles in order, each with why to read it."""
    row = _published(slug)
    return render_template("collections/collection.html", collection=row,
                           entries=collections.entries(row))  # fmt: skip


@bp.get("/leeslijst/<slug>/feed")
def feed(slug: str):
    """Atom feed of a leeslijst's available articles, in list order."""
    row = _published(slug)
    articles = [e.article for e in collections.entries(row) if e.article is not None]
    body = feeds.atom_feed(f"Leeslijst {row.title}", url_for("collections.collection", slug=slug),
                           url_for("collections.feed", slug=slug), articles)  # fmt: skip
    return Response(body, content_type=feeds.MEDIA_TYPE)
