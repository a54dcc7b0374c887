"""Search pages and API: /zoeken, /api/v1/search and /api/v1/suggest, and "Meer zoals dit".

The views ask `kb.searching` for ids in rank order and load the published rows from the database,
so the database stays the source of truth. Every search is logged without user or address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import select

from kb import search_related, searching
from kb.analysis import fold
from kb.models import (
    Advice,
    Article,
    Kind,
    Region,
    SearchLog,
    Sector,
    SynonymGroup,
    Theme,
    db,
    utcnow,
)
from kb.queries import published_in_order
from kb.search import FACETS, IndexUnavailable

log = logging.getLogger(__name__)

bp = Blueprint("search", __name__)

SORT_KEYS = {"relevantie": "relevance", "nieuw": "newest", "titel": "title"}
# The form sends the Dutch keys; the API also takes the English names.
SORT_ALIASES = {key: key for key in SORT_KEYS} | {
    "relevance": "relevantie",
    "newest": "nieuw",
    "title": "titel",
}
SORT_LABELS = {"relevantie": "Relevantie", "nieuw": "Nieuwste eerst", "titel": "A–Z"}
FACET_LEGENDS = {
    "kind": "Soort",
    "theme": "Thema",
    "advice": "Advies",
    "region": "Regio",
    "sector": "Sector",
}
MAX_PER_PAGE = 50


@dataclass
class SearchRequest:
    """A search as the URL states it: query, filters, sort (Dutch key) and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevantie"
    page: int = 1
    per_page: int = 20

    def args(self, **changes: Any) -> list[tuple[str, str]]:
        """Return the URL parameters of this search, with changes applied."""
        q = changes.get("q", self.q)
        filters = changes.get("filters", self.filters)
        pairs = [("q", q)] if q else []
        for name in FACETS:
            pairs += [(name, value) for value in filters.get(name, [])]
        if changes.get("sort", self.sort) != "relevantie":
            pairs.append(("sort", changes.get("sort", self.sort)))
        if changes.get("page", 1) > 1:
            pairs.append(("page", str(changes["page"])))
        return pairs

    def url(self, **changes: Any) -> str:
        """Return the /zoeken URL of this search with changes (page resets unless given)."""
        return url_for("search.search_page") + "?" + urlencode(self.args(**changes))

    def without(self, name: str, value: str) -> str:
        """Return the URL of this search without one filter value."""
        filters = {k: [v for v in vs if not (k == name and v == value)] for k, vs in
                   self.filters.items()}  # fmt: skip
        return self.url(filters=filters)


def parse_request(default_per_page: int) -> SearchRequest:
    """Read a search from the query string; unknown or malformed values are ignored."""
    args = request.args
    filters = {name: list(dict.fromkeys(v for v in args.getlist(name) if v))[:30]
               for name in FACETS}  # fmt: skip
    sort = SORT_ALIASES.get(args.get("sort", ""), "relevantie")
    page = args.get("page", type=int) or args.get("pagina", type=int) or 1
    per_page = args.get("per_page", type=int) or default_per_page
    return SearchRequest(
        q=args.get("q", "")[:2000].strip(),
        filters={k: v for k, v in filters.items() if v},
        sort=sort,
        page=min(max(page, 1), 500),
        per_page=min(max(per_page, 1), MAX_PER_PAGE),
    )


def run(search: SearchRequest) -> tuple[searching.SearchResult, list[Article]]:
    """Search, load the published rows in rank order and log the search."""
    result = searching.search(
        search.q, search.filters, SORT_KEYS[search.sort], search.page, search.per_page
    )
    articles = published_in_order(result.ids)
    if search.q or search.filters:  # the bare /zoeken page is not a search
        _log(search, result.total)
    return result, articles


def _log(search: SearchRequest, total: int) -> None:
    """Record the search anonymously (no user, no address); never fail the search for it."""
    try:
        db.session.add(SearchLog(query=search.q[:500], filters=search.filters,
                                 result_count=total, created_at=utcnow()))  # fmt: skip
        db.session.commit()
    except Exception:  # a busy or broken log must not cost the reader the results
        db.session.rollback()
        log.warning("Zoekopdracht niet gelogd", exc_info=True)


