"""Engine caches: phrases matched once and ranked without a second pass; warm after a publish.

On a real index: the phrase's documents are cached per searcher, the ranking query scores a
phrase exactly as whoosh's own phrase matcher does, and only documents holding the phrase (not
merely both words) are found and ranked, with and without filters. Term bit sets are cached per
segment, so the searcher opened after a publish reuses the unchanged segments' sets, and still
answers right for the article that changed. "Meer zoals dit" keeps an article's key terms per
article version, and a snippet analyses a text once (its term offsets), not once per query.
"""

from __future__ import annotations

import pytest
from flask import Flask
from whoosh import query as wq

from kb import search
from kb.models import Article, db
from kb.publishing import commit_and_index, queue_for_index
from kb.search import bits, related
from kb.search.analysis import SNIPPET_SCAN, DutchAnalysis, snippet
from kb.search.bits import phrase_bits
from kb.search.index import reader
from kb.search.ranking import PhraseScore, for_scoring
from tests.support.search import add_articles, article_text

ARTICLES = {
    "elke-school-1": article_text(
        "Elke school een aanspreekpunt", "Elke school heeft een vaste contactpersoon.",
        themes=("financiering",),
    ),
    "elke-school-2": article_text(
        "Samen met de gemeente", "In de regio krijgt elke school een jeugdhulpwerker. Elke school.",
        themes=("monitoring",),
    ),
    "school-elke": article_text(
        "Omgekeerde volgorde", "De school kiest elke week een thema; niet de zin die we zoeken.",
        themes=("financiering",),
    ),
}  # fmt: skip


@pytest.fixture
def phrase_app(app: Flask) -> Flask:
    """The fixture app plus articles with the phrase, and with its words the other way round."""
    add_articles(app, ARTICLES)
    return app


def _terms(state, text: str) -> list[str]:
    return [state.analysis.terms(word).joined for word in text.split()]


def _slugs(app: Flask, q: str, **filters: str) -> list[str]:
    data = app.test_client().get("/api/v1/search", query_string={"q": q, **filters}).json
    return [r["slug"] for r in data["results"]]


def test_only_documents_with_the_phrase_are_found(phrase_app: Flask) -> None:
    assert sorted(_slugs(phrase_app, '"elke school"')) == ["elke-school-1", "elke-school-2"]
    assert _slugs(phrase_app, '"elke school"', theme="financiering") == ["elke-school-1"]
    assert "school-elke" in _slugs(phrase_app, "elke school")


def test_the_phrase_is_matched_once_per_searcher(phrase_app: Flask) -> None:
    with phrase_app.app_context():
        search.search('"elke school"', {"theme": ["financiering"]})
        state = reader()
        words = _terms(state, "elke school")
        cached = {key for key in state.caches["phrases"] if key[1] == tuple(words)}
        assert {key[0] for key in cached} == {"title", "summary", "body"}
        # The cached set is what whoosh's phrase query matches.
        size = state.searcher.reader().doc_count_all()
        phrase = wq.Phrase("body", words)
        expected = set(state.searcher.docs_for_query(phrase))
        bits = phrase_bits(state, phrase, size)
        assert {n for n in range(size) if bits >> n & 1} == expected


def test_the_ranking_query_scores_a_phrase_as_whoosh_does(phrase_app: Flask) -> None:
    with phrase_app.app_context():
        state = reader()
        words = _terms(state, "elke school")
        fields = (("title", 6.0), ("summary", 2.0), ("body", 1.0))
        original = wq.Or([wq.Phrase(f, words, boost=b) for f, b in fields])
        scoring = for_scoring(state, original)
        assert all(isinstance(q, PhraseScore) for q in scoring.subqueries)
        mine = state.searcher.search(scoring, limit=None, terms=False).top_n
        theirs = state.searcher.search(original, limit=None, terms=False).top_n
        assert len(mine) == len(theirs) == 2
        assert [(round(s, 6), d) for s, d in mine] == [(round(s, 6), d) for s, d in theirs]


