"""Differences between two saved states (submission versions, article revisions), for people.

Text fields are compared line by line with difflib, and a changed line word by word, so an
editor sees what changed inside a paragraph. Taxonomy fields show labels (theme names, region
names, advice titles) instead of slugs, as what was removed, added and kept.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from kb import queries

# Field name -> the facet whose labels it holds.
TAXONOMY_FIELDS = {
    "themes": "theme",
    "sectors": "sector",
    "regions": "region",
    "region": "region",
    "advice": "advice",
    "kind": "kind",
}
_WORDS = re.compile(r"\s+|[^\s]+")
# Unchanged lines shown around a change; longer unchanged runs fold into one "skip" line.
CONTEXT = 2


@dataclass
class Piece:
    """A run of text that is the same in both states, only in the old one or only in the new."""

    op: str  # "same", "removed" or "added"
    text: str


@dataclass
class FieldDiff:
    """How one field differs: lines of pieces for text, label sets for taxonomy."""

    name: str
    label: str
    lines: list[tuple[str, list[Piece]]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def is_taxonomy(self) -> bool:
        """Tell whether this field holds taxonomy labels (shown as removed/added/kept)."""
        return self.name in TAXONOMY_FIELDS


def labels(name: str, value: Any) -> list[str]:
    """Return the labels of a taxonomy field's value, in its order (unknown slugs as they are)."""
    names = queries.facet_labels()[TAXONOMY_FIELDS[name]]
    values = value if isinstance(value, list | tuple) else ([value] if value else [])
    return [names.get(str(v), str(v)) for v in values]


def _words(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """Return the pieces of a changed line pair: the old line's and the new line's."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    before: list[Piece] = []
    after: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            before.append(Piece("same", "".join(a[i1:i2])))
            after.append(Piece("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            before.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            after.append(Piece("added", "".join(b[j1:j2])))
    return _merge(before), _merge(after)


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces of one kind, and the spaces between two changed words."""
    out: list[Piece] = []
    for index, piece in enumerate(pieces):
        following = pieces[index + 1].op if index + 1 < len(pieces) else None
        last = out[-1].op if out else None
        gap = piece.op == "same" and piece.text.isspace() and following == last
        if last is not None and (piece.op == last or gap):
            out[-1].text += piece.text
        else:
            out.append(Piece(piece.op, piece.text))
    return out


def _normalised(text: str) -> str:
    """Return text with its line endings unified (a browser sends CRLF) and ends stripped."""
    return "\n".join(line.rstrip() for line in (text or "").splitlines()).strip()


def _fold(lines: list[tuple[str, list[Piece]]]) -> list[tuple[str, list[Piece]]]:
    """Keep CONTEXT unchanged lines around each change; fold longer unchanged runs."""
    changed = [i for i, (op, _) in enumerate(lines) if op != "same"]
    keep = {j for i in changed for j in range(i - CONTEXT, i + CONTEXT + 1)}
    out: list[tuple[str, list[Piece]]] = []
    skipped = 0

    def skip(count: int) -> tuple[str, list[Piece]]:
        return ("skip", [Piece("same", f"… {count} ongewijzigde regel{'s' if count > 1 else ''}")])

    for index, line in enumerate(lines):
        if index in keep:
            if skipped:
                out.append(skip(skipped))
                skipped = 0
            out.append(line)
        else:
            skipped += 1
    if skipped:
        out.append(skip(skipped))
    return out


def text_lines(old: str, new: str) -> list[tuple[str, list[Piece]]]:
    """Return an inline diff: (op, pieces) per line, op "same", "removed", "added" or "skip"."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    lines: list[tuple[str, list[Piece]]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(("same", [Piece("same", line)]) for line in a[i1:i2])
        elif op == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(a[i1:i2], b[j1:j2], strict=True):
                before, after = _words(old_line, new_line)
                lines.extend((("removed", before), ("added", after)))
        else:
            lines.extend(("removed", [Piece("removed", line)]) for line in a[i1:i2])
            lines.extend(("added", [Piece("added", line)]) for line in b[j1:j2])
    return _fold(lines)


def compare(
    before: dict[str, Any], after: dict[str, Any], fields: list[tuple[str, str]]
) -> list[FieldDiff]:
    """Return the fields (name, label) whose values differ between two states, in that order."""
    diffs = []
    for name, label in fields:
        old, new = before.get(name), after.get(name)
        if old == new or (not old and not new):
            continue
        item = FieldDiff(name, label)
        if name in TAXONOMY_FIELDS:
            old_labels, new_labels = labels(name, old), labels(name, new)
            item.removed = [x for x in old_labels if x not in new_labels]
            item.added = [x for x in new_labels if x not in old_labels]
            item.kept = [x for x in new_labels if x in old_labels]
        else:
            before_text, after_text = _normalised(str(old or "")), _normalised(str(new or ""))
            if before_text == after_text:
                continue  # only line endings or trailing spaces differ
            item.lines = text_lines(before_text, after_text)
        diffs.append(item)
    return diffs