def facet_labels() -> dict[str, dict[str, str]]:
    """Return facet -> value -> label, in taxonomy order."""
    return {
        "kind": {k.slug: k.label for k in db.session.scalars(select(Kind).order_by(Kind.position))},
        "theme": {t.slug: t.label for t in
                  db.session.scalars(select(Theme).order_by(Theme.position))},
        "advice": {str(a.number): f"Advies {a.number}: {a.label}" for a in
                   db.session.scalars(select(Advice).order_by(Advice.number))},
        "region": {r.slug: r.name for r in
                   db.session.scalars(select(Region).order_by(Region.name))},
        "sector": {s.slug: s.label for s in
                   db.session.scalars(select(Sector).order_by(Sector.position))},
    }  # fmt: skip


@bp.errorhandler(IndexUnavailable)
def index_unavailable(_exc: IndexUnavailable):
    """Answer 503 while the index is rebuilt in the background (nothing is lost meanwhile)."""
    if request.path.startswith("/api/"):
        message = "De zoekfunctie wordt hersteld; probeer het over een minuut opnieuw."
        return {"error": {"code": 503, "message": message}}, 503
    return render_template("search/unavailable.html"), 503


@bp.get("/zoeken")
def search_page():
    """Show the search form, results with facets, and help when nothing is found."""
    search = parse_request(current_app.config["PER_PAGE"])
    result, articles = run(search)
    labels = facet_labels()
    facets = [
        {
            "name": name,
            "legend": FACET_LEGENDS[name],
            "options": [
                {"value": value, "label": label, "count": result.facets[name].get(value, 0),
                 "checked": value in search.filters.get(name, [])}
                for value, label in labels[name].items()
                if result.facets[name].get(value) or value in search.filters.get(name, [])
            ],
        }
        for name in FACETS
    ]  # fmt: skip
    active = [(name, value, FACET_LEGENDS[name], labels[name].get(value, value))
              for name in FACETS for value in search.filters.get(name, [])]  # fmt: skip
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    pages = max(1, -(-result.total // search.per_page))
    return render_template(
        "search/results.html",
        search=search,
        result=result,
        articles=articles,
        facets=facets,
        active=active,
        themes=themes,
        pages=pages,
        sort_labels=SORT_LABELS,
    )


@bp.get("/api/v1/search")
def search_api():
    """Search as JSON: total, results, facets (value -> count) and suggestion."""
    search = parse_request(20)
    result, articles = run(search)
    return {
        "query": search.q,
        "total": result.total,
        "page": search.page,
        "per_page": search.per_page,
        "sort": SORT_KEYS[search.sort],
        "suggestion": result.suggestion,
        "corrected": result.corrected,
        "match_all": result.match_all,
        "results": [
            {
                "slug": a.slug,
                "title": a.title,
                "kind": a.kind.slug,
                "url": url_for("public.article", slug=a.slug, _external=True),
                "summary": a.summary,
                "snippet": str(result.snippets.get(a.id, "")),
                "themes": [t.slug for t in a.themes],
                "regions": [r.slug for r in a.regions],
                "updated_at": a.updated_at.isoformat(timespec="seconds") + "Z",
            }
            for a in articles
        ],
        "facets": result.facets,
    }


@bp.get("/api/v1/suggest")
def suggest_api():
    """Complete titles and known terms (themes, regions, synonyms) for what was typed."""
    q = request.args.get("q", "")[:100].strip()
    if len(q) < 2:
        return {"query": q, "suggestions": []}
    suggestions: list[dict[str, str]] = []
    for term in known_terms(q, limit=5):
        suggestions.append({"type": "term", "label": term,
                            "url": url_for("search.search_page", q=term)})  # fmt: skip
    try:
        ids = search_related.complete_titles(q, limit=6)
    except Exception:  # completion is a nicety; a broken index is reported elsewhere
        log.warning("Aanvullen mislukt", exc_info=True)
        ids = []
    for article in published_in_order(ids):
        suggestions.append({"type": "artikel", "label": article.title,
                            "url": url_for("public.article", slug=article.slug)})  # fmt: skip
    return {"query": q, "suggestions": suggestions}


def known_terms(typed: str, limit: int) -> list[str]:
    """Return taxonomy labels, region names and aliases and synonyms that start as typed."""
    prefix = fold(typed)
    candidates: list[str] = []
    candidates += db.session.scalars(select(Theme.label).order_by(Theme.position))
    for name, aliases in db.session.execute(select(Region.name, Region.aliases)):
        candidates += [name, *(aliases or [])]
    for terms in db.session.scalars(select(SynonymGroup.terms)):
        candidates += terms
    found: list[str] = []
    for term in dict.fromkeys(candidates):
        folded = fold(term)
        if folded.startswith(prefix) or f" {prefix}" in f" {folded}":
            found.append(term)
            if len(found) == limit:
                break
    return found
