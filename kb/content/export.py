"""Write the database back as files in the format of content/: articles, taxonomy, leeslijsten.

`kb check-content` passes on the result and `kb sync-content` of it changes nothing. A file
that already says what the database says is left as it is (its comments and layout stay), so an
export into content/ shows in git only what was changed online. Published articles are written;
the file of an article taken offline is removed (a sync then keeps it offline).

The taxonomy files are described by `TAXONOMY`: one entry per file with its fields. A column
added to a taxonomy table later is one more `Field` there (and one more line in
`sync.sync_taxonomy`); keys in a file that the database does not hold (`document` in
sources.yml) are kept from the file being replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb import collections
from kb.content.collections import parse_collection
from kb.content.files import parse_article
from kb.content.states import article_file_state, comparable, file_state, normalise_body
from kb.content.taxonomy import Problem
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
)


class _Flow(list):
    """A list of plain values, written on one line: `themes: [a, b]`."""


class _Dumper(yaml.SafeDumper):
    """YAML as the hand-written files have it: block mappings, short lists on one line."""


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True)
)


def dump_yaml(data: Any) -> str:
    """Return data as YAML in the content files' style (UTF-8, keys in the given order)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class Field:
    """One key of a taxonomy entry: the column it comes from and when it is left out."""

    key: str
    get: Callable[[Any], Any]
    omit: Callable[[Any], bool] = lambda value: False


def _attr(name: str, flow: bool = False) -> Callable[[Any], Any]:
    if flow:
        return lambda row: _Flow(getattr(row, name) or [])
    return lambda row: getattr(row, name)


def _empty(value: Any) -> bool:
    return value in (None, "", [])


def _not_set(value: Any) -> bool:
    return not value


@dataclass(frozen=True)
class TaxonomyFile:
    """A taxonomy file: its rows in file order and the fields of each entry."""

    name: str
    model: type
    order: Any
    fields: tuple[Field, ...]
    header: str
    ordered: bool = True  # False: the database keeps no order, so the file's order is not a change
    key: str = field(default="slug")


TAXONOMY = (
    TaxonomyFile("kinds", Kind, Kind.position, (
        Field("slug", _attr("slug")), Field("label", _attr("label")),
        Field("plural", _attr("plural")),
        Field("description", _attr("description"), _empty),
        Field("min_body_chars", _attr("min_body_chars")),
        Field("required_sections", _attr("required_sections", flow=True)),
    ), "Soorten: every article has exactly one kind. Editors may add kinds here."),
    TaxonomyFile("advice", Advice, Advice.number, (
        Field("number", _attr("number")), Field("slug", _attr("slug")),
        Field("label", _attr("label")),
    ), 'De zeven adviezen uit het rapport "Mét andere ogen" (R. Peeters, 2018).', key="number"),
    TaxonomyFile("themes", Theme, Theme.position, (
        Field("slug", _attr("slug")), Field("label", _attr("label")),
        Field("description", _attr("description"), _empty),
        Field("terms", _attr("terms", flow=True), _empty),
        Field("retired", _attr("retired"), _not_set),
    ), "Thema's: one to five per article."),
    TaxonomyFile("sectors", Sector, Sector.position, (
        Field("slug", _attr("slug")), Field("label", _attr("label")),
        Field("retired", _attr("retired"), _not_set),
    ), "Sectoren: optional second axis, zero or more per article."),
    TaxonomyFile("regions", Region, Region.id, (
        Field("slug", _attr("slug")), Field("name", _attr("name")),
        Field("aliases", _attr("aliases", flow=True), _empty),
        Field("provinces", _attr("provinces", flow=True)),
        Field("municipalities", _attr("municipalities", flow=True), _empty),
        Field("lat", _attr("lat"), _empty), Field("lon", _attr("lon"), _empty),
        Field("retired", _attr("retired"), _not_set),
    ), "Regio's: slug, name, aliases search treats as the same place, provinces, "
       "municipalities and an approximate point (lat/lon) for the map.", ordered=False),
    TaxonomyFile("sources", Source, Source.id, (
        Field("id", _attr("id")), Field("title", _attr("title")),
        Field("authors", _attr("authors"), _empty), Field("publisher", _attr("publisher")),
        Field("year", _attr("year")), Field("url", _attr("url"), _empty),
    ), "The source documents the articles cite by id.", ordered=False, key="id"),
)  # fmt: skip

_ARTICLE_KEYS = ("title", "origin", "kind", "summary", "regions", "themes", "advice", "sectors",
                 "reference_date", "sources", "related", "updated", "links", "organisations",
                 "contact", "editor_note")  # fmt: skip


@dataclass
class ExportReport:
    """What an export wrote, kept and removed (paths relative to the folder)."""

    written: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)


