"""Load content/ (taxonomy and articles) into the database.

A sync validates everything first and writes nothing when any file has a problem. Articles are
upserted by slug and skipped when their file is unchanged (checksum). An article that an editor
changed online after its last import is never overwritten: the run reports a conflict instead,
unless the slug is named in `force`, in which case the online version is kept as a revision
first. An article whose file was removed is unpublished, not deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from kb import collections, publishing
from kb.content.collections import CollectionFile, read_collections
from kb.content.files import ArticleFile, read_articles
from kb.content.originality import SourceIndex
from kb.content.states import article_file_state, comparable, file_state
from kb.content.taxonomy import Problem, Taxonomy, load_taxonomy
from kb.models import (
    Advice,
    Article,
    Collection,
    Kind,
    Region,
    Sector,
    SlugRedirect,
    Source,
    SynonymGroup,
    Theme,
    db,
    utcnow,
)


@dataclass
class SyncReport:
    """What a sync did, article by article."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    unpublished: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # The same for the leeslijsten in content/collections/.
    collections_changed: list[str] = field(default_factory=list)
    collections_unchanged: int = 0
    collections_unpublished: list[str] = field(default_factory=list)
    collection_conflicts: list[str] = field(default_factory=list)


def check_content(
    content_dir: Path, sources_dir: Path | None = None
) -> tuple[Taxonomy, list[ArticleFile], list[Problem]]:
    """Validate the taxonomy, every article and every leeslijst; optionally check wording
    against the sources."""
    taxonomy, articles, _collections, problems = _read_all(content_dir, sources_dir)
    return taxonomy, articles, problems


def _read_all(
    content_dir: Path, sources_dir: Path | None = None
) -> tuple[Taxonomy, list[ArticleFile], list[CollectionFile], list[Problem]]:
    taxonomy, problems = load_taxonomy(content_dir / "taxonomy")
    articles, article_problems = read_articles(content_dir / "articles", taxonomy)
    problems.extend(article_problems)
    lists, list_problems = read_collections(content_dir / "collections", taxonomy, articles)
    problems.extend(list_problems)
    source_index = SourceIndex.from_directory(sources_dir) if sources_dir else None
    if source_index is not None:
        for article in articles:
            for passage in source_index.shared_runs(f"{article.summary}\n{article.body}"):
                problems.append(
                    Problem(str(article.path), "body", f"overgenomen uit de bron: «{passage}»")
                )
    return taxonomy, articles, lists, problems


def sync_taxonomy(taxonomy: Taxonomy) -> None:
    """Upsert taxonomy rows from the files; rows no longer in the files are kept (articles may
    still refer to them)."""
    for position, (slug, data) in enumerate(taxonomy.kinds.items()):
        row = _get_or_new(Kind, slug=slug)
        row.label, row.plural = data["label"], data["plural"]
        row.description = data.get("description", "")
        row.min_body_chars = int(data.get("min_body_chars") or 0)
        row.required_sections = list(data.get("required_sections") or [])
        row.position = position
    for number, data in taxonomy.advice.items():
        row = db.session.get(Advice, number) or Advice(number=number)
        row.slug, row.label = data["slug"], data["label"]
        db.session.add(row)
    for position, (slug, data) in enumerate(taxonomy.themes.items()):
        row = _get_or_new(Theme, slug=slug)
        row.label, row.position = data["label"], position
        row.description = data.get("description", "")
        row.terms = [str(term) for term in data.get("terms") or []]
        row.retired = bool(data.get("retired", False))
    for position, (slug, data) in enumerate(taxonomy.sectors.items()):
        row = _get_or_new(Sector, slug=slug)
        row.label, row.position = data["label"], position
        row.retired = bool(data.get("retired", False))
    for slug, data in taxonomy.regions.items():
        row = _get_or_new(Region, slug=slug)
        row.name = data["name"]
        row.aliases = [str(a) for a in data.get("aliases") or []]
        row.provinces = list(data.get("provinces") or [])
        row.municipalities = list(data.get("municipalities") or [])
        row.lat, row.lon = data.get("lat"), data.get("lon")
        row.retired = bool(data.get("retired", False))
    for ident, data in taxonomy.sources.items():
        row = db.session.get(Source, ident) or Source(id=ident)
        row.title, row.publisher = data["title"], data["publisher"]
        row.authors, row.year = data.get("authors") or "", data.get("year")
        row.url = data.get("url") or None
        db.session.add(row)
    groups = list(db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))
    if [g.terms for g in groups] != taxonomy.synonyms:  # rewritten only when they changed
        db.session.execute(db.delete(SynonymGroup))
        for terms in taxonomy.synonyms:
            db.session.add(SynonymGroup(terms=terms))
    for entry in taxonomy.redirects:
        row = _get_or_new(SlugRedirect, kind=entry["kind"], old_slug=entry["from"])
        row.new_slug = entry["to"]
    db.session.flush()


