"""Old slugs of renamed and merged themes, regions and sectors: their pages answer 301.

A slug change writes one row old → new and points every older row of the same vocabulary at
the new slug too, so a chain of renames costs one redirect, never a loop. A slug taken into
use again stops redirecting.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from sqlalchemy import delete, select, update
from werkzeug.wrappers import Response

from kb import changes
from kb.models import SlugRedirect, db


def redirect_map() -> dict[tuple[str, str], str]:
    """Return (kind, old slug) -> current slug (cached per process and change)."""
    return changes.cached("slug_redirects", _load)


def _load() -> dict[tuple[str, str], str]:
    rows = db.session.execute(select(SlugRedirect.kind, SlugRedirect.old_slug,
                                     SlugRedirect.new_slug))  # fmt: skip
    return {(kind, old): new for kind, old, new in rows}


def moved(kind: str, slug: str, endpoint: str, **values: object) -> Response:
    """Answer 301 to the page of the slug's new name (query string kept), or 404."""
    new = redirect_map().get((kind, slug))
    if new is None:
        abort(404)
    target = url_for(endpoint, slug=new, **values)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=301)


def record_move(kind: str, old: str, new: str) -> list[str]:
    """Redirect old (and every slug that led to old) to new; return the slugs repointed."""
    release(kind, new)
    release(kind, old)
    repointed = list(db.session.scalars(
        select(SlugRedirect.old_slug).where(SlugRedirect.kind == kind,
                                            SlugRedirect.new_slug == old)))  # fmt: skip
    db.session.execute(
        update(SlugRedirect)
        .where(SlugRedirect.kind == kind, SlugRedirect.new_slug == old)
        .values(new_slug=new)
    )
    db.session.add(SlugRedirect(kind=kind, old_slug=old, new_slug=new))
    db.session.flush()
    return repointed


def release(kind: str, slug: str) -> None:
    """Stop redirecting a slug that is (again) the slug of a live row."""
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == slug)
    )


def forget_move(kind: str, old: str, repointed: list[str]) -> None:
    """Undo record_move: old answers again, and the repointed slugs lead to old once more."""
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == old)
    )
    if repointed:
        db.session.execute(
            update(SlugRedirect)
            .where(SlugRedirect.kind == kind, SlugRedirect.old_slug.in_(repointed))
            .values(new_slug=old)
        )
    db.session.flush()


def pointing_at(kind: str, slug: str) -> list[str]:
    """Return the old slugs that redirect to this one."""
    return list(db.session.scalars(
        select(SlugRedirect.old_slug).where(SlugRedirect.kind == kind,
                                            SlugRedirect.new_slug == slug)))  # fmt: skip
