"""Synonym and abbreviation groups, edited online: validate, preview, save, delete.

Search reads the groups per query (cached on the change counter), so a saved group is in
effect on the next search of every worker, without a reindex. The preview asks the search for
what a query would also search on with the proposed groups: the same expansion code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kb import publishing, search
from kb.models import SynonymGroup, User, db
from kb.taxonomy import history
from kb.taxonomy.vocab import TaxonomyError

MAX_TERMS = 30
MAX_TERM_CHARS = 200


def groups() -> list[SynonymGroup]:
    """Return every synonym group, in the order search applies them."""
    return list(db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def group(group_id: int) -> SynonymGroup | None:
    """Return one synonym group."""
    return db.session.get(SynonymGroup, group_id)


def parse_terms(text: str) -> list[str]:
    """Split what the editor typed (one term per line, or separated by commas) into terms."""
    terms: list[str] = []
    seen: set[str] = set()
    for line in (text or "").replace(",", "\n").splitlines():
        term = " ".join(line.split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def check_terms(terms: list[str], group_id: int | None = None) -> list[str]:
    """Validate a group's terms against each other and the other groups; raise TaxonomyError."""
    if len(terms) < 2:
        raise TaxonomyError("Geef minstens twee termen: de term en zijn synoniem of "
                            "afkorting.", "terms")  # fmt: skip
    if len(terms) > MAX_TERMS:
        raise TaxonomyError(f"Geef hoogstens {MAX_TERMS} termen per groep.", "terms")
    for term in terms:
        if len(term) > MAX_TERM_CHARS:
            raise TaxonomyError(f"Maak ‘{term[:40]}…’ korter: hoogstens {MAX_TERM_CHARS} "
                                "tekens.", "terms")  # fmt: skip
    wanted = {t.casefold(): t for t in terms}
    for other in groups():
        if other.id == group_id:
            continue
        for term in other.terms:
            if term.casefold() in wanted:
                raise TaxonomyError(
                    f"‘{wanted[term.casefold()]}’ staat al in de groep "
                    f"‘{', '.join(other.terms[:4])}’; voeg de termen daar toe.",
                    "terms",
                )
    return terms


@dataclass
class PreviewRow:
    """What one query searches on now and what it will search on after saving."""

    query: str
    now: list[str]
    after: list[str]


def preview(terms: list[str], group_id: int | None = None, probe: str = "") -> list[PreviewRow]:
    """Return, per term (and the probe query), what search adds now and with the proposal."""
    proposed = [list(g.terms) for g in groups() if g.id != group_id]
    if terms:
        proposed.append(list(terms))
    queries = list(dict.fromkeys([*([probe.strip()] if probe.strip() else []), *terms]))
    return [PreviewRow(q, search.also_searches(q), search.also_searches(q, proposed))
            for q in queries[:MAX_TERMS + 1]]  # fmt: skip


def save(row: SynonymGroup | None, terms: list[str], user: User) -> SynonymGroup:
    """Save a new or changed group; in effect from the next search on (no reindex)."""
    check_terms(terms, row.id if row else None)
    if row is None:
        row = SynonymGroup(terms=list(terms))
        db.session.add(row)
        db.session.flush()
        history.record(user, "synonym-add", "synonym", f"Synoniemen ‘{', '.join(terms)}’ "
                       "toegevoegd", None, {"id": row.id, "terms": list(terms)})  # fmt: skip
    elif list(row.terms) != list(terms):
        before = {"id": row.id, "terms": list(row.terms)}
        row.terms = list(terms)
        history.record(user, "synonym-edit", "synonym", f"Synoniemen ‘{', '.join(terms)}’ "
                       "gewijzigd", before, {"id": row.id, "terms": list(terms)})  # fmt: skip
    publishing.commit_and_index()
    return row


def delete(row: SynonymGroup, user: User) -> None:
    """Delete a group; search stops treating its terms as the same at once."""
    history.record(user, "synonym-delete", "synonym", f"Synoniemen ‘{', '.join(row.terms)}’ "
                   "verwijderd", {"id": row.id, "terms": list(row.terms)}, None)  # fmt: skip
    db.session.delete(row)
    publishing.commit_and_index()


def restore_group(data: dict | None, current: dict | None) -> None:
    """Bring a group from state `current` back to `data` (None: delete it); for undo."""
    row = group(int(current["id"])) if current else None
    if current is not None and (row is None or list(row.terms) != list(current["terms"])):
        raise TaxonomyError("Deze groep is daarna nog gewijzigd; maak eerst de latere "
                            "wijziging ongedaan.")  # fmt: skip
    if data is None:
        db.session.delete(row)
    elif row is None:
        check_terms(list(data["terms"]))
        db.session.add(SynonymGroup(terms=list(data["terms"])))
    else:
        check_terms(list(data["terms"]), row.id)
        row.terms = list(data["terms"])
    db.session.flush()
