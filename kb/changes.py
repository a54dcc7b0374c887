"""The change counter and the per-process caches keyed on it.

Every ORM change to an article or a taxonomy row (a publish, an edit, a content sync) bumps one
counter row in the same transaction, from a session listener, so no write path can forget it.
A request reads the counter once; when it differs from what this process cached, the caches of
that database are dropped. So several workers (and several app instances on one database) never
serve a taxonomy, a count or an article page older than the last committed change.

Changes made outside the ORM session (plain SQL in a shell) are not seen: bump by hand then
(`UPDATE change_counter SET value = value + 1`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import has_request_context, request
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from kb.models import (
    Advice,
    Article,
    ArticleLink,
    Call,
    ChangeCounter,
    Citation,
    Collection,
    CollectionItem,
    Event,
    Kind,
    NewsItem,
    Region,
    Sector,
    SlugRedirect,
    Source,
    SynonymGroup,
    Theme,
    db,
)

T = TypeVar("T")

# What pages show to everyone: articles, taxonomy, and the network's news, meetings, calls
# and reading lists (so the home page's blocks can be cached on the same counter).
CONTENT_MODELS = (Article, Citation, ArticleLink, Kind, Theme, Advice, Sector, Region, Source,
                  SynonymGroup, SlugRedirect, NewsItem, Event, Call, Collection,
                  CollectionItem)  # fmt: skip
CONTENT_TABLES = frozenset(
    {"article", "article_theme", "article_advice", "article_sector", "article_region",
     "citation", "article_link", "kind", "theme", "advice", "sector", "region", "source",
     "synonym_group", "slug_redirect", "news_item", "event", "call", "collection",
     "collection_item"}
)  # fmt: skip
_BUMP = update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value + 1)
_ENVIRON_KEY = "kb.change_counter"


def _bump(session: Session) -> None:
    # Core execute on the session's connection: same transaction, no ORM events, no autoflush.
    session.connection().execute(_BUMP)
    session.info["kb_bumped"] = True


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, CONTENT_MODELS) for obj in changed):
        _bump(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk(state: Any) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CONTENT_TABLES:
            _bump(state.session)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # A request that changed content and reads again must not use the value it read before.
    if session.info.pop("kb_bumped", False) and has_request_context():
        request.environ.pop(_ENVIRON_KEY, None)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("kb_bumped", None)


def current() -> int:
    """Return the change counter: read once per request (every time outside a request)."""
    if has_request_context():
        value = request.environ.get(_ENVIRON_KEY)
        if value is None:
            value = _read()
            request.environ[_ENVIRON_KEY] = value
        return value
    return _read()


def _read() -> int:
    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0


class _Store:
    """The caches of one database at one counter value."""

    def __init__(self, counter: int) -> None:
        self.counter = counter
        self.values: dict[Hashable, Any] = {}
        self.lru: OrderedDict[Hashable, Any] = OrderedDict()


_stores: dict[str, _Store] = {}
_lock = threading.Lock()
LRU_SIZE = 2000  # article pages and "Meer zoals dit" lists per process


def _store() -> _Store:
    key = str(db.engine.url)
    counter = current()
    store = _stores.get(key)
    if store is None or store.counter != counter:
        with _lock:
            store = _stores.get(key)
            if store is None or store.counter != counter:
                store = _stores[key] = _Store(counter)
    return store


def cached(name: Hashable, build: Callable[[], T]) -> T:
    """Return the value cached under name for the current counter, building it when missing."""
    store = _store()
    try:
        return store.values[name]
    except KeyError:
        value = store.values[name] = build()
        return value


def cached_lru(key: Hashable, build: Callable[[], T | None]) -> T | None:
    """Like cached(), bounded (least recently used goes first); a None result is not kept."""
    store = _store()
    with _lock:
        found = store.lru.get(key)
        if found is not None:
            store.lru.move_to_end(key)
            return found
    value = build()
    if value is not None:
        with _lock:
            store.lru[key] = value
            while len(store.lru) > LRU_SIZE:
                store.lru.popitem(last=False)
    return value


def forget_all() -> None:
    """Drop every cache of this process (tests and benchmarks)."""
    _stores.clear()
