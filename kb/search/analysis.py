"""Dutch text analysis for search: folding, stop words, compounds, stemming and snippets.

Over 300 lines on purpose: the index and the query must share one analysis object, and the
snippets mark exactly the terms that analysis produced, so they stay in one module.

One `DutchAnalysis` turns a word into the terms the index holds for it:

- case and accents are folded (`Fryslân` -> `fryslan`, `creëren` -> `creeren`);
- a compound is split into known parts (a lexicon of domain words plus the taxonomy and synonym
  terms) and indexed whole, as its parts and as every run of adjacent parts
  (`onderwijszorgarrangement` -> itself, `onderwijs`, `zorg`, `arrangement`, `onderwijszorg`,
  `zorgarrangement`); hyphens and apostrophes split the same way, and the joined form is kept
  (`onderwijs-zorgarrangementen`, `1000-jongerenplan`, `17-jarigen`);
- two neighbouring words that together make a compound of known parts are also indexed joined
  (`onderwijs zorgarrangement` -> `onderwijszorgarrangement`), so all three spellings meet with
  one term lookup at query time;
- `18+` and `18-` become `18plus` and `18min`; numbers stay terms of their own;
- every term is stemmed with the Snowball Dutch stemmer.

The whoosh glue (tokenizer and filter) is at the bottom; the rest is plain Python, shared by the
query builder and the snippets (and the benchmark's FTS5 baseline uses the same stemmer).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from markupsafe import Markup
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists

# A word may end in a hyphen: the dangling first part of "zorg- en adviesteam".
WORD_PATTERN = r"\d+[+\-](?![\w+\-])|\w+(?:['’\-‐–]\w+)*[\-‐–]?"
TOKEN_RE = re.compile(WORD_PATTERN)
_JOINERS = re.compile(r"['’\-‐–]")

# Whoosh's Dutch stop list minus words that carry meaning here ("Mét andere ogen", "van denken
# naar doen", "onder regie").
STOP_WORDS = frozenset(stoplists["nl"]) - {"andere", "doen", "onder", "meer", "zelf", "wezen"}

# Parts that compounds in this field are made of. Taxonomy words are added when a schema is made.
DOMAIN_WORDS = """
onderwijs zorg jeugd hulp jeugdhulp jeugdzorg arrangement school scholen team wijk kind kinder
ouder ouders jongere jongeren leerling student werk werker werkers plan gezin coach coaches
specialist verpleegkundige agent netwerk regio gemeente beleid samenwerking verband traject
begeleider begeleiding ondersteuning overleg maatschappelijk passend speciaal praktijk voorbeeld
portret thuis zitter zitters verzuim leerplicht ambtenaar budget financiering monitor dashboard
indicator visie agenda coalitie toeleiding arbeid markt opleiding entree beroep preventie
signalering klimaat afspraak afspraken professional professionals functionaris brug centrum
kennis deling overdracht lijn doorgaande ontwikkel ontwikkeling kansen gelijkheid partner
partners tafel café cafe sprint pilot model matrix instrument methode aanpak programma project
expertise jeugdarts arts zorgplicht dekkend opvang dag dagbesteding besteding voorziening
consulent teams leraar leraren docent docenten mentor mentoren
thuiszitter vrijstelling vrijstellingen leerlingen werkgever werkgevers baan banen stage
stages wajong participatie wet gezondheid gezondheidszorg vroeg school wijkteam verwijs index
vangnet huis huisarts psycholoog psychiater gedrag gedrags problemen probleem aanbod inkoop
contract kosten baten analyse cijfers data dienst diensten loket zorgloket wijkteams basis
elementen element kader kaders regie bestuur bestuurder bestuurders directeur directie
corona tijd boerderij klas klassen sprint
"""


def fold(text: str) -> str:
    """Lower-case text and strip accents (`Fryslân` -> `fryslan`)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_dutch_stem = stemmer_for_language("nl")


