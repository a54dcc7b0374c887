"""Read article files (Markdown with YAML front matter) and validate them against the schema.

Validation collects every problem of a run, each with file and field, so an author fixes a
whole batch at once instead of one error per run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from kb.content.taxonomy import HTTPS_URL, Problem, Taxonomy
from kb.render import Rendered, render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REFERENCE_DATE = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2]))?$")
REQUIRED_FIELDS = (
    "title",
    "kind",
    "summary",
    "regions",
    "themes",
    "reference_date",
    "sources",
    "links",
)
# An article published from a submission keeps the rules it was published under (region,
# themes, summary, cited to the submitting organisation): `origin: submission`, written by
# `kb export-content`. The editorial rules for written articles (links, lengths, sections,
# sources from sources.yml) are not asked of it.
SUBMISSION = "submission"
SUBMISSION_REQUIRED = ("title", "kind", "summary", "regions", "themes", "reference_date")
OPTIONAL_FIELDS = (
    "origin",
    "advice",
    "sectors",
    "related",
    "updated",
    "organisations",
    "contact",
    "editor_note",
)
SUMMARY_MIN, SUMMARY_MAX = 80, 600
THEMES_MIN, THEMES_MAX = 1, 5


@dataclass
class ArticleFile:
    """One parsed article file: its front matter as typed values and its rendered body."""

    path: Path
    slug: str
    checksum: str
    title: str = ""
    kind: str = ""
    summary: str = ""
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    advice: list[int] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    reference_date: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    updated: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    contact: str = ""
    editor_note: str = ""
    origin: str = "content"
    body: str = ""
    rendered: Rendered | None = None


def file_checksum(data: bytes) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_article(path: Path, problems: list[Problem]) -> ArticleFile | None:
    """Parse one file; add problems for anything that cannot be read at all."""
    where = str(path)
    data = path.read_bytes()
    slug = path.stem
    if not SLUG.match(slug):
        problems.append(
            Problem(where, "bestandsnaam", "slug: kleine letters, cijfers en koppeltekens")
        )
    try:
        post = frontmatter.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(where, "-", "bestand is geen UTF-8"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(where, "front matter", f"geen geldige YAML: {exc}"))
        return None
    meta = post.metadata
    if not meta:
        problems.append(Problem(where, "front matter", "ontbreekt (begin met ---)"))
        return None
    for name in meta:
        if name not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            problems.append(Problem(where, name, "onbekend veld"))
    origin = str(meta.get("origin") or "content")
    if origin not in ("content", SUBMISSION):
        problems.append(Problem(where, "origin", f"alleen '{SUBMISSION}'"))
    for name in SUBMISSION_REQUIRED if origin == SUBMISSION else REQUIRED_FIELDS:
        if meta.get(name) in (None, "", []):
            problems.append(Problem(where, name, "verplicht veld ontbreekt"))
    updated = meta.get("updated")
    article = ArticleFile(
        path=path,
        slug=slug,
        checksum=file_checksum(data),
        title=str(meta.get("title") or "").strip(),
        kind=str(meta.get("kind") or ""),
        summary=" ".join(str(meta.get("summary") or "").split()),
        regions=[str(v) for v in _as_list(meta.get("regions"))],
        themes=[str(v) for v in _as_list(meta.get("themes"))],
        sectors=[str(v) for v in _as_list(meta.get("sectors"))],
        reference_date=str(meta.get("reference_date") or ""),
        related=[str(v) for v in _as_list(meta.get("related"))],
        updated=str(updated) if updated else None,
        organisations=[str(v).strip() for v in _as_list(meta.get("organisations"))],
        contact=" ".join(str(meta.get("contact") or "").split()),
        editor_note=str(meta.get("editor_note") or "").strip(),
        origin=origin,
        body=post.content,
    )
    for index, link in enumerate(_as_list(meta.get("links"))):
        if not isinstance(link, dict):
            problems.append(Problem(where, f"links[{index}]", "verwacht title en url"))
            continue
        article.links.append({k: str(v).strip() for k, v in link.items() if v is not None})
    for value in _as_list(meta.get("advice")):
        if isinstance(value, int) and not isinstance(value, bool):
            article.advice.append(value)
        else:
            problems.append(Problem(where, "advice", f"'{value}' is geen adviesnummer"))
    for index, src in enumerate(_as_list(meta.get("sources"))):
        if not isinstance(src, dict):
            problems.append(Problem(where, f"sources[{index}]", "verwacht id en section"))
            continue
        article.sources.append({k: str(v) for k, v in src.items() if v is not None})
    article.rendered = render_markdown(article.body)
    return article


def validate_article(article: ArticleFile, taxonomy: Taxonomy, problems: list[Problem]) -> None:
    """Check one parsed article against the schema and the taxonomy."""
    where = str(article.path)

    def problem(name: str, message: str) -> None:
        problems.append(Problem(where, name, message))

    kind = taxonomy.kinds.get(article.kind)
    if article.kind and kind is None:
        problem("kind", f"onbekende soort '{article.kind}'")
    submitted = article.origin == SUBMISSION
    if article.summary and not submitted and not SUMMARY_MIN <= len(article.summary) <= SUMMARY_MAX:
        problem("summary", f"{len(article.summary)} tekens; {SUMMARY_MIN} tot {SUMMARY_MAX}")
    for name, values, known in (
        ("regions", article.regions, taxonomy.regions),
        ("themes", article.themes, taxonomy.themes),
        ("sectors", article.sectors, taxonomy.sectors),
    ):
        for value in values:
            if value not in known:
                problem(name, f"onbekende waarde '{value}'")
        if len(set(values)) != len(values):
            problem(name, "dubbele waarde")
    if article.themes and not THEMES_MIN <= len(article.themes) <= THEMES_MAX:
        problem("themes", f"{len(article.themes)} thema's; {THEMES_MIN} tot {THEMES_MAX}")
    for number in article.advice:
        if number not in taxonomy.advice:
            problem("advice", f"onbekend adviesnummer {number}")
    if article.reference_date and not REFERENCE_DATE.match(article.reference_date):
        problem("reference_date", "schrijf als JJJJ of JJJJ-MM")
    if article.updated:
        try:
            date.fromisoformat(article.updated)
        except ValueError:
            problem("updated", "schrijf als JJJJ-MM-DD")
    for index, src in enumerate(article.sources):
        if submitted and "id" not in src:
            if set(src) != {"organisation"}:
                problem(f"sources[{index}]", "een inzending noemt alleen de organisation")
            continue
        if src.get("id") not in taxonomy.sources:
            problem(f"sources[{index}].id", f"onbekende bron '{src.get('id')}'")
        if not src.get("section"):
            problem(f"sources[{index}].section", "hoofdstuk of paragraaf ontbreekt")
    _validate_links(article, problem)
    _validate_body(article, None if submitted else kind, problem)


def _validate_links(article: ArticleFile, problem: Any) -> None:
    for index, link in enumerate(article.links):
        if set(link) - {"title", "url"}:
            problem(f"links[{index}]", "alleen title en url")
        if not link.get("title"):
            problem(f"links[{index}].title", "beschrijving van de link ontbreekt")
        if not HTTPS_URL.match(link.get("url", "")):
            problem(f"links[{index}].url", "schrijf een volledige https://-URL")


def _validate_body(article: ArticleFile, kind: dict[str, Any] | None, problem: Any) -> None:
    if re.search(r"^# ", article.body, flags=re.MULTILINE):
        problem("body", "geen kop van niveau 1 (de titel staat al boven het artikel)")
    if kind is None or article.rendered is None:
        return
    minimum = int(kind.get("min_body_chars") or 0)
    if len(article.rendered.text) < minimum:
        problem("body", f"{len(article.rendered.text)} tekens; minimaal {minimum} voor deze soort")
    present = {name.strip().lower() for _, name in article.rendered.headings}
    for section in kind.get("required_sections") or []:
        if section.lower() not in present:
            problem("body", f"verplichte sectie '## {section}' ontbreekt")


def validate_collection(articles: list[ArticleFile], problems: list[Problem]) -> None:
    """Check what spans articles: unique titles, and links and related slugs that resolve."""
    slugs = {a.slug for a in articles}
    seen_titles: dict[str, str] = {}
    for article in articles:
        key = article.title.casefold()
        if key in seen_titles:
            problems.append(
                Problem(str(article.path), "title", f"zelfde titel als {seen_titles[key]}")
            )
        else:
            seen_titles[key] = str(article.path)
        for slug in article.related:
            if slug not in slugs:
                problems.append(Problem(str(article.path), "related", f"onbekend artikel '{slug}'"))
            elif slug == article.slug:
                problems.append(Problem(str(article.path), "related", "verwijst naar zichzelf"))
        for slug in article.rendered.links if article.rendered else []:
            if slug not in slugs:
                problems.append(
                    Problem(str(article.path), "body", f"link naar onbekend artikel '{slug}.md'")
                )


def read_articles(directory: Path, taxonomy: Taxonomy) -> tuple[list[ArticleFile], list[Problem]]:
    """Parse and validate every article file in a directory."""
    problems: list[Problem] = []
    articles: list[ArticleFile] = []
    for path in sorted(directory.glob("*.md")):
        article = parse_article(path, problems)
        if article is None:
            continue
        validate_article(article, taxonomy, problems)
        articles.append(article)
    validate_collection(articles, problems)
    return articles, problems
