"""Read-only JSON API: articles with the same filters as the browse pages."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, abort, current_app, request, url_for

from kb import queries
from kb.queries import FACETS, ArticlePage, ArticleView
from kb.security import query_int

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def article_summary(article: ArticleView) -> dict[str, Any]:
    """Return the list representation of an article."""
    return {
        "slug": article.slug,
        "title": article.title,
        "kind": article.kind.slug,
        "summary": article.summary,
        "url": url_for("public.article", slug=article.slug, _external=True),
        "regions": [r.slug for r in article.regions],
        "themes": [t.slug for t in article.themes],
        "advice": [a.number for a in article.advice],
        "sectors": [s.slug for s in article.sectors],
        "reference_date": article.reference_date,
        "updated_at": article.updated_at.isoformat(timespec="seconds") + "Z",
    }


def article_detail(page: ArticlePage) -> dict[str, Any]:
    """Return every field of an article, with its Markdown and sanitised HTML."""
    article = page.article
    data = article_summary(article)
    data.update(
        {
            "body_markdown": article.body_md,
            "body_html": article.body_html,
            "origin": article.origin,
            "published_at": article.published_at.isoformat(timespec="seconds") + "Z"
            if article.published_at
            else None,
            "sources": [
                {
                    "id": c.source_id,
                    "title": c.source.title if c.source else None,
                    "publisher": c.source.publisher if c.source else c.organisation,
                    "year": c.source.year if c.source else None,
                    "url": c.source.url if c.source else None,
                    "section": c.section,
                    "pages": c.pages,
                }
                for c in article.citations
            ],
            "related": [a.slug for a in page.related],
            # "Meer weten"; the editor's note is for editors and never leaves the editor pages.
            "links": [dict(link) for link in article.external_links or []],
            "organisations": list(article.organisations or []),
            "contact": article.contact or None,
        }
    )
    return data


@bp.get("/articles")
def articles():
    """List published articles, filtered and paginated."""
    filters = {name: request.args.getlist(name) for name in FACETS}
    page = query_int("page", 1)
    per_page = query_int("per_page", 20, maximum=current_app.config["API_MAX_PER_PAGE"])
    sort = "nieuw" if request.args.get("sort") == "newest" else "titel"
    result = queries.paginate(filters, page, per_page, sort)
    return {
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "items": [article_summary(a) for a in result.items],
    }


@bp.get("/articles/<slug>")
def article(slug: str):
    """Return one published article."""
    page = queries.article_page(slug)
    if page is None:
        abort(404)
    return article_detail(page)


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI 3.1 description of this API (kept in kb/openapi.yaml)."""
    return openapi_document()


@cache
def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document (read once per process)."""
    return yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text("utf-8"))