_LEADING_DIGITS = re.compile(r"(\d+)(.*)")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the Snowball Dutch stem of a folded word (cached: words repeat a lot)."""
    numeric = _LEADING_DIGITS.fullmatch(word)
    if numeric:  # "17jarigen" -> "17" + stem("jarigen"), so 17-jarige and 17-jarigen meet
        digits, rest = numeric.groups()
        return digits + _dutch_stem(rest) if rest else digits
    return _dutch_stem(word)


@dataclass(frozen=True)
class WordTerms:
    """The index terms of one word.

    joined: the whole word without hyphens, stemmed; leaves: its smallest known parts, stemmed
    (empty for a simple word); spans: every run of two or more consecutive parts joined and
    stemmed, whole word excluded (`zorgarrangement` in `onderwijszorgarrangement`); surface:
    the folded, unstemmed joined form; joinable: whether it may form a compound with its
    neighbour (a number or a word made of known parts).
    """

    joined: str
    leaves: tuple[str, ...] = ()
    spans: tuple[tuple[int, str], ...] = ()
    surface: str = ""
    joinable: bool = False

    def all_terms(self) -> tuple[str, ...]:
        """Return every distinct term, joined form first."""
        return self.distinct_terms

    @cached_property
    def distinct_terms(self) -> tuple[str, ...]:
        """Every distinct term, joined form first; computed once (a token's terms are cached)."""
        return tuple(dict.fromkeys((self.joined, *self.leaves, *(t for _, t in self.spans))))


class DutchAnalysis:
    """Word -> terms, with a compound lexicon; results are cached per instance."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        words = set(DOMAIN_WORDS.split())
        for text in extra_words:
            words.update(w for w in (fold(t) for t in TOKEN_RE.findall(text)) if len(w) >= 4)
        self.words = frozenset(words)
        self._reset()

    def _reset(self) -> None:
        self.lexicon = frozenset(self.words | {stem(w) for w in self.words})
        self._cache: dict[str, WordTerms | None] = {}
        self._split_cache: dict[str, tuple[str, ...] | None] = {}
        self._offsets: OrderedDict[str, TermOffsets] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()  # hashes of texts snippeted once

    def __getstate__(self) -> dict[str, object]:
        # The index pickles its schema; caches are rebuilt on load.
        return {"words": self.words}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.words = state["words"]  # type: ignore[assignment]
        self._reset()

    def terms(self, token: str) -> WordTerms | None:
        """Return the index terms of one token, or None for a stop word."""
        cached = self._cache.get(token, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        result = self._terms(token)
        if len(self._cache) < 500_000:
            self._cache[token] = result
        return result

    def term_offsets(self, text: str) -> TermOffsets | None:
        """Return the term offsets of a text seen before, or None the first time it is seen.

        The first sighting only records the text's hash, so one-off texts (a large corpus,
        queries never repeated) cost no more than a scan; a text seen again is analysed once
        and its offsets are kept for the 1,000 texts used last. A text is its own version key:
        an edited article is analysed afresh.
        """
        offsets = self._offsets.get(text)
        if offsets is not None:
            self._offsets.move_to_end(text)
            return offsets
        seen = hash(text)
        if seen not in self._seen:
            self._seen[seen] = None
            if len(self._seen) > 20_000:
                self._seen.popitem(last=False)
            return None
        offsets = self._offsets[text] = TermOffsets(self, text)
        if len(self._offsets) > 1_000:
            self._offsets.popitem(last=False)
        return offsets

    def _terms(self, token: str) -> WordTerms | None:
        word = fold(token)
        if word in STOP_WORDS:
            return None
        if word[-1] in "+-" and word[:-1].isdigit():
            return WordTerms(word[:-1] + ("plus" if word[-1] == "+" else "min"))
        pieces = [p for p in _JOINERS.split(word) if p]
        if not pieces:
            return None
        joined = "".join(pieces)
        parts: list[str] = []
        for piece in pieces:
            parts.extend(self.split(piece) or (piece,))
        joined_stem = stem(joined)
        joinable = joined.isdigit() or all(p.isdigit() or self._known(p) for p in parts)
        if len(parts) == 1:
            return WordTerms(joined_stem, surface=joined, joinable=joinable)
        spans = tuple(
            (start, stem("".join(parts[start:end])))
            for start in range(len(parts))
            for end in range(start + 2, len(parts) + 1)
            if end - start < len(parts)
        )
        return WordTerms(joined_stem, tuple(map(stem, parts)), spans, joined, joinable)

    def _known(self, word: str) -> bool:
        return len(word) >= 3 and (word in self.lexicon or stem(word) in self.lexicon)

    def known(self, word: str) -> bool:
        """Tell whether a folded word is in the compound lexicon (as itself or its stem)."""
        return self._known(word)

    def split(self, word: str) -> tuple[str, ...] | None:
        """Split a compound into known parts (`zorgarrangement` -> zorg, arrangement), or None."""
        if word in self._split_cache:
            return self._split_cache[word]
        result = None
        # Beyond 64 letters a token is no compound but noise, and splitting it costs O(n²).
        if 8 <= len(word) <= 64 and not word.isdigit():
            # Longest known modifier first ("onderwijs|zorgarrangement", never "onder|wijs...");
            # both sides are split as far as they go, so every spelling yields the same parts.
            for cut in range(len(word) - 4, 3, -1):
                left, right = word[:cut], word[cut:]
                if not self._known(left):
                    continue
                rest = self.split(right) or ((right,) if self._known(right) else None)
                if rest:
                    result = (*(self.split(left) or (left,)), *rest)
                    break
        self._split_cache[word] = result
        return result


@lru_cache(maxsize=200_000)
def spell_words(token: str) -> tuple[str, ...]:
    """Return the folded, unstemmed words of a token for spelling suggestions."""
    word = fold(token)
    pieces = [p for p in _JOINERS.split(word) if len(p) >= 3 and not p.isdigit()]
    if len(pieces) > 1:
        pieces.append("".join(pieces))
    return tuple(pieces)


# --- snippets -------------------------------------------------------------------------------


SNIPPET_SCAN = 12_000  # characters of a text a snippet looks at
SNIPPET_WIDTH = 220

Match = tuple[int, int, frozenset[str]]  # a token's start, end and the wanted terms it holds


class TermOffsets:
    """Term -> (start, end) of each token holding it, in a text's first 12,000 characters."""

    __slots__ = ("spans",)

    def __init__(self, analysis: DutchAnalysis, text: str) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        # The hot loop of building: names bound locally, the word cache read directly.
        spans, known, terms_of = self.spans, analysis._cache, analysis.terms
        for found in TOKEN_RE.finditer(text, 0, min(len(text), SNIPPET_SCAN)):
            token = found.group()
            terms = known.get(token, False)
            if terms is False:
                terms = terms_of(token)
            if terms is None:
                continue
            span = found.span()
            for term in terms.distinct_terms:
                entry = spans.get(term)
                if entry is None:
                    spans[term] = [span]
                else:
                    entry.append(span)

    def matches(self, wanted: frozenset[str]) -> list[Match]:
        """Return the tokens holding wanted terms, in text order."""
        found: dict[tuple[int, int], set[str]] = {}
        for term in wanted:
            for span in self.spans.get(term, ()):
                found.setdefault(span, set()).add(term)
        return [(start, end, frozenset(terms)) for (start, end), terms in sorted(found.items())]