def test_a_searcher_after_a_publish_reuses_unchanged_segments(phrase_app: Flask) -> None:
    with phrase_app.app_context():
        assert "school-elke" in [_slug(i) for i in search.search("thema").ids]
        before = reader()
        old_segments = {
            r.segment().segment_id() for r, _ in before.searcher.reader().leaf_readers()
        }
        article = db.session.scalar(db.select(Article).filter_by(slug="school-elke"))
        article.body_text = article.body_text.replace("thema", "onderwerp")
        article.body_md = article.body_md.replace("thema", "onderwerp")
        article.summary = article.summary + " Over een onderwerp."
        queue_for_index(article)
        commit_and_index()
        after = reader()
        assert after.searcher is not before.searcher
        segments = {r.segment().segment_id() for r, _ in after.searcher.reader().leaf_readers()}
        reused = {key for key in bits._term_cache if key[2] in old_segments & segments}
        found = [_slug(i) for i in search.search("thema").ids]
        # The old segment's bit sets served the new searcher; the deleted version is masked.
        assert reused and "school-elke" not in found
        assert "school-elke" in [_slug(i) for i in search.search("onderwerp").ids]


def _slug(article_id: int) -> str:
    return db.session.get(Article, article_id).slug


def test_key_terms_of_an_article_survive_another_articles_publish(phrase_app: Flask) -> None:
    with phrase_app.app_context():
        one = db.session.scalar(db.select(Article).filter_by(slug="elke-school-1"))
        search.more_like_this(one.id, set())
        stored = reader().searcher.document(id=str(one.id))
        before = related.key_terms(reader(), stored)
        other = db.session.scalar(db.select(Article).filter_by(slug="school-elke"))
        other.summary = other.summary + " Met een nieuwe zin."
        queue_for_index(other)
        commit_and_index()
        after = reader()
        # A new searcher, yet the unchanged article's key terms are the ones computed before.
        assert related.key_terms(after, after.searcher.document(id=str(one.id))) is before


def test_an_edited_article_gets_key_terms_of_its_new_text(phrase_app: Flask) -> None:
    with phrase_app.app_context():
        one = db.session.scalar(db.select(Article).filter_by(slug="elke-school-1"))
        old = related.key_terms(reader(), reader().searcher.document(id=str(one.id)))
        one.body_text = one.body_text + " Een kinderburgemeester kinderburgemeester bezoekt."
        one.body_md = one.body_md + "\n\nEen kinderburgemeester kinderburgemeester bezoekt."
        queue_for_index(one)
        commit_and_index()
        new = related.key_terms(reader(), reader().searcher.document(id=str(one.id)))
        assert "kinderburgemeester" not in dict(old)
        assert "kinderburgemeester" in dict(new)


def test_a_snippet_window_counts_every_query_word_a_compound_holds() -> None:
    analysis = DutchAnalysis(["onderwijs", "zorg", "arrangement"])
    wanted = frozenset(
        analysis.terms("onderwijs").all_terms() + analysis.terms("zorgarrangement").all_terms()
    )
    text = "Het onderwijs begint hier. " + "Vulling zonder treffers. " * 20
    text += "Utrecht kent onderwijszorgarrangementen op schoolniveau."
    excerpt = snippet(analysis, text, wanted, enough=2)
    # The compound holds both query words, so its window wins over the lone first match.
    assert "<mark>onderwijszorgarrangementen</mark>" in excerpt
    assert "begint hier" not in excerpt


def test_a_snippet_looks_no_further_than_its_scan_limit() -> None:
    analysis = DutchAnalysis()
    text = "Begin van de tekst. " + "woord " * (SNIPPET_SCAN // 6) + "kijkwijzer"
    wanted = frozenset(analysis.terms("kijkwijzer").all_terms())
    first, again = snippet(analysis, text, wanted), snippet(analysis, text, wanted)
    assert first == again  # scanned the first time, from kept offsets the second
    assert first.startswith("Begin van de tekst.") and "<mark>" not in first


def test_a_text_seen_again_is_analysed_once_and_kept() -> None:
    analysis = DutchAnalysis()
    text = "De kijkwijzer helpt scholen. " * 50
    assert analysis.term_offsets(text) is None  # a one-off text is only scanned
    kept = analysis.term_offsets(text)
    assert kept is not None and analysis.term_offsets(text) is kept
    assert analysis.term_offsets(text + " Nieuw.") is None  # an edit is another text
    stem = analysis.terms("kijkwijzer").joined
    assert len(kept.spans[stem]) == 50
    excerpt = snippet(analysis, text, frozenset({stem}))
    assert excerpt.startswith("De <mark>kijkwijzer</mark> helpt")
