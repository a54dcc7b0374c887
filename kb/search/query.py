"""Turn what a reader typed into a whoosh query: words, "phrases", -exclusions and synonyms.

The syntax is deliberately small and forgiving: a balanced pair of double quotes makes a phrase,
a leading minus excludes a word or phrase, everything else is plain words. Anything else
(unbalanced quotes, brackets, a lone `*`, boolean words, 2,000 characters) is just text, so no
input can raise. Synonym groups come from the database and are applied here, per query, so an
editor's change (online or in `synonyms.yml`) needs no reindex; `also_searched` tells an editor
what a query adds, with the same matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh.support.levenshtein import distance

from kb.search import intent
from kb.search.analysis import TOKEN_RE, DutchAnalysis, WordTerms, fold
from kb.search.expansion import (
    Vocabulary,
    bonus_phrases,
    concept_clause,
    joined_pair,
    unknown_word,
)
from kb.search.fields import FIELD_BOOSTS, PHRASE_FIELDS, SHORT_FIELDS, Or, fields

__all__ = ["FIELD_BOOSTS", "BuiltQuery", "Or", "ParsedQuery", "Synonyms", "Vocabulary", "build",
           "compile_synonyms", "correct_word", "corrected_text", "parse"]  # fmt: skip

MAX_QUERY_CHARS = 2000
MAX_WORDS = 24  # more words add nothing to relevance, only cost
_PHRASE = re.compile(r'(^|\s)(-?)"([^"]*)"')


@dataclass
class ParsedQuery:
    """The reader's query split into plain words, phrases and exclusions (raw tokens)."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing positive was asked for."""
        return not self.words and not self.phrases


