"""What the search index holds: the schema and one document per published article."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kb import queries
from kb.models import Article, Kind, Sector, SynonymGroup, Theme, db
from kb.search.analysis import TOKEN_RE, DutchAnalysis, dutch_analyzer, fold, spell_words

TEXT_LIMIT = 20_000  # characters of summary + body kept for snippets
SPELL_BODY_CHARS = 600
BATCH = 500


def make_schema(analysis: DutchAnalysis) -> Schema:
    """Return the index schema; the analyzer (with its compound lexicon) is stored with it."""
    text = dutch_analyzer(analysis)
    return Schema(
        id=ID(stored=True, unique=True),
        slug=ID(stored=True),
        version=STORED,
        text=STORED,
        title=TEXT(analyzer=text),
        labels=TEXT(analyzer=text),
        summary=TEXT(analyzer=text),
        body=TEXT(analyzer=text),
        # Folded words, each once per document, unscored: only for "Bedoelde u".
        spell=KEYWORD(scorable=False),
        kind=ID,
        theme=KEYWORD,
        advice=KEYWORD,
        region=KEYWORD,
        sector=KEYWORD,
        updated=NUMERIC(bits=64, sortable=True),
        title_sort=ID(sortable=True),
    )


def analysis_from_db() -> DutchAnalysis:
    """Return an analysis whose compound lexicon includes the taxonomy and synonym terms."""
    words: list[str] = []
    for group in db.session.scalars(select(SynonymGroup.terms)):
        words.extend(group)
    for model in (Theme, Sector):
        words.extend(db.session.scalars(select(model.label)))
    words.extend(db.session.scalars(select(Kind.label)))
    return DutchAnalysis(words)


def article_labels(article: Article) -> str:
    """Return the taxonomy words a reader may search for: kind, themes, adviezen, regions."""
    parts = [article.kind.label, article.kind.plural]
    parts += [t.label for t in article.themes]
    parts += [f"advies {a.number} {a.label}" for a in article.advice]
    for region in article.regions:
        parts += [region.name, *region.aliases, *region.provinces, *region.municipalities]
    parts += [s.label for s in article.sectors]
    return " · ".join(parts)


def document(article: Article) -> dict[str, Any]:
    """Return the index document of a published article (with a version for check-index)."""
    labels = article_labels(article)
    doc: dict[str, Any] = {
        "id": str(article.id),
        "slug": article.slug,
        "title": article.title,
        "labels": labels,
        "summary": article.summary,
        "body": article.body_text,
        "kind": article.kind.slug,
        "theme": " ".join(t.slug for t in article.themes),
        "advice": " ".join(str(a.number) for a in article.advice),
        "region": " ".join(r.slug for r in article.regions),
        "sector": " ".join(s.slug for s in article.sectors),
        "updated": int(article.updated_at.timestamp()),
        "title_sort": fold(article.title),
    }
    doc["version"] = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:20]
    # The vocabulary for "Bedoelde u": each word once, from the parts readers search for
    # (title, labels, summary, the start of the body); the whole body would double the build.
    head = article.body_text[:SPELL_BODY_CHARS]
    tokens = TOKEN_RE.findall(f"{article.title} {labels} {article.summary} {head}")
    doc["spell"] = " ".join(dict.fromkeys(w for t in tokens for w in spell_words(t)))
    doc["text"] = f"{article.summary}\n\n{article.body_text}"[:TEXT_LIMIT]
    return doc


def published_articles(ids: list[int] | None = None) -> Iterator[Article]:
    """Yield published articles with their taxonomy, in batches (all of them when ids is None)."""
    stmt = queries.published().order_by(Article.id)
    if ids is not None:
        for start in range(0, len(ids), BATCH):
            yield from db.session.scalars(stmt.where(Article.id.in_(ids[start : start + BATCH])))
        return
    last = 0
    while True:
        batch = list(db.session.scalars(stmt.where(Article.id > last).limit(BATCH)))
        if not batch:
            return
        yield from batch
        last = batch[-1].id
