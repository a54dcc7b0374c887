"""Add, change, retire and merge themes, sectors, regions and adviezen; each change recorded.

A change of a label, an alias or a slug changes what the index holds for the articles that
carry the row: they are queued in the same transaction and indexed after the commit
(`publishing.commit_and_index`). A slug change leaves a 301 from the old address.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kb import publishing
from kb.models import Theme, User, db
from kb.taxonomy import history, redirects, references
from kb.taxonomy.vocab import (
    Subject,
    TaxonomyError,
    article_ids,
    check_slug,
    find,
    state,
)

# Fields whose change alters no index document (so no article needs indexing again).
_QUIET = frozenset({"position", "retired", "description"})


def _name(subject: Subject, data: dict[str, Any]) -> str:
    return str(data.get(subject.label_field) or data.get("slug") or "")


def _set(subject: Subject, row: Any, data: dict[str, Any]) -> bool:
    """Apply plain data to a row; return whether its articles need indexing again."""
    before = state(subject, row)
    new_slug = data.get("slug", row.slug)
    if new_slug != row.slug:
        check_slug(subject, new_slug, row)
        if subject.name != "advice":
            redirects.record_move(subject.name, row.slug, new_slug)
            references.repoint(subject.name, row.slug, new_slug)
    for name in subject.fields:
        if name in data and name != "number":
            setattr(row, name, data[name])
    after = state(subject, row)
    return any(before[n] != after[n] for n in subject.fields if n not in _QUIET)


def _commit(subject: Subject, row: Any, reindex: bool) -> None:
    if reindex and row is not None:
        publishing.queue_articles(article_ids(subject, row))
    publishing.commit_and_index()


def add(subject: Subject, data: dict[str, Any], user: User) -> Any:
    """Add a theme, sector or region at the end of its list."""
    if subject.name == "advice":
        raise TaxonomyError("Er zijn precies zeven adviezen; u kunt hun tekst wijzigen.")
    slug = check_slug(subject, data.get("slug", ""))
    row = subject.model(slug=slug)
    if "position" in subject.fields:
        top = db.session.scalar(select(func.max(subject.model.position)))
        row.position = (top or 0) + 1
    row.retired = False
    for name in subject.fields:
        if name in data and name not in ("slug", "position", "retired"):
            setattr(row, name, data[name])
    redirects.release(subject.name, slug)
    db.session.add(row)
    db.session.flush()
    history.record(user, "add", subject.name, f"{subject.singular.capitalize()} "
                   f"‘{_name(subject, data)}’ toegevoegd", None, state(subject, row))  # fmt: skip
    _commit(subject, None, False)
    return row


def edit(subject: Subject, row: Any, data: dict[str, Any], user: User) -> bool:
    """Change a row's label, slug (old address redirects) or details; False if nothing changed."""
    before = state(subject, row)
    reindex = _set(subject, row, data)
    after = state(subject, row)
    if after == before:
        db.session.rollback()
        return False
    what = f"{subject.singular.capitalize()} ‘{_name(subject, before)}’"
    if after.get("slug") != before.get("slug"):
        what += f" (adres {before['slug']} → {after['slug']})"
    history.record(user, "edit", subject.name, f"{what} gewijzigd", before, after)
    _commit(subject, row, reindex)
    return True


def set_retired(subject: Subject, row: Any, retired: bool, user: User) -> None:
    """Retire a row (no longer offered) or take it into use again; its articles keep it."""
    if not subject.retirable:
        raise TaxonomyError("Adviezen kunnen niet worden uitgefaseerd.")
    if bool(row.retired) == retired:
        return
    before = state(subject, row)
    row.retired = retired
    action = "retire" if retired else "unretire"
    history.record(user, action, subject.name, f"{subject.singular.capitalize()} "
                   f"‘{_name(subject, before)}’ {history.ACTIONS[action]}", before,
                   state(subject, row))  # fmt: skip
    _commit(subject, row, False)


def merge(source: Theme, target: Theme, user: User) -> int:
    """Merge theme source into target: retag every article, drop source, redirect its address.

    One transaction; the index follows after the commit. Returns how many articles had source.
    """
    from kb.taxonomy.vocab import SUBJECTS

    if source.id == target.id:
        raise TaxonomyError("Kies een ander thema om mee samen te voegen.", "target")
    subject = SUBJECTS["theme"]
    moved = article_ids(subject, source)
    had_target = set(article_ids(subject, target))
    before = {"source": {"id": source.id, **state(subject, source)}, "target": target.slug,
              "articles": moved, "had_target": sorted(had_target & set(moved))}  # fmt: skip
    publishing.retag_themes(moved, target, source)
    db.session.flush()
    db.session.delete(source)
    db.session.flush()
    before["repointed"] = redirects.record_move("theme", source.slug, target.slug)
    # Follows, calls and lists move to the target for good: undoing the merge leaves them there.
    references.repoint("theme", source.slug, target.slug)
    articles = f"{len(moved)} artikel{'' if len(moved) == 1 else 'en'}"
    history.record(user, "merge", "theme", f"Thema ‘{source.label}’ samengevoegd met "
                   f"‘{target.label}’ ({articles})", before,
                   {"target": state(subject, target)})  # fmt: skip
    _commit(subject, None, False)
    return len(moved)


def unmerge(before: dict[str, Any]) -> Theme:
    """Bring a merged theme back with its articles (the caller records and commits)."""
    data = dict(before["source"])
    if find_theme(data["slug"]) is not None:
        raise TaxonomyError(f"Het adres ‘{data['slug']}’ is inmiddels weer in gebruik.")
    target = find_theme(before["target"])
    if target is None:
        raise TaxonomyError(f"Het thema ‘{before['target']}’ bestaat niet meer.")
    old_id = data.pop("id")
    source = Theme(**data)
    if db.session.get(Theme, old_id) is None:
        source.id = old_id
    redirects.forget_move("theme", source.slug, list(before.get("repointed") or []))
    db.session.add(source)
    db.session.flush()
    publishing.retag_themes(before["articles"], source, None)
    lost_target = [i for i in before["articles"] if i not in set(before["had_target"])]
    publishing.retag_themes(lost_target, None, target)
    return source


def find_theme(slug: str) -> Theme | None:
    """Return the theme with this slug."""
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def restore_row(subject: Subject, data: dict[str, Any] | None, current: dict[str, Any] | None):
    """Bring a row from state `current` back to `data` (None: remove it); for undo."""
    key = (current or {}).get(subject.key_field)
    row = find(subject, key) if current is not None else None
    if current is not None and (row is None or state(subject, row) != current):
        raise TaxonomyError("Dit is daarna nog gewijzigd; maak eerst de latere wijziging "
                            "ongedaan.")  # fmt: skip
    if data is None:
        if article_ids(subject, row):
            raise TaxonomyError(f"Er hebben nu artikelen deze {subject.singular}; faseer "
                                f"{'het' if subject.name == 'theme' else 'hem'} uit.")  # fmt: skip
        if redirects.pointing_at(subject.name, row.slug):
            raise TaxonomyError("Er is iets in samengevoegd of hernoemd; maak dat eerst "
                                "ongedaan.")  # fmt: skip
        db.session.delete(row)
        db.session.flush()
        return None
    reindex = _set(subject, row, data)
    if reindex:
        publishing.queue_articles(article_ids(subject, row))
    return row
