"""Leeslijsten: ordered, annotated lists of articles that editors shape in the browser.

Items refer to articles by slug, so an article that is unpublished or removed stays in the list
and is shown as "niet meer beschikbaar" rather than silently disappearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from kb import changes, queries
from kb.models import Article, Collection, CollectionItem, db, utcnow
from kb.slugs import unique_slug

CONTEXTS = {"free": "Vrij onderwerp", "cop": "Community of Practice", "advice": "Advies",
            "theme": "Thema"}  # fmt: skip


class CollectionError(ValueError):
    """A change that cannot be made; the message is Dutch and meant for the editor."""


@dataclass
class Entry:
    """An item with its article (None when it is no longer published)."""

    item: CollectionItem
    article: Article | None


def by_slug(slug: str) -> Collection | None:
    """Return the collection with this slug."""
    return db.session.scalar(select(Collection).where(Collection.slug == slug))


def all_collections() -> list[Collection]:
    """Return every collection by title (for the editors)."""
    return list(db.session.scalars(select(Collection).order_by(Collection.title)))


@dataclass
class Shown:
    """A published collection as a page shows it: its fields and its entries, loaded."""

    slug: str
    title: str
    description: str
    entries: list[Entry]


def for_context(kind: str, key: str) -> list[Shown]:
    """Return the published collections of a CoP, advies or theme page (cached per change)."""
    return changes.cached(("collections", kind, str(key)), lambda: _for_context(kind, str(key)))


def _for_context(kind: str, key: str) -> list[Shown]:
    rows = db.session.scalars(
        select(Collection).where(Collection.published.is_(True), Collection.context_kind == kind,
                                 Collection.context_key == key).order_by(Collection.title)
    )  # fmt: skip
    return [Shown(r.slug, r.title, r.description,
                  [Entry(queries.plain(e.item), e.article) for e in entries(r)]) for r in rows]


def containing(article_slug: str) -> list[Any]:
    """Return the published collections an article is in (cached per change)."""
    return changes.cached(("collections-of", article_slug), lambda: _containing(article_slug))


def _containing(article_slug: str) -> list[Any]:
    return [queries.plain(c) for c in db.session.scalars(
        select(Collection).join(CollectionItem)
        .where(Collection.published.is_(True), CollectionItem.article_slug == article_slug)
        .order_by(Collection.title)
    )]  # fmt: skip


def save_collection(row: Collection | None, data: dict[str, Any]) -> Collection:
    """Create or update a collection's title, description and context; commits."""
    title = " ".join((data.get("title") or "").split())
    if not title:
        raise CollectionError("Geef de leeslijst een titel.")
    kind = data.get("context_kind") or "free"
    if kind not in CONTEXTS:
        raise CollectionError("Kies waar de leeslijst bij hoort.")
    if row is None:
        row = Collection(slug=unique_slug(title, Collection.slug, "leeslijst"), items=[])
        db.session.add(row)
    row.title, row.description = title, (data.get("description") or "").strip()
    row.context_kind, row.context_key = kind, (data.get("context_key") or "") if kind != "free" \
        else ""  # fmt: skip
    row.published = bool(data.get("published", True))
    row.updated_at = utcnow()
    db.session.commit()
    return row


def add_item(row: Collection, article_slug: str, note: str = "") -> CollectionItem:
    """Add a published article at the end (once); commits."""
    if queries.article_by_slug(article_slug) is None:
        raise CollectionError("Dit artikel is niet (meer) gepubliceerd.")
    existing = next((i for i in row.items if i.article_slug == article_slug), None)
    if existing is not None:
        return existing
    last = db.session.scalar(select(func.max(CollectionItem.position))
                             .where(CollectionItem.collection_id == row.id))  # fmt: skip
    item = CollectionItem(article_slug=article_slug, note=note.strip()[:500],
                          position=(last or 0) + 1)  # fmt: skip
    row.items.append(item)
    row.updated_at = utcnow()
    db.session.commit()
    return item


def move(row: Collection, item_id: int, step: int) -> None:
    """Move an item one place up (-1) or down (+1); commits."""
    items = list(row.items)
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise CollectionError("Dit artikel staat niet in de leeslijst.")
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, item in enumerate(items, start=1):
            item.position = position
        row.updated_at = utcnow()
    db.session.commit()


def set_note(item: CollectionItem, note: str) -> None:
    """Change an item's "waarom lezen" line; commits."""
    item.note = " ".join(note.split())[:500]
    item.collection.updated_at = utcnow()
    db.session.commit()


def remove_item(item: CollectionItem) -> None:
    """Take an item out of its collection; commits."""
    collection = item.collection
    collection.items.remove(item)
    collection.updated_at = utcnow()
    db.session.commit()


def entries(row: Collection) -> list[Entry]:
    """Return the items in order with their published articles, loaded in one query."""
    slugs = [i.article_slug for i in row.items]
    published = {a.slug: a for a in queries.cards(queries.card_select(Article.slug.in_(slugs)))}
    return [Entry(item, published.get(item.article_slug)) for item in row.items]