def _get_or_new(model: type, **key: str) -> object:
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def sync_content(
    content_dir: Path, force: frozenset[str] = frozenset()
) -> tuple[SyncReport, list[Problem]]:
    """Validate content/ and upsert it; write nothing if any problem is found."""
    taxonomy, files, lists, problems = _read_all(content_dir)
    report = SyncReport()
    if problems:
        return report, problems
    # A session-level flush must not race ahead of the taxonomy the articles point at.
    with db.session.no_autoflush:
        sync_taxonomy(taxonomy)
        existing = {a.slug: a for a in db.session.scalars(select(Article))}
        now = utcnow()
        for source in files:
            _sync_one(existing.get(source.slug), source, force, report, now, content_dir)
        seen = {f.slug for f in files}
        for slug, article in existing.items():
            from_file = article.origin == "content" or article.source_path is not None
            if from_file and slug not in seen and article.status == "published":
                publishing.unpublish(article)
                report.unpublished.append(slug)
        _sync_collections(lists, force, report)
    publishing.commit_articles()  # with the search documents, on the PostgreSQL backend
    return report, []


def _sync_one(
    article: Article | None,
    source: ArticleFile,
    force: frozenset[str],
    report: SyncReport,
    now: datetime,
    content_dir: Path,
) -> None:
    if article is not None and article.file_checksum == source.checksum:
        report.unchanged += 1
        return
    if article is not None and comparable(article_file_state(article)) == comparable(
        file_state(source)
    ):
        # The file says what the database says (an export of it): take it as the article's
        # file, so the online edits it holds are no longer a conflict. Nothing else changes.
        article.source_path = str(source.path.relative_to(content_dir))
        article.file_checksum, article.edited_online_at = source.checksum, None
        report.unchanged += 1
        return
    if article is not None and article.edited_online_at is not None:
        if source.slug not in force:
            report.conflicts.append(source.slug)
            return
        publishing.snapshot_revision(article, author=None, note="Online versie vóór sync --force")
    if article is None:
        article = publishing.create_article(source.slug, source.origin, file_state(source))
        report.created.append(source.slug)
    else:
        publishing.apply_state(article, file_state(source))
        article.status = "published"
        publishing.queue_for_index(article)
        report.updated.append(source.slug)
    article.source_path = str(source.path.relative_to(content_dir))
    article.file_checksum = source.checksum
    article.edited_online_at = None
    article.updated_at = now


def _sync_collections(
    files: list[CollectionFile], force: frozenset[str], report: SyncReport
) -> None:
    """Upsert the leeslijsten by the same rules as the articles (see the module docstring)."""
    existing = {c.slug: c for c in db.session.scalars(select(Collection))}
    for source in files:
        row = existing.get(source.slug)
        state = source.state()
        if row is not None and row.file_checksum == source.checksum:
            report.collections_unchanged += 1
            continue
        if row is not None and collections.collection_state(row) == state:
            # The file says what the database says (an export of it): take it as the file.
            row.file_checksum, row.edited_online_at = source.checksum, None
            report.collections_unchanged += 1
            continue
        if row is not None and row.edited_online_at is not None and source.slug not in force:
            report.collection_conflicts.append(source.slug)
            continue
        row = collections.apply_state(row, source.slug, state)
        row.file_checksum = source.checksum
        report.collections_changed.append(source.slug)
    seen = {f.slug for f in files}
    for slug, row in existing.items():
        if row.file_checksum is not None and slug not in seen and row.published:
            row.published = False
            report.collections_unpublished.append(slug)


def content_dir() -> Path:
    """Return the configured content directory."""
    return Path(current_app.config["CONTENT_DIR"])
