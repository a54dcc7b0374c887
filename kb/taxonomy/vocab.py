"""What the taxonomy editor can change: the four vocabularies, their fields and their counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column, select, union_all

from kb.models import (
    Advice,
    Article,
    Region,
    Sector,
    Theme,
    article_advice,
    article_region,
    article_sector,
    article_theme,
    db,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64


class TaxonomyError(ValueError):
    """A change that cannot be made; the message is Dutch and meant for the editor."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Subject:
    """One vocabulary: its model, the fields an editor sets, and how articles link to it."""

    name: str  # theme | sector | region | advice (code, history, redirects)
    segment: str  # the Dutch URL part: thema | sector | regio | advies
    model: type
    fields: tuple[str, ...]
    label_field: str
    singular: str
    plural: str
    link_table: Any
    link_column: Any

    @property
    def key_field(self) -> str:
        """Return the field that identifies a row (slug, or the advies number)."""
        return "number" if self.name == "advice" else "slug"

    @property
    def retirable(self) -> bool:
        """Tell whether rows can be retired (adviezen are fixed: seven, always offered)."""
        return "retired" in self.fields


SUBJECTS: dict[str, Subject] = {
    s.name: s
    for s in (
        Subject("theme", "thema", Theme, ("slug", "label", "description", "position", "retired"),
                "label", "thema", "thema's", article_theme, article_theme.c.theme_id),
        Subject("sector", "sector", Sector, ("slug", "label", "position", "retired"),
                "label", "sector", "sectoren", article_sector, article_sector.c.sector_id),
        Subject("region", "regio", Region, ("slug", "name", "aliases", "provinces",
                "municipalities", "lat", "lon", "retired"),
                "name", "regio", "regio's", article_region, article_region.c.region_id),
        Subject("advice", "advies", Advice, ("number", "slug", "label"), "label", "advies",
                "adviezen", article_advice, article_advice.c.advice_number),
    )
}  # fmt: skip
BY_SEGMENT = {s.segment: s for s in SUBJECTS.values()}


def state(subject: Subject, row: Any) -> dict[str, Any]:
    """Return a row's editable fields as plain data (for the history and undo)."""
    data = {}
    for name in subject.fields:
        value = getattr(row, name)
        data[name] = list(value) if isinstance(value, list) else value
    return data


def row_id(subject: Subject, row: Any) -> int:
    """Return the value articles link by (the id, or the advies number)."""
    return row.number if subject.name == "advice" else row.id


def find(subject: Subject, key: Any) -> Any:
    """Return the row with this slug (or advies number), or None."""
    if subject.name == "advice":
        return db.session.get(Advice, int(key)) if str(key).isdigit() else None
    return db.session.scalar(select(subject.model).where(subject.model.slug == str(key)))


def rows(subject: Subject) -> list[Any]:
    """Return every row of a vocabulary in display order."""
    model = subject.model
    if subject.name == "advice":
        order = Advice.number
    elif subject.name == "region":
        order = Region.name
    else:
        order = model.position
    return list(db.session.scalars(select(model).order_by(order)))


def article_counts() -> dict[str, dict[int, int]]:
    """Count published articles per theme, sector, region and advies: one grouped query."""
    parts = [
        select(literal_column(f"'{s.name}'").label("subject"), s.link_column.label("key"),
               func.count().label("n"))
        .join(Article, Article.id == s.link_table.c.article_id)
        .where(Article.status == "published")
        .group_by(s.link_column)
        for s in SUBJECTS.values()
    ]  # fmt: skip
    counts: dict[str, dict[int, int]] = {name: {} for name in SUBJECTS}
    for subject, key, n in db.session.execute(union_all(*parts)):
        counts[subject][key] = n
    return counts


def article_ids(subject: Subject, row: Any) -> list[int]:
    """Return the ids of every article (any status) linked to a row."""
    table = subject.link_table
    return list(db.session.scalars(
        select(table.c.article_id).where(subject.link_column == row_id(subject, row))))  # fmt: skip


def check_slug(subject: Subject, slug: str, row: Any = None) -> str:
    """Validate a slug for a row (None: a new row); return it or raise TaxonomyError."""
    slug = (slug or "").strip()
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise TaxonomyError(
            "Schrijf het adres met kleine letters, cijfers en streepjes, bijvoorbeeld "
            f"‘jeugd-en-onderwijs’ (hoogstens {SLUG_MAX} tekens).",
            "slug",
        )
    other = find(subject, slug) if subject.name != "advice" else db.session.scalar(
        select(Advice).where(Advice.slug == slug))  # fmt: skip
    if other is not None and other is not row:
        raise TaxonomyError(f"Het adres ‘{slug}’ is al in gebruik.", "slug")
    return slug
