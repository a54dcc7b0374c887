"""Search pages and API: /zoeken, /api/v1/search and /api/v1/suggest, and "Meer zoals dit".

The views ask `kb.search` for ids in rank order and load the published rows from the database,
so the database stays the source of truth. Every search is logged without user or address.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kb import feeds, queries
from kb import search as engine
from kb.queries import ArticleView
from kb.search import FACETS, IndexUnavailable
from kb.security import query_int

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


@dataclass
class SearchRequest:
    """A search as the URL states it: query, filters, sort (Dutch key) and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevantie"
    page: int = 1
    per_page: int = 20
    key: str = ""  # set when the search is logged: its clicks carry it

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


def parse_request(default_per_page: int, max_per_page: int) -> SearchRequest:
    """Read a search from the query string; unknown or malformed values are ignored."""
    args = request.args
    filters = {name: list(dict.fromkeys(v for v in args.getlist(name) if v))[:30]
               for name in FACETS}  # fmt: skip
    sort = SORT_ALIASES.get(args.get("sort", ""), "relevantie")
    page = query_int("page", 0, minimum=0) or query_int("pagina", 1)
    per_page = query_int("per_page", 0, minimum=0) or default_per_page
    return SearchRequest(
        q=args.get("q", "")[:2000].strip(),
        filters={k: v for k, v in filters.items() if v},
        sort=sort,
        page=min(max(page, 1), 500),
        per_page=min(max(per_page, 1), max_per_page),
    )


def run(search: SearchRequest, log: bool = True) -> tuple[engine.SearchResult, list[ArticleView]]:
    """Search, load the published rows in rank order (one query) and log the search."""
    result = engine.search(
        search.q, search.filters, SORT_KEYS[search.sort], search.page, search.per_page
    )
    articles = queries.cards_in_order(result.ids)
    if log and (search.q or search.filters):  # the bare /zoeken page is not a search
        # A random key ties the clicks on these results to this search, and to nothing else.
        search.key = secrets.token_hex(16)
        corrected = result.suggestion if result.corrected else None
        engine.log_search(search.q, search.filters, result.total, corrected, search.key)
    return result, articles


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
    config = current_app.config
    search = parse_request(config["PER_PAGE"], config["SEARCH_MAX_PER_PAGE"])
    result, articles = run(search)
    labels = queries.facet_labels()
    retired = queries.retired()  # retired values are offered only when already chosen
    facets = [
        {
            "name": name,
            "legend": FACET_LEGENDS[name],
            "options": [
                {"value": value, "label": label, "count": result.facets[name].get(value, 0),
                 "checked": value in search.filters.get(name, [])}
                for value, label in labels[name].items()
                if value in search.filters.get(name, [])
                or (result.facets[name].get(value) and value not in retired.get(name, ()))
            ],
        }
        for name in FACETS
    ]  # fmt: skip
    active = [(name, value, FACET_LEGENDS[name], labels[name].get(value, value))
              for name in FACETS for value in search.filters.get(name, [])]  # fmt: skip
    themes = queries.themes()
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


@bp.get("/zoeken/feed")
def feed():
    """Atom feed of any search: the same articles, in the same order, as the search page."""
    config = current_app.config
    search = parse_request(config["PER_PAGE"], config["SEARCH_MAX_PER_PAGE"])
    # Not logged: a feed reader's poll is not somebody searching.
    _result, articles = run(search, log=False)
    title = f"Zoeken: {search.q}" if search.q else "Zoeken"
    query = urlencode(search.args())
    page_path = url_for("search.search_page") + (f"?{query}" if query else "")
    feed_path = url_for("search.feed") + (f"?{query}" if query else "")
    body = feeds.atom_feed(title, page_path, feed_path, articles)
    return Response(body, content_type=feeds.MEDIA_TYPE)


@bp.get("/api/v1/search")
def search_api():
    """Search as JSON: total, results, facets (value -> count) and suggestion."""
    search = parse_request(20, current_app.config["SEARCH_MAX_PER_PAGE"])
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
    for term in engine.known_terms(q, limit=5):
        suggestions.append({"type": "term", "label": term,
                            "url": url_for("search.search_page", q=term)})  # fmt: skip
    try:
        ids = engine.complete_titles(q, limit=6)
    except Exception:  # completion is a nicety; a broken index is reported elsewhere
        log.warning("Aanvullen mislukt", exc_info=True)
        ids = []
    for article in queries.cards_in_order(ids):
        suggestions.append({"type": "artikel", "label": article.title,
                            "url": url_for("public.article", slug=article.slug)})  # fmt: skip
    return {"query": q, "suggestions": suggestions}