def _scanned_matches(analysis: DutchAnalysis, text: str, wanted: frozenset[str]) -> Iterator[Match]:
    """Yield the tokens holding wanted terms, in text order, analysing as it goes."""
    for found in TOKEN_RE.finditer(text, 0, min(len(text), SNIPPET_SCAN)):
        terms = analysis.terms(found.group())
        if terms is None:
            continue
        hit = wanted.intersection(terms.all_terms())
        if hit:
            yield found.start(), found.end(), hit


def snippet(
    analysis: DutchAnalysis, text: str, wanted: frozenset[str], enough: int = 3,
    width: int = SNIPPET_WIDTH,
) -> Markup:  # fmt: skip
    """Return an escaped excerpt of text around the query terms, with matches in <mark>.

    The window is the first one holding `enough` distinct wanted terms (a compound counts for
    every one it holds), else the first with the most. Work is bounded: only the first 12,000
    characters count. A text seen for the first time is analysed as far as the window needs;
    one seen again gets its term offsets kept (`DutchAnalysis.term_offsets`), so its next
    snippets cost dictionary lookups, not analysis.
    """
    offsets = analysis.term_offsets(text)
    matches = offsets.matches(wanted) if offsets else _scanned_matches(analysis, text, wanted)
    start = _best_window(matches, width, enough)
    if start is None:
        return _plain_excerpt(text, width)
    start = max(0, text.rfind(" ", 0, max(0, start - 40)) + 1) if start > 40 else 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts: list[str] = ["… " if start > 0 else ""]
    cursor = start
    for found in TOKEN_RE.finditer(text, start, end):  # mark every match inside the window
        terms = analysis.terms(found.group())
        if terms is None or wanted.isdisjoint(terms.all_terms()):
            continue
        parts.append(html.escape(text[cursor : found.start()]))
        parts.append(f"<mark>{html.escape(found.group())}</mark>")
        cursor = found.end()
    parts.append(html.escape(text[cursor:end]))
    parts.append(" …" if end < len(text) else "")
    return Markup("".join(parts))  # noqa: S704 (every piece of text above is escaped)


def _best_window(matches: Iterable[Match], width: int, enough: int) -> int | None:
    """Return where the first window with most distinct wanted terms starts (the first with
    `enough` of them: later matches cannot beat it, so reading stops there); None: no match."""
    window: list[Match] = []
    best: tuple[int, int | None] = (0, None)  # (distinct terms in window, its first start)
    for match in matches:
        window.append(match)
        while window[0][0] < match[1] - width:
            window.pop(0)
        distinct = len(frozenset().union(*(m[2] for m in window)))
        if distinct > best[0]:
            best = (distinct, window[0][0])
            if distinct >= enough:
                break
    return best[1]


