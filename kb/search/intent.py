"""What a query asks for, as rules any search engine can apply (Whoosh today, PostgreSQL next).

The rules work on folded words (`analysis.fold`) and analysed terms, never on an engine's query
objects, so every backend ranks by the same logic:

- `content_words`: question words and fillers ("hoe", "welke", "eigenlijk") are not required;
- `minimum_should_match` and `coordination`: how many of the remaining words a document must
  hold, and how much a document that misses some is worth (Lucene's classic coord factor);
- `adjacent_pairs`: neighbouring query words whose phrase earns a bonus;
- `split_on_vocabulary`: an unknown compound split into the longest words the index knows, at
  both ends, over the Dutch linking -s-, -e- and -en- (`zorgadviesteam` -> zorg, adviesteam);
- `coordinated_head` and `TermStream` (from analysis, re-exported): the terms the index holds
  for a text, including the expanded parts of "zorg- en adviesteam" (zorgteam, adviesteam);
- `cognates`: Dutch spellings of an English word (`transformative` -> transformatief, ...);
- `Concept`, `concepts` and `compile_concepts`: a theme's label, description and curated synonyms
  as one concept a query may name in other words.

How a backend applies them (Whoosh: `kb.search.query.build`, `expansion`, `ranking`): index the
terms `TermStream` gives; for a query, keep `content_words`, make one clause per word or synonym
group (`query.compile_synonyms`); a word the index lacks becomes its known `cognates`, else the
phrase of its `split_on_vocabulary` parts; in a query of two words or more, a word for which
`named_concept` (with the word's share of articles) gives a theme also matches the articles
tagged with it (weight `CONCEPT_WEIGHT`); a document must hold `minimum_should_match` clauses,
its score is the clauses' sum times `coordination`, plus the phrase of each of
`adjacent_pairs` in title and summary.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kb.search.analysis import LINKS, TOKEN_RE, DutchAnalysis, TermStream, coordinated_head, fold

# Words that frame a question without saying what it is about. The Dutch stop list already
# drops hoe, wat, wie, kan, je, een ...; these remain indexed (a title may use them) but a query
# does not require them. Folded forms.
_FILLERS = """
    welke welk waarom waar wanneer waarmee waarvoor waardoor hoeveel hoelang
    kun kunt jij jou jouw jullie we wij onze mag mogen moeten zullen willen wilt
    gaat gaan krijg krijgt krijgen zit zitten elkaar eigenlijk precies graag even
    wel heel erg echt zoek zoeken zoekt vind vinden vindt informatie info
    bijvoorbeeld manier manieren iemand ergens
