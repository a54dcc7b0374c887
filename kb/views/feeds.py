"""Atom feeds: the whole kennisbank and every theme, advies, region and kind page.

Each feed lists the same published articles as its page, newest change first.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from kb import feeds, queries, taxonomy
from kb.models import Advice, Kind, Region, Theme, db

bp = Blueprint("feeds", __name__)


def _feed(title: str, page_path: str, filters: dict[str, list[str]]) -> Response:
    articles = queries.recently_changed(filters, feeds.FEED_SIZE)
    body = feeds.atom_feed(title, page_path, _self_path(), articles)
    return Response(body, mimetype="application/atom+xml", content_type=feeds.MEDIA_TYPE)


def _self_path() -> str:
    """The feed's own path and query; the host comes from BASE_URL, not from the client."""
    return request.full_path.rstrip("?")


@bp.get("/feed")
def everything():
    """Feed of the whole kennisbank."""
    return _feed("Alle artikelen", url_for("public.home"), {})


@bp.get("/thema/<slug>/feed")
def theme(slug: str):
    """Feed of one theme (an old slug answers 301 to the new one)."""
    row = queries.by_slug(Theme, slug)
    if row is None:
        return taxonomy.moved("theme", slug, "feeds.theme")
    return _feed(f"Thema {row.label}", url_for("public.theme", slug=slug), {"theme": [slug]})


@bp.get("/advies/<int:number>/feed")
def advice(number: int):
    """Feed of one advies."""
    row = db.session.get(Advice, number) or abort(404)
    path = url_for("public.advice", number=number)
    return _feed(f"Advies {row.number}: {row.label}", path, {"advice": [str(number)]})


@bp.get("/regio/<slug>/feed")
def region(slug: str):
    """Feed of one region (an old slug answers 301 to the new one)."""
    row = queries.by_slug(Region, slug)
    if row is None:
        return taxonomy.moved("region", slug, "feeds.region")
    return _feed(f"Regio {row.name}", url_for("public.region", slug=slug), {"region": [slug]})


@bp.get("/artikel/<slug>/feed")
def cop(slug: str):
    """Feed of a Community of Practice: the articles on its themes."""
    article = queries.article_by_slug(slug)
    if article is None or article.kind.slug != queries.COP_KIND:
        abort(404)
    path = url_for("public.article", slug=slug)
    return _feed(article.title, path, queries.cop_filters(article))


@bp.get("/soort/<slug>/feed")
def kind(slug: str):
    """Feed of one kind (praktijkvoorbeelden, instrumenten, ...)."""
    row = queries.by_slug(Kind, slug) or abort(404)
    return _feed(row.plural, url_for("public.kind", slug=slug), {"kind": [slug]})
