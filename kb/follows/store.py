"""What a member follows: themes, regions, adviezen, kinds and saved searches.

Each follow knows how to name itself, where its page is, and which articles are new or changed
in it since a moment. Saved searches run through the search engine (not logged: nobody typed
them), so a digest lists what the search page would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlencode

from flask import url_for
from sqlalchemy import select

from kb import collections, queries, search
from kb.models import Advice, Article, Follow, Kind, Region, Theme, User, db, utcnow

FREQUENCIES = {
    "immediate": "direct",
    "daily": "dagelijks",
    "weekly": "wekelijks",
    "never": "geen e-mail",
}
TAXONOMY_KINDS = {"theme": Theme, "region": Region, "kind": Kind, "advice": Advice}
KIND_LABELS = {"theme": "Thema", "region": "Regio", "advice": "Advies", "kind": "Soort",
               "cop": "Community of Practice", "collection": "Leeslijst",
               "search": "Zoekopdracht"}  # fmt: skip
SEARCH_FIELDS = ("q", *queries.FACETS)
# A saved search's digest looks at its newest results only; more is not a digest.
SEARCH_DEPTH = 100


class FollowError(ValueError):
    """A follow that cannot be made; the message is Dutch and meant for the member."""


@dataclass
class Followed:
    """A follow with its label, its page and what is new in it."""

    follow: Follow
    label: str
    url: str
    new: list[Article]


def _taxonomy_row(kind: str, target: str):
    model = TAXONOMY_KINDS[kind]
    if kind == "advice":
        return db.session.get(Advice, int(target)) if target.isdigit() else None
    return queries.by_slug(model, target)


def _cop(slug: str) -> Article | None:
    article = queries.article_by_slug(slug)
    return article if article is not None and article.kind.slug == queries.COP_KIND else None


def normalise_search(args: dict[str, list[str]]) -> str:
    """Return a saved search's canonical query string (only q and the facets, sorted values)."""
    pairs = []
    for name in SEARCH_FIELDS:
        values = sorted({v.strip() for v in args.get(name, []) if v and v.strip()})
        pairs += [(name, v[:300]) for v in values[:30]]
    return urlencode(pairs)


def label_and_url(kind: str, target: str, name: str = "") -> tuple[str, str] | None:
    """Return the label and page URL of a follow target, or None when it does not exist."""
    if kind == "search":
        return (name or "Zoekopdracht", url_for("search.search_page") + "?" + target)
    if kind == "cop":
        cop = _cop(target)
        return (cop.title, url_for("public.article", slug=cop.slug)) if cop else None
    if kind == "collection":
        listed = collections.by_slug(target)
        if listed is None or not listed.published:
            return None
        return f"Leeslijst {listed.title}", url_for("collections.collection", slug=listed.slug)
    if kind not in TAXONOMY_KINDS:
        return None
    row = _taxonomy_row(kind, target)
    if row is None:
        return None
    if kind == "advice":
        return f"Advies {row.number}: {row.label}", url_for("public.advice", number=row.number)
    if kind == "region":
        return row.name, url_for("public.region", slug=row.slug)
    if kind == "kind":
        return row.plural, url_for("public.kind", slug=row.slug)
    return row.label, url_for("public.theme", slug=row.slug)


def follow(user: User, kind: str, target: str, frequency: str = "weekly", name: str = "") -> Follow:
    """Follow a target (idempotent: following twice keeps one follow); commits."""
    if frequency not in FREQUENCIES:
        raise FollowError("Kies hoe vaak u e-mail wilt ontvangen.")
    if kind == "search":
        target = normalise_search(parse_qs(target))
        if not target:
            raise FollowError("Een lege zoekopdracht kan niet bewaard worden.")
        name = " ".join(name.split())[:200]
        if not name:
            raise FollowError("Geef de zoekopdracht een naam, zodat u hem later herkent.")
    elif label_and_url(kind, target) is None:
        raise FollowError("Dit onderdeel bestaat niet (meer).")
    existing = find(user, kind, target)
    if existing is not None:
        existing.frequency, existing.name = frequency, name or existing.name
        db.session.commit()
        return existing
    row = Follow(user_id=user.id, kind=kind, target=target, name=name, frequency=frequency)
    db.session.add(row)
    db.session.commit()
    return row


def find(user: User, kind: str, target: str) -> Follow | None:
    """Return the user's follow of this target, if any."""
    return db.session.scalar(
        select(Follow).where(Follow.user_id == user.id, Follow.kind == kind,
                             Follow.target == target)
    )  # fmt: skip


def follows_of(user: User) -> list[Follow]:
    """Return the user's follows, taxonomy first, then saved searches, each by creation."""
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return sorted(rows, key=lambda f: f.kind == "search")


def owned(user: User, follow_id: int) -> Follow | None:
    """Return the follow with this id if it belongs to user (else None: no leaking of ids)."""
    row = db.session.get(Follow, follow_id)
    return row if row is not None and row.user_id == user.id else None


def set_frequency(row: Follow, frequency: str) -> None:
    """Change how often a follow is mailed; commits."""
    if frequency not in FREQUENCIES:
        raise FollowError("Kies hoe vaak u e-mail wilt ontvangen.")
    row.frequency = frequency
    db.session.commit()


def remove(row: Follow) -> None:
    """Stop following; commits."""
    db.session.delete(row)
    db.session.commit()


def changed_since(row: Follow, since: datetime) -> list[Article]:
    """Return the published articles in a follow that were published or changed after since.

    Raises search.IndexUnavailable for a saved search while the index is down, so a digest
    can keep its place instead of silently skipping those articles.
    """
    if row.kind == "search":
        args = parse_qs(row.target)
        q = (args.pop("q", [""]) or [""])[0]
        filters = {k: v for k, v in args.items() if k in queries.FACETS}
        result = search.search(q, filters, "newest", 1, SEARCH_DEPTH)
        articles = queries.published_in_order(result.ids)
    else:
        filters = {row.kind: [row.target]}
        if row.kind == "collection":
            listed = collections.by_slug(row.target)
            shown = collections.entries(listed) if listed is not None and listed.published else []
            return [e.article for e in shown
                    if e.article is not None and e.article.updated_at > since]
        if row.kind == "cop":
            cop = _cop(row.target)
            if cop is None:  # unpublished meanwhile: nothing to report (not everything)
                return []
            filters = queries.cop_filters(cop)
        articles = list(db.session.scalars(
            queries.filtered(filters)
            .where(Article.updated_at > since)
            .order_by(Article.updated_at.desc())
        ).unique())  # fmt: skip
    return [a for a in articles if a.updated_at > since]


def overview(user: User) -> list[Followed]:
    """Return every follow of user with what is new since they last looked."""
    items = []
    for row in follows_of(user):
        described = label_and_url(row.kind, row.target, row.name)
        if described is None:  # the theme or region was retired meanwhile
            items.append(Followed(row, "Niet meer beschikbaar", "", []))
            continue
        try:
            new = changed_since(row, row.seen_at)
        except search.IndexUnavailable:
            new = []
        items.append(Followed(row, *described, new))
    return items


def mark_seen(user: User) -> None:
    """Record that the member has seen what is new in all their follows; commits."""
    now = utcnow()
    for row in follows_of(user):
        row.seen_at = now
    db.session.commit()
