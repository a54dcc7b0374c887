"""Rules for words the index does not hold as typed, and for what a query implies beyond its
words: cognates, compounds split on the index's own vocabulary, two words the index holds as one
compound, a theme named in other words, and the phrase bonus of neighbouring words.

The decisions are `kb.search.intent`'s (engine-neutral); this module turns them into whoosh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from whoosh import query as wq

from kb.search import intent
from kb.search.analysis import STOP_WORDS, DutchAnalysis, WordTerms, fold, stem
from kb.search.fields import FIELD_BOOSTS, PHRASE_FIELDS, Or, fields

PHRASE_BONUS = 1.0  # neighbouring words as a phrase in a title or summary add their weight again
COGNATE_WEIGHT = 0.9  # a Dutch spelling of the English word typed


class ConstantPhrase(wq.Phrase):
    """A phrase scored as a constant on the documents that hold it (the phrase bonus, a theme's
    label as a concept): ranking takes its documents from the cached bit set and never reads
    positions or scores its words again."""


@dataclass
class Vocabulary:
    """What the index knows, for the rules that apply to words it does not (compounds split on
    its own terms, cognates); `known` tells whether an analysed term is indexed."""

    known: Callable[[str], bool]
    concepts: intent.ConceptIndex | None = None
    share: Callable[[str], float] = lambda term: 0.0  # part of the articles holding a term


def _known_word(analysis: DutchAnalysis, vocabulary: Vocabulary) -> Callable[[str], bool]:
    def known(word: str) -> bool:
        return len(word) >= 3 and (vocabulary.known(stem(word)) or word in analysis.lexicon)

    return known


def unknown_word(
    analysis: DutchAnalysis, terms: WordTerms, vocabulary: Vocabulary, wanted: set[str]
) -> wq.Query | None:
    """Return the clause of a word the index lacks: the Dutch cognates it knows, else the
    word's parts split on the index's vocabulary as a phrase (they are adjacent in "zorg- en
    adviesteam": stop words take no position)."""
    if terms.surface.isdigit() or not terms.surface.isalpha():
        return None
    spellings = [stem(c) for c in intent.cognates(terms.surface)]
    spellings = [t for t in dict.fromkeys(spellings) if vocabulary.known(t)]
    if spellings:
        wanted.update(spellings)
        return Or([fields(t, COGNATE_WEIGHT) for t in spellings])
    parts = intent.split_on_vocabulary(terms.surface, _known_word(analysis, vocabulary))
    if not parts:
        return None
    sequence: list[str] = []
    for part in parts:
        part_terms = analysis.terms(part)
        if part_terms is not None:
            sequence.extend(part_terms.leaves or (part_terms.joined,))
    if len(sequence) < 2:
        return None
    wanted.update(sequence)
    return Or([wq.Phrase(name, sequence) for name in PHRASE_FIELDS])


def _dutch_surface(terms: WordTerms, vocabulary: Vocabulary) -> str:
    """The word as the index would know it: itself, or its first known Dutch cognate."""
    if vocabulary.known(terms.joined):
        return terms.surface
    for spelling in intent.cognates(terms.surface):
        if vocabulary.known(stem(spelling)):
            return spelling
    return terms.surface


def joined_pair(
    words: Sequence[WordTerms], position: int, vocabulary: Vocabulary | None, wanted: set[str]
) -> wq.Query | None:
    """Return one clause for two typed words the index knows only as one compound
    ("participatie scan" -> participatiescan): the compound or both words. Only when one of
    the two is unknown to the index, so pairs it knows apart keep counting as two words."""
    if vocabulary is None or position + 1 >= len(words):
        return None
    first, second = words[position], words[position + 1]
    if vocabulary.known(first.joined) and vocabulary.known(second.joined):
        return None
    if not (first.surface.isalpha() and second.surface.isalpha()):
        return None
    compound = stem(_dutch_surface(first, vocabulary) + _dutch_surface(second, vocabulary))
    if not vocabulary.known(compound):
        return None
    wanted.update((compound, first.joined, second.joined))
    return Or([fields(compound), wq.And([fields(first.joined), fields(second.joined)])])


def concept_clause(vocabulary: Vocabulary | None, typed: Sequence[WordTerms]) -> wq.Query | None:
    """Return the theme a word names as a clause (its label in the labels of the articles
    tagged with it), or None."""
    if vocabulary is None or vocabulary.concepts is None:
        return None
    for terms in typed:
        if terms.joined not in vocabulary.concepts.by_term:
            continue
        concept = intent.named_concept(
            vocabulary.concepts, terms.joined, vocabulary.share(terms.joined)
        )
        if concept is not None:
            label = vocabulary.concepts.labels[concept.slug]
            boost = FIELD_BOOSTS["labels"] * intent.CONCEPT_WEIGHT
            if len(label) == 1:
                return wq.Term("labels", label[0], boost=boost)
            return ConstantPhrase("labels", list(label), boost=boost)
    return None


def bonus_phrases(analysis: DutchAnalysis, tokens: Sequence[str]) -> list[wq.Query]:
    """Return phrases of neighbouring query words in the short fields, where they say most;
    the body is left out because reading its positions for common pairs costs more than a
    search."""
    bonus = []
    for first, second in intent.adjacent_pairs(tokens, lambda t: fold(t) in STOP_WORDS):
        a, b = analysis.terms(first), analysis.terms(second)
        if a is None or b is None:
            continue
        sequence = [*(a.leaves or (a.joined,)), *(b.leaves or (b.joined,))]
        for name in ("title", "summary"):
            bonus.append(ConstantPhrase(name, sequence, boost=FIELD_BOOSTS[name] * PHRASE_BONUS))
    return bonus