def export_content(target: Path) -> ExportReport:
    """Write every published article, the taxonomy and the leeslijsten into target."""
    report = ExportReport()
    for sub in ("articles", "taxonomy", "collections"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    _export_taxonomy(target / "taxonomy", report)
    _export_articles(target / "articles", report)
    _export_collections(target / "collections", report)
    return report


def _write(path: Path, text: str, unchanged: bool, report: ExportReport) -> None:
    where = f"{path.parent.name}/{path.name}"
    if unchanged:
        report.kept += 1
        return
    path.write_text(text, encoding="utf-8", newline="\n")
    report.written.append(where)


def _read_list(path: Path) -> list[Any] | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return data if isinstance(data, list) else None


def _export_taxonomy(folder: Path, report: ExportReport) -> None:
    for spec in TAXONOMY:
        path = folder / f"{spec.name}.yml"
        old = {e.get(spec.key): e for e in _read_list(path) or [] if isinstance(e, dict)}
        entries = []
        for row in db.session.scalars(select(spec.model).order_by(spec.order)):
            entry = {f.key: value for f in spec.fields if not f.omit(value := f.get(row))}
            # Keys the database does not hold stay as the file had them.
            known = {f.key for f in spec.fields}
            extra = {k: v for k, v in old.get(entry[spec.key], {}).items() if k not in known}
            entries.append(entry | extra)
        text = f"# {spec.header}\n" + dump_yaml(entries)
        _write(path, text, _same_entries(spec, _read_list(path), entries), report)
    path = folder / "synonyms.yml"
    rows = db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))
    groups = [_Flow(row.terms) for row in rows]
    text = ("# Synoniemen en afkortingen voor de zoekfunctie: each group is a set of terms search "
            "treats as the same.\n" + dump_yaml(groups))  # fmt: skip
    old_groups = _read_list(path)
    same = (
        old_groups is not None
        and [[str(t) for t in g] if isinstance(g, list) else g for g in old_groups] == groups
    )
    _write(path, text, same, report)
    _export_redirects(folder / "redirects.yml", report)


def _export_redirects(path: Path, report: ExportReport) -> None:
    # Old slugs renamed online keep answering 301 after a fresh install from the files.
    rows = db.session.scalars(
        select(SlugRedirect).order_by(SlugRedirect.kind, SlugRedirect.old_slug)
    )
    entries = [{"kind": r.kind, "from": r.old_slug, "to": r.new_slug} for r in rows]
    if not entries and not path.exists():
        return
    text = ("# Old taxonomy slugs and where they now live: the old addresses answer 301.\n"
            + dump_yaml(entries))  # fmt: skip
    _write(path, text, _read_list(path) == entries, report)


def _same_entries(spec: TaxonomyFile, old: list[Any] | None, new: list[dict[str, Any]]) -> bool:
    if old is None:
        return False
    known = [f.key for f in spec.fields]

    def norm(entries: list[Any]) -> list[Any]:
        # Read as a sync reads it: a missing optional key is its empty value.
        rows = [tuple(_plain(e.get(k)) for k in known) for e in entries if isinstance(e, dict)]
        return rows if spec.ordered else sorted(rows, key=repr)

    return norm(old) == norm(new)


def _plain(value: Any) -> Any:
    if value in (None, "", []):
        return None
    return tuple(value) if isinstance(value, list) else value


def _export_articles(folder: Path, report: ExportReport) -> None:
    rows = db.session.scalars(
        select(Article).options(selectinload(Article.themes), selectinload(Article.advice),
                                selectinload(Article.sectors), selectinload(Article.regions),
                                selectinload(Article.citations), selectinload(Article.links))
        .order_by(Article.slug)
    )  # fmt: skip
    for article in rows:
        path = folder / f"{article.slug}.md"
        if article.status != "published":
            if path.exists():
                path.unlink()
                report.removed.append(f"articles/{path.name}")
            continue
        state = article_file_state(article)
        _write(path, article_text(state), _file_says(path, state), report)


def _file_says(path: Path, state: dict[str, Any]) -> bool:
    if not path.exists():
        return False
    problems: list[Problem] = []
    parsed = parse_article(path, problems)
    return parsed is not None and comparable(file_state(parsed)) == comparable(state)


def article_text(state: dict[str, Any]) -> str:
    """Return an article file (front matter and Markdown body) for an article's state."""
    sources = []
    for c in state["citations"]:
        source = {"id": c["source_id"]} if c["source_id"] else {"organisation": c["organisation"]}
        source |= {k: c[k] for k in ("section", "pages") if c.get(k)}
        sources.append(source)
    meta = {
        "title": state["title"],
        "origin": state["origin"] if state["origin"] != "content" else None,
        "kind": state["kind"],
        "summary": state["summary"],
        "regions": _Flow(state["regions"]),
        "themes": _Flow(state["themes"]),
        "advice": _Flow(state["advice"]),
        "sectors": _Flow(state["sectors"]),
        "reference_date": state["reference_date"],
        "sources": sources,
        "related": _Flow(state["related"]),
        "updated": state["content_updated"],
        "links": [{"title": link["title"], "url": link["url"]} for link in state["external_links"]],
        "organisations": _Flow(state["organisations"]),
        "contact": state["contact"],
        "editor_note": state["editor_note"],
    }
    meta = {k: meta[k] for k in _ARTICLE_KEYS if not _empty(meta[k])}
    return f"---\n{dump_yaml(meta)}---\n\n{normalise_body(state['body_md'])}\n"


def _export_collections(folder: Path, report: ExportReport) -> None:
    rows = db.session.scalars(
        select(Collection).options(selectinload(Collection.items)).order_by(Collection.slug)
    )
    for row in rows:
        state = collections.collection_state(row)
        path = folder / f"{row.slug}.yml"
        _write(path, collection_text(state), _collection_file_says(path, state), report)


def _collection_file_says(path: Path, state: dict[str, Any]) -> bool:
    if not path.exists():
        return False
    problems: list[Problem] = []
    parsed = parse_collection(path, problems)
    return parsed is not None and not problems and parsed.state() == state


def collection_text(state: dict[str, Any]) -> str:
    """Return a leeslijst file for a collection's state."""
    meta: dict[str, Any] = {"title": state["title"]}
    if state["description"]:
        meta["description"] = state["description"]
    meta["scope"] = state["scope"]
    if state["scope"] != "free":
        target = state["target"]
        meta["target"] = int(target) if state["scope"] == "advice" and target.isdigit() else target
    if not state["published"]:
        meta["published"] = False
    meta["items"] = [{"article": slug} | ({"note": note} if note else {})
                     for slug, note in state["items"]]  # fmt: skip
    return dump_yaml(meta)