"""
FILLER_WORDS = frozenset(_FILLERS.split())

CONCEPT_WEIGHT = 0.5  # a concept named in other words counts as a synonym does, below the word
MAX_CONCEPTS_PER_WORD = 1  # a word shared by several themes says nothing about one of them
MAX_TRIGGER_SHARE = 0.4  # nor does a word in more than 40 % of the articles ("werk", "ouders")


def is_filler(word: str) -> bool:
    """Tell whether a word only frames the question."""
    return fold(word) in FILLER_WORDS


def content_words(tokens: Sequence[str]) -> list[str]:
    """Return the tokens without fillers; all of them when nothing else is left."""
    kept = [t for t in tokens if not is_filler(t)]
    return kept or list(tokens)


def minimum_should_match(count: int) -> int:
    """Return how many of count query words (or synonym groups) a document must hold.

    One or two words: all of them. From three on: 60 % rounded up, so one word in three or
    four may be missing, two in five or six, three in eight.
    """
    if count <= 2:
        return count
    return math.ceil(count * 0.6)


def coordination(matched: int, count: int) -> float:
    """Return the score factor of a document holding matched of count query words."""
    return math.sqrt(matched / count) if count else 1.0


def adjacent_pairs(tokens: Sequence[str], stop: Callable[[str], bool]) -> list[tuple[str, str]]:
    """Return neighbouring tokens (stop words skipped, as the index skips them) that are both
    content words: the pairs whose phrase is worth a bonus."""
    words = [t for t in tokens if not stop(t)]
    return [
        (a, b)
        for a, b in zip(words, words[1:], strict=False)
        if not is_filler(a) and not is_filler(b)
    ]


MAX_SPLIT_CHARS = 32  # longer "words" are no compounds a reader types (and bound the work)
MAX_UNKNOWN_WORDS = 6  # unknown words per query that the rules try; the rest are taken as typed


def split_on_vocabulary(
    word: str, known: Callable[[str], bool], min_part: int = 4
) -> tuple[str, ...] | None:
    """Split a folded compound into words the vocabulary knows, or return None.

    The longest known head first; the tail is taken whole when known, else split the same
    way; a linking -s-, -en- or -e- may sit between two parts (`thuiszitterstafel` ->
    thuiszitters, tafel; `jeugdgezinscoaches` -> jeugd, gezinscoaches).
    """
    if len(word) > MAX_SPLIT_CHARS:
        return None
    tails: dict[str, tuple[str, ...] | None] = {}  # each tail split once, whatever the path

    def split(rest_word: str) -> tuple[str, ...] | None:
        if rest_word in tails:
            return tails[rest_word]
        tails[rest_word] = None
        for cut in range(len(rest_word) - min_part, min_part - 1, -1):
            head, rest = rest_word[:cut], rest_word[cut:]
            if not known(head):
                continue
            for link in LINKS:
                if not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if len(tail) < min_part:
                    continue
                parts = (tail,) if known(tail) else split(tail)
                if parts:
                    tails[rest_word] = (head, *parts)
                    return tails[rest_word]
        return None

    return split(word)


# English endings and their Dutch counterparts in this field's vocabulary.
_COGNATE_ENDINGS = (
    ("ative", ("atief", "atieve")),
    ("ive", ("ief", "ieve")),
    ("ation", ("atie",)),
    ("tion", ("tie",)),
    ("ity", ("iteit",)),
    ("ism", ("isme",)),
    ("ical", ("isch", "ische")),
    ("ic", ("isch", "ische", "iek")),
    ("ary", ("air", "aire")),
    ("ence", ("entie",)),
    ("ance", ("antie",)),
    ("ology", ("ologie",)),
    ("y", ("ie",)),
)


def cognates(word: str) -> tuple[str, ...]:
    """Return Dutch spellings of an English word (folded), most likely first; the caller keeps
    those its vocabulary knows, so a Dutch word that happens to end the same way is untouched."""
    word = fold(word)
    found: list[str] = []
    for ending, dutch in _COGNATE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem_part = word[: -len(ending)]
            found.extend(stem_part + d for d in dutch)
    return tuple(dict.fromkeys(f for f in found if f != word))


# --- concepts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """A theme as a concept: its label, and the words that name it (raw text)."""

    slug: str
    label: str
    words: tuple[str, ...]


def concepts(
    themes: Iterable[tuple[str, str, Sequence[str]]], synonym_groups: Iterable[Sequence[str]]
) -> tuple[Concept, ...]:
    """Return a concept per theme (slug, label, its texts: description and curated terms): the
    label and those texts, plus every synonym group that names the label or one of its words."""
    groups = [tuple(g) for g in synonym_groups]
    found = []
    for slug, label, texts in themes:
        label_words = {fold(w) for w in TOKEN_RE.findall(label)} | {fold(label)}
        words = [label, *texts]
        for group in groups:
            if any(fold(term) in label_words for term in group):
                words.extend(group)
        found.append(Concept(slug, label, tuple(words)))
    return tuple(found)


@dataclass(frozen=True)
class ConceptIndex:
    """Analysed term -> the one concept it names, and each concept's analysed label."""

    by_term: dict[str, Concept]
    labels: dict[str, tuple[str, ...]]


def compile_concepts(analysis: DutchAnalysis, found: Iterable[Concept]) -> ConceptIndex:
    """Analyse every concept's words; keep the terms that name a single concept."""
    owners: dict[str, set[str]] = {}
    by_slug: dict[str, Concept] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for concept in found:
        by_slug[concept.slug] = concept
        label_terms = []
        for token in TOKEN_RE.findall(concept.label):
            terms = analysis.terms(token)
            if terms is not None:
                label_terms.extend(terms.leaves or (terms.joined,))
        labels[concept.slug] = tuple(label_terms)
        for text in concept.words:
            for token in TOKEN_RE.findall(text):
                terms = analysis.terms(token)
                if terms is not None and len(terms.joined) >= 4:
                    owners.setdefault(terms.joined, set()).add(concept.slug)
    by_term = {
        term: by_slug[next(iter(slugs))]
        for term, slugs in owners.items()
        if len(slugs) <= MAX_CONCEPTS_PER_WORD
    }
    return ConceptIndex(by_term, labels)


def named_concept(index: ConceptIndex, term: str, share: float = 0.0) -> Concept | None:
    """Return the concept an analysed query term names, or None; share is the part of the
    articles that hold the term (a common word names no concept)."""
    if share > MAX_TRIGGER_SHARE:
        return None
    return index.by_term.get(term)


__all__ = [
    "CONCEPT_WEIGHT",
    "FILLER_WORDS",
    "MAX_UNKNOWN_WORDS",
    "Concept",
    "ConceptIndex",
    "TermStream",
    "adjacent_pairs",
    "cognates",
    "compile_concepts",
    "concepts",
    "content_words",
    "coordinated_head",
    "coordination",
    "is_filler",
    "minimum_should_match",
    "named_concept",
    "split_on_vocabulary",
]