def parse(text: str) -> ParsedQuery:
    """Split a query string; never raises, whatever the input."""
    text = (text or "")[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()

    def take_phrase(match: re.Match[str]) -> str:
        tokens = TOKEN_RE.findall(match.group(3))
        if tokens:
            (parsed.excluded if match.group(2) else parsed.phrases).append(tokens[:MAX_WORDS])
        return " "

    rest = _PHRASE.sub(take_phrase, text).replace('"', " ")
    for chunk in rest.split():
        tokens = TOKEN_RE.findall(chunk)
        if not tokens:
            continue
        if chunk.startswith("-") and not chunk[1:2].isspace():
            parsed.excluded.append(tokens)
        else:
            parsed.words.extend(tokens)
    # Repeating a word adds nothing but cost.
    parsed.words = list(dict.fromkeys(parsed.words))[:MAX_WORDS]
    return parsed


# --- synonyms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonyms:
    """Synonym groups keyed by the analysed form of each of their terms."""

    groups: tuple[tuple[tuple[WordTerms, ...], ...], ...]
    index: dict[tuple[str, ...], int]
    longest: int
    # The terms as written, parallel to `groups` (for "zoekt nu ook op: ...").
    written: tuple[tuple[str, ...], ...] = ()


@lru_cache(maxsize=8)
def compile_synonyms(analysis: DutchAnalysis, groups: tuple[tuple[str, ...], ...]) -> Synonyms:
    """Analyse every synonym term once; cached until the groups in the database change."""
    compiled: list[tuple[tuple[WordTerms, ...], ...]] = []
    written: list[tuple[str, ...]] = []
    index: dict[tuple[str, ...], int] = {}
    longest = 1
    for number, group in enumerate(groups):
        terms, names = [], []
        for term in group:
            words = tuple(t for t in map(analysis.terms, TOKEN_RE.findall(term)) if t is not None)
            if not words:
                continue
            terms.append(words)
            names.append(term)
            index.setdefault(tuple(w.joined for w in words), number)
            longest = max(longest, len(words))
        compiled.append(tuple(terms))
        written.append(tuple(names))
    return Synonyms(tuple(compiled), index, longest, tuple(written))


def synonym_spans(
    words: Sequence[WordTerms], synonyms: Synonyms
) -> list[tuple[int, int, int | None]]:
    """Split analysed words into (start, length, synonym group or None), longest match first."""
    spans: list[tuple[int, int, int | None]] = []
    position = 0
    while position < len(words):
        span, group = 1, None
        for length in range(min(synonyms.longest, len(words) - position), 0, -1):
            key = tuple(w.joined for w in words[position : position + length])
            if key in synonyms.index:
                span, group = length, synonyms.index[key]
                break
        spans.append((position, span, group))
        position += span
    return spans


def also_searched(analysis: DutchAnalysis, text: str, synonyms: Synonyms) -> list[str]:
    """Return the synonyms (as written) that a search for text adds to the typed words."""
    words = analyse(analysis, parse(text).words)
    found: list[str] = []
    for start, span, group in synonym_spans(words, synonyms):
        if group is None:
            continue
        typed = tuple(w.joined for w in words[start : start + span])
        for terms, name in zip(synonyms.groups[group], synonyms.written[group], strict=True):
            if tuple(w.joined for w in terms) != typed and name not in found:
                found.append(name)
    return found


# --- building -------------------------------------------------------------------------------


@dataclass
class BuiltQuery:
    """A whoosh query, what to exclude, and the terms a snippet should mark.

    `clauses` are the word clauses (a word, its synonyms, cognates or concept) of which a
    document must hold `minimum`; `required` (quoted phrases) must all match; `bonus` (phrases
    of neighbouring words) only adds to the score. `query` matches exactly the same documents
    when every clause is required (the engine-neutral form the benchmark translates).
    Exclusions stay a separate query: the caller subtracts their documents as a set, because
    whoosh 2.7.4's AndNot over multi-field unions returns excluded documents once a segment has
    deletions.
    """

    query: wq.Query
    excluded: wq.Query | None
    wanted: frozenset[str]
    word_count: int
    clauses: list[wq.Query] = field(default_factory=list)
    required: list[wq.Query] = field(default_factory=list)
    minimum: int = 0
    bonus: list[wq.Query] = field(default_factory=list)
    resolved: frozenset[str] = frozenset()  # typed words the index knew only by a rule
    # With a concept: the clauses as typed, of which a document must hold one (a theme alone,
    # without any word of the query, is no match).
    literal: list[wq.Query] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Tell whether a document may miss some word clauses."""
        return self.minimum < len(self.clauses)


SYNONYM_WEIGHT = 0.5  # a synonym counts less than the word that was typed


def _word(terms: WordTerms, wanted: set[str], weight: float = 1.0) -> wq.Query:
    """One word is one term: the index holds compounds whole, in parts and joined across a
    space, so `onderwijszorgarrangement` and `onderwijs zorgarrangement` meet without an AND."""
    wanted.add(terms.joined)
    return fields(terms.joined, weight)


def _words(words: Sequence[WordTerms], wanted: set[str], weight: float) -> wq.Query:
    clauses = [_word(w, wanted, weight) for w in words]
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def _synonym_group(
    typed: Sequence[WordTerms], group: Sequence[Sequence[WordTerms]], wanted: set[str]
) -> wq.Query:
    """The typed words or any synonym; synonyms weigh less, so an article does not win merely
    by using many of them. (Not DisjunctionMax: in whoosh 2.7.4 it scores every hit alike.)"""
    typed_key = tuple(w.joined for w in typed)
    alternatives = [_words(typed, wanted, 1.0)]
    for term in group:
        if tuple(w.joined for w in term) == typed_key:
            continue
        if len(term) == 1:
            alternatives.append(_word(term[0], wanted, SYNONYM_WEIGHT))
        else:
            # Not added to the snippet's terms: its words alone are not worth a <mark>.
            alternatives.append(_short_phrase(term))
    return Or(alternatives)


def _short_phrase(words: Sequence[WordTerms]) -> wq.Query:
    """A several-word synonym ("passend onderwijs samenwerkingsverband") as a phrase in the
    short fields only: an AND of common words over every body cost ten times the rest of the
    query and matched articles that merely use the words somewhere."""
    sequence = [leaf for w in words for leaf in (w.leaves or (w.joined,))]
    return Or(
        [
            wq.Phrase(name, sequence, boost=FIELD_BOOSTS[name] * SYNONYM_WEIGHT)
            for name in SHORT_FIELDS
        ]
    )


def _phrase(words: Sequence[WordTerms], wanted: set[str]) -> wq.Query:
    if len(words) == 1:  # a quoted single word (after stop words) is just that word
        return _word(words[0], wanted)
    sequence: list[str] = []
    for w in words:
        sequence.extend(w.leaves or (w.joined,))
        wanted.add(w.joined)
        wanted.update(w.leaves)
    if len(sequence) == 1:
        return fields(sequence[0])
    return Or([wq.Phrase(name, sequence) for name in PHRASE_FIELDS])


def analyse(analysis: DutchAnalysis, tokens: Iterable[str]) -> list[WordTerms]:
    """Return the terms of each token, leaving out stop words."""
    return [t for t in map(analysis.terms, tokens) if t is not None]


def build(
    analysis: DutchAnalysis,
    parsed: ParsedQuery,
    synonyms: Synonyms,
    match_all: bool = True,
    vocabulary: Vocabulary | None = None,
) -> BuiltQuery:
    """Build the whoosh query: the content words (fillers left out), synonyms expanded, of
    which a document must hold the minimum-should-match share (or any one, when match_all is
    False); with a vocabulary, unknown words go through cognates and compound splitting and
    words that name a theme add it as a concept."""
    wanted: set[str] = set()
    clauses: list[wq.Query] = []
    resolved: set[str] = set()
    tokens = intent.content_words(parsed.words)
    words = analyse(analysis, tokens)
    typed_tokens = [t for t in tokens if analysis.terms(t) is not None]
    spans = synonym_spans(words, synonyms)
    tried = taken = 0  # unknown words tried by the rules; words consumed so far
    literal: list[wq.Query] = []
    concepts_used = False
    for index, (position, span, group) in enumerate(spans):
        if position < taken:
            continue  # the second word of a joined pair
        taken = position + span
        typed = words[position : position + span]
        clause: wq.Query | None = None
        plain_next = index + 1 < len(spans) and spans[index + 1][2] is None
        joined = (
            joined_pair(words, position, vocabulary, wanted)
            if group is None and plain_next
            else None
        )
        if joined is not None:
            clause, taken = joined, position + 2
            resolved.update(typed_tokens[position : position + 2])
        elif group is not None:
            clause = _synonym_group(typed, synonyms.groups[group], wanted)
        elif (
            vocabulary is not None
            and tried < intent.MAX_UNKNOWN_WORDS
            and not vocabulary.known(typed[0].joined)
        ):
            tried += 1
            clause = unknown_word(analysis, typed[0], vocabulary, wanted)
            if clause is not None:
                resolved.add(typed_tokens[position])
        if clause is None:
            clause = _word(typed[0], wanted)
        # A single word is taken as typed; a sentence may name a theme in other words.
        concept = concept_clause(vocabulary, typed) if len(words) > 1 else None
        clauses.append(clause if concept is None else Or([clause, concept]))
        literal.append(clause)
        concepts_used = concepts_used or concept is not None
    required: list[wq.Query] = []
    for phrase_tokens in parsed.phrases:
        phrase_words = analyse(analysis, phrase_tokens)
        if phrase_words:
            required.append(_phrase(phrase_words, wanted))
    minimum = intent.minimum_should_match(len(clauses)) if match_all else min(1, len(clauses))
    everything = required + clauses
    if not everything:
        positive: wq.Query = wq.Every()
    elif len(everything) == 1:
        positive = everything[0]
    elif minimum == len(clauses):
        positive = wq.And(everything)
    elif required:
        positive = wq.And([*required, Or(clauses)])
    else:
        positive = Or(clauses)
    excluded = [_phrase(w, set()) for w in (analyse(analysis, t) for t in parsed.excluded) if w]
    exclusion = Or(excluded) if excluded else None
    bonus = bonus_phrases(analysis, parsed.words) if len(words) > 1 else []
    return BuiltQuery(positive, exclusion, frozenset(wanted), len(everything), clauses, required,
                      minimum, bonus, frozenset(resolved),
                      literal if concepts_used else [])  # fmt: skip


# --- spelling -------------------------------------------------------------------------------


def correct_word(reader: object, word: str, known: set[str]) -> str | None:
    """Return a likelier spelling of one word from the index vocabulary, or None."""
    folded = fold(word)
    # Beyond 40 letters a near spelling is no typo, and the edit-distance walk costs seconds.
    if not 4 <= len(folded) <= 40 or not folded.isalpha() or folded in known:
        return None
    if reader.doc_frequency("spell", folded):  # type: ignore[attr-defined]
        return None
    maxdist = 1 if len(folded) <= 5 else 2
    candidates = []
    for candidate in reader.terms_within("spell", folded, maxdist, prefix=1):  # type: ignore[attr-defined]
        frequency = reader.doc_frequency("spell", candidate)  # type: ignore[attr-defined]
        candidates.append((distance(folded, candidate), -frequency, candidate))
    return min(candidates)[2] if candidates else None


def corrected_text(text: str, corrections: dict[str, str]) -> str:
    """Return the query text with each misspelled word replaced (first occurrence)."""
    for wrong, right in corrections.items():
        text = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, text, count=1)
    return text
