"""Read the leeslijst files in content/collections/ and check them against taxonomy and articles.

One file per leeslijst, `collections/<slug>.yml`; the file name is the slug (`/leeslijst/<slug>`):

    title: "Leeslijst van de CoP Monitoring"
    description: "Waar u begint als u ..."        # optional
    scope: cop                                    # cop, advice, theme or free
    target: cop-monitoring                        # the CoP's article slug, advies number or
                                                  # theme slug; none for free
    published: true                               # optional, default true
    items:
      - article: advies-5-monitoring
        note: "Het advies waar de CoP uit voortkwam."   # "waarom lezen", optional
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.collections import CONTEXTS, NOTE_MAX
from kb.content.files import SLUG, ArticleFile, file_checksum
from kb.content.taxonomy import Problem, Taxonomy

FIELDS = ("title", "description", "scope", "target", "published", "items")
ITEM_FIELDS = ("article", "note")
TITLE_MAX, DESCRIPTION_MAX = 300, 2000
COP_KIND = "community-of-practice"


@dataclass
class CollectionFile:
    """One parsed leeslijst file, normalised as the database keeps it."""

    path: Path
    slug: str
    checksum: str
    title: str = ""
    description: str = ""
    scope: str = "free"
    target: str = ""
    published: bool = True
    items: list[tuple[str, str]] = field(default_factory=list)  # (article slug, note)

    def state(self) -> dict[str, Any]:
        """Return the file as the plain data `kb.collections.apply_state` takes."""
        return {
            "title": self.title,
            "description": self.description,
            "scope": self.scope,
            "target": self.target,
            "published": self.published,
            "items": list(self.items),
        }


def one_line(text: Any) -> str:
    """Return text with its whitespace collapsed (titles and notes are single lines)."""
    return " ".join(str(text or "").split())


def read_collections(
    directory: Path, taxonomy: Taxonomy, articles: list[ArticleFile]
) -> tuple[list[CollectionFile], list[Problem]]:
    """Parse and validate every leeslijst file (the folder is optional)."""
    problems: list[Problem] = []
    found: list[CollectionFile] = []
    by_slug = {a.slug: a for a in articles}
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        collection = parse_collection(path, problems)
        if collection is not None:
            _validate(collection, taxonomy, by_slug, problems)
            found.append(collection)
    return found, problems


def parse_collection(path: Path, problems: list[Problem]) -> CollectionFile | None:
    """Parse one leeslijst file; add problems for what cannot be read or is not allowed."""
    where = str(path)
    data = path.read_bytes()
    if not SLUG.match(path.stem):
        problems.append(
            Problem(where, "bestandsnaam", "slug: kleine letters, cijfers en koppeltekens")
        )
    try:
        meta = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(where, "-", f"geen geldige YAML in UTF-8: {exc}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(where, "-", "verwacht title, scope en items"))
        return None
    for name in meta:
        if name not in FIELDS:
            problems.append(Problem(where, str(name), "onbekend veld"))
    target = meta.get("target")
    collection = CollectionFile(
        path=path,
        slug=path.stem,
        checksum=file_checksum(data),
        title=one_line(meta.get("title")),
        description=str(meta.get("description") or "").strip(),
        scope=str(meta.get("scope") or ""),
        target="" if target is None else str(target),
        published=meta.get("published", True) is not False,
    )
    items = meta.get("items") or []
    if not isinstance(items, list):
        problems.append(Problem(where, "items", "verwacht een lijst"))
        items = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("article"):
            problems.append(Problem(where, f"items[{index}]", "'article' ontbreekt"))
            continue
        for name in item:
            if name not in ITEM_FIELDS:
                problems.append(Problem(where, f"items[{index}].{name}", "onbekend veld"))
        collection.items.append((str(item["article"]), one_line(item.get("note"))))
    if not isinstance(meta.get("published", True), bool):
        problems.append(Problem(where, "published", "schrijf true of false"))
    return collection


def _validate(
    collection: CollectionFile,
    taxonomy: Taxonomy,
    articles: dict[str, ArticleFile],
    problems: list[Problem],
) -> None:
    where = str(collection.path)

    def problem(name: str, message: str) -> None:
        problems.append(Problem(where, name, message))

    if not collection.title:
        problem("title", "verplicht veld ontbreekt")
    elif len(collection.title) > TITLE_MAX:
        problem("title", f"{len(collection.title)} tekens; hoogstens {TITLE_MAX}")
    if len(collection.description) > DESCRIPTION_MAX:
        problem("description", f"{len(collection.description)} tekens; hoogstens {DESCRIPTION_MAX}")
    if collection.scope not in CONTEXTS:
        problem("scope", f"kies uit {', '.join(CONTEXTS)}")
    elif collection.scope == "free" and collection.target:
        problem("target", "een vrij onderwerp heeft geen target")
    elif collection.scope != "free":
        _validate_target(collection, taxonomy, articles, problem)
    seen: set[str] = set()
    for index, (slug, note) in enumerate(collection.items):
        if slug not in articles:
            problem(f"items[{index}].article", f"onbekend artikel '{slug}'")
        if slug in seen:
            problem(f"items[{index}].article", f"'{slug}' staat er al in")
        seen.add(slug)
        if len(note) > NOTE_MAX:
            problem(f"items[{index}].note", f"{len(note)} tekens; hoogstens {NOTE_MAX}")


def _validate_target(
    collection: CollectionFile, taxonomy: Taxonomy, articles: dict[str, ArticleFile], problem: Any
) -> None:
    target = collection.target
    if collection.scope == "cop":
        article = articles.get(target)
        if article is None or article.kind != COP_KIND:
            problem("target", f"'{target}' is geen artikel van een Community of Practice")
    elif collection.scope == "advice":
        if not target.isdigit() or int(target) not in taxonomy.advice:
            problem("target", f"onbekend adviesnummer '{target}'")
    elif target not in taxonomy.themes:
        problem("target", f"onbekend thema '{target}'")