def _plain_excerpt(text: str, width: int) -> Markup:
    if len(text) <= width:
        return Markup(html.escape(text))  # noqa: S704
    cut = text.rfind(" ", 0, width)
    return Markup(html.escape(text[: cut if cut > 0 else width]) + " …")  # noqa: S704


# --- whoosh glue ----------------------------------------------------------------------------


LINKS = ("", "s", "en", "e")  # Dutch linking morphemes between the parts of a compound
CONJUNCTIONS = frozenset({"en", "of"})
_DANGLING = ("-", "‐", "–")


def coordinated_head(final: str, known: Callable[[str], bool]) -> str | None:
    """Return the head the parts of a coordinated compound share, from its final word.

    "zorg- en adviesteam": the final word minus its longest known modifier (advies) leaves the
    head (team); "straat-, thuis- en schoolcultuur" -> cultuur. None when nothing is left.
    """
    for cut in range(len(final) - 4, 2, -1):
        modifier, rest = final[:cut], final[cut:]
        if not known(modifier):
            continue
        for link in LINKS:
            if rest.startswith(link) and len(rest) - len(link) >= 4:
                return rest[len(link) :]
    return None


class TermStream:
    """Raw tokens in text order -> (position, term) pairs: what the index holds for a text.

    Engine-neutral (the whoosh filter below and any other backend feed it the same tokens):
    each token gives its joined term, its compound parts and their spans; parts get
    consecutive positions so a phrase can match inside a compound; two neighbouring words that
    form a compound of known parts are also given joined (`onderwijs zorgarrangement`); and the
    dangling parts of a coordinated compound get the shared head ("zorg- en adviesteam" also
    gives zorgteam, at the position of adviesteam), so the whole and the expanded forms meet.
    """

    def __init__(self, analysis: DutchAnalysis) -> None:
        self.analysis = analysis
        self.pos = 0
        self.previous: WordTerms | None = None
        self.previous_pos = 0
        self.dangling: list[str] = []
        self.conjunction = False

    def feed(self, raw: str) -> list[tuple[int, str]]:
        """Return the (position, term) pairs of the next token."""
        terms = self.analysis.terms(raw)
        if terms is None:
            self.previous = None
            if self.dangling and fold(raw) in CONJUNCTIONS:
                self.conjunction = True
            else:
                self.dangling, self.conjunction = [], False
            return []
        out: list[tuple[int, str]] = []
        base = self.pos
        previous = self.previous
        if (
            previous is not None
            and previous.joinable
            and terms.joinable
            and not terms.surface.isdigit()
            and len(previous.surface) + len(terms.surface) >= 8
        ):
            out.append((self.previous_pos, stem(previous.surface + terms.surface)))
        out.append((base, terms.joined))
        out.extend((base + offset, leaf) for offset, leaf in enumerate(terms.leaves))
        out.extend((base + offset, span) for offset, span in terms.spans)
        dangles = raw.endswith(_DANGLING) and terms.surface.isalpha()
        if self.dangling and self.conjunction and not dangles:
            head = coordinated_head(terms.surface, self.analysis.known)
            if head:
                out.extend((base, stem(part + head)) for part in self.dangling)
            self.dangling = []
        elif not dangles:
            self.dangling = []
        if dangles:
            if self.conjunction:
                self.dangling = []
            self.dangling.append(terms.surface)
        self.conjunction = False
        self.pos = base + max(1, len(terms.leaves))
        self.previous, self.previous_pos = terms, base
        return out


class DutchFilter(Filter):
    """Whoosh filter: each token becomes the terms `TermStream` gives, at its positions."""

    is_morph = True

    def __init__(self, analysis: DutchAnalysis) -> None:
        self.analysis = analysis

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DutchFilter) and other.analysis.words == self.analysis.words

    def __call__(self, tokens: Iterator) -> Iterator:
        """Yield the terms of every token, renumbering positions."""
        stream = TermStream(self.analysis)
        for token in tokens:
            for pos, text in stream.feed(token.text):
                token.pos = pos
                token.text = text
                yield token


def dutch_analyzer(analysis: DutchAnalysis):  # noqa: ANN201 (a whoosh CompositeAnalyzer)
    """Return the whoosh analyzer for Dutch text fields."""
    return RegexTokenizer(WORD_PATTERN) | DutchFilter(analysis)
