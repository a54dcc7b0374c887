"""An article as plain data, from its file or from the database, in one shape for both.

`file_state` (a parsed file) and `article_file_state` (a row) give the data
`publishing.apply_state` takes; `comparable` makes two of them equal when a sync of the one
would leave the other as it is (taxonomy order and line endings do not count).
"""

from __future__ import annotations

from typing import Any

from kb.content.files import ArticleFile
from kb.models import Article
from kb.render import normalise_markdown

# Kept in the database without an order of their own (themes follow the theme list, regions
# their name), so a file's order of them is not a change.
_UNORDERED = ("themes", "advice", "sectors", "regions")


def file_state(source: ArticleFile) -> dict[str, Any]:
    """Return a parsed file as the plain data `publishing.apply_state` takes."""
    return {
        "title": source.title,
        "kind": source.kind,
        "summary": source.summary,
        "body_md": source.body,
        "reference_date": source.reference_date,
        "themes": source.themes,
        "advice": source.advice,
        "sectors": source.sectors,
        "regions": source.regions,
        "related": source.related,
        "content_updated": source.updated,
        "external_links": source.links,
        "organisations": source.organisations,
        "contact": source.contact,
        "editor_note": source.editor_note,
        "origin": source.origin,
        "citations": [
            {
                "source_id": s.get("id"),
                "organisation": s.get("organisation"),
                "section": s.get("section", ""),
                "pages": s.get("pages", ""),
            }
            for s in source.sources
        ],  # fmt: skip
    }


def article_file_state(article: Article) -> dict[str, Any]:
    """Return a database article in the shape `file_state` gives (what its file would say)."""
    return {
        "title": article.title,
        "kind": article.kind.slug,
        "summary": article.summary,
        "body_md": article.body_md,
        "reference_date": article.reference_date or "",
        "themes": [t.slug for t in article.themes],
        "advice": [a.number for a in article.advice],
        "sectors": [s.slug for s in article.sectors],
        "regions": [r.slug for r in article.regions],
        "related": [link.target_slug for link in article.links if link.relation == "related"],
        "content_updated": article.content_updated or None,
        "external_links": [dict(link) for link in article.external_links or []],
        "organisations": list(article.organisations or []),
        "contact": article.contact or "",
        "editor_note": article.editor_note or "",
        # Only a submission's origin is written to its file; any other article is "content".
        "origin": "submission" if article.origin == "submission" else "content",
        "citations": [
            {
                "source_id": c.source_id,
                "organisation": None if c.source_id else c.organisation,
                "section": c.section or "",
                "pages": c.pages or "",
            }
            for c in sorted(article.citations, key=lambda c: c.position)
        ],  # fmt: skip
    }


def normalise_body(text: str) -> str:
    """Return Markdown as a file holds it: LF line ends, no space around it."""
    return normalise_markdown(text)


def comparable(state: dict[str, Any]) -> dict[str, Any]:
    """Return a state with what a sync does not keep taken out, for comparing two states."""
    result = dict(state)
    for name in _UNORDERED:
        result[name] = sorted(result.get(name) or [])
    result["body_md"] = normalise_body(result.get("body_md") or "")
    return result
