"""Style warnings for article text: spelling variants from the Schrijfwijzer and sentences that
appear word for word in more than one article.

These are warnings, not errors: a sync never refuses content over them, `kb check-content`
reports them (and fails on them with --strict). The style guide itself is in content/README.md;
the variants below are the mechanical part of it. Terms whose choice depends on meaning
(jeugdhulp or jeugdzorg, swv after the full word) are left to the editor.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from kb.content.files import ArticleFile
from kb.content.taxonomy import Problem

# (variant as written, the form the Schrijfwijzer prescribes). Case-sensitive on purpose:
# "OOGO" is right where "oogo" is not.
SPELLING_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), preferred)
    for pattern, preferred in (
        (r"\b[Oo]nderwijs-zorgarrangement", "onderwijszorgarrangement"),
        (r"\b(?:oogo|Oogo)\b", "OOGO"),
        (r"\b[Tt]huis-zitt", "thuiszitter"),
        (r"\b[Ee]ntree-opleiding", "entreeopleiding"),
        (r"\bPO-raad\b", "PO-Raad"),
        (r"\bVO-Raad\b", "VO-raad"),
        (r"\b[Cc]oalitie onderwijs-zorg-jeugd\b", "Coalitie Onderwijs-Zorg-Jeugd"),
    )
)
MIN_SENTENCE_WORDS = 8

# Cited titles (italics) keep the spelling they were published with; link targets are slugs.
_CITED_OR_TARGET = re.compile(r"\*[^*\n]+\*|_[^_\n]+_|\]\([^)]*\)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#+\s+|>\s*|\|)")
# A semicolon joins two sentences that could stand alone; a colon usually opens a list.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\|\s*")
# A link on its own (a list of related articles) is navigation, not a sentence.
_LINK_ONLY = re.compile(r"^\[[^\]]*\]\([^)]*\)\W*$")
_WORD = re.compile(r"[0-9a-zà-ÿ]+(?:['’][a-z]+)?")


def spelling_warnings(article: ArticleFile) -> list[Problem]:
    """Return a warning for each spelling variant in the title, summary, body, organisations
    and contact (not in cited titles, link titles, source sections or the editor's note)."""
    fields = {
        "title": article.title,
        "summary": article.summary,
        "body": _CITED_OR_TARGET.sub(" ", article.body),
        "organisations": "; ".join(article.organisations),
        "contact": article.contact,
    }
    warnings = []
    for name, text in fields.items():
        for pattern, preferred in SPELLING_VARIANTS:
            found = sorted({m.group(0) for m in pattern.finditer(text)})
            for variant in found:
                warnings.append(
                    Problem(str(article.path), name, f"schrijf '{preferred}', niet '{variant}…'")
                )
    return warnings


def _sentences(markdown_text: str) -> Iterable[str]:
    """Yield the sentences of a Markdown text; list items, headings and table cells end one."""
    block: list[str] = []
    for line in markdown_text.splitlines() + [""]:
        if not line.strip() or _BLOCK_START.match(line):
            yield from _SENTENCE_END.split(" ".join(block))
            block = []
        if line.strip():
            block.append(_BLOCK_START.sub("", line))
    yield from _SENTENCE_END.split(" ".join(block))


def _key(sentence: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFC", sentence.lower())
    return tuple(_WORD.findall(_LINK_TARGET.sub("]", folded)))


def repeated_sentences(articles: list[ArticleFile]) -> list[Problem]:
    """Return a warning on every article for each sentence of MIN_SENTENCE_WORDS or more words
    that another article has word for word (summary and body)."""
    where: dict[tuple[str, ...], dict[str, ArticleFile]] = defaultdict(dict)
    shown: dict[tuple[str, ...], str] = {}
    for article in articles:
        for sentence in _sentences(f"{article.summary}\n\n{article.body}"):
            key = _key(sentence)
            if len(key) >= MIN_SENTENCE_WORDS and not _LINK_ONLY.match(sentence.strip()):
                where[key].setdefault(article.slug, article)
                shown.setdefault(key, " ".join(sentence.split()))
    warnings = []
    for key, found in where.items():
        if len(found) < 2:
            continue
        for slug, article in found.items():
            others = ", ".join(f"{other}.md" for other in found if other != slug)
            warnings.append(
                Problem(str(article.path), "body", f"zin staat ook in {others}: «{shown[key]}»")
            )
    return warnings


def style_warnings(articles: list[ArticleFile]) -> list[Problem]:
    """Return every style warning for a set of articles: spelling variants, repeated sentences."""
    warnings = [w for article in articles for w in spelling_warnings(article)]
    return warnings + repeated_sentences(articles)
