"""The query rules of issue 11 on a real index: fillers, minimum-should-match and coordination,
the phrase bonus, compounds split on the index's vocabulary, coordinated compounds, concepts and
cognates; and the engine-neutral functions in kb.search.intent on their own."""

from __future__ import annotations

import pytest
from flask import Flask

from kb.search import intent
from kb.search.analysis import TOKEN_RE, DutchAnalysis, TermStream
from kb.search.bits import coverage
from tests.support.search import add_articles, article_text

ARTICLES = {
    "zat-test": article_text(
        "Het multidisciplinaire overleg op school",
        "Het zorg- en adviesteam bespreekt leerlingen met zorgen; straat-, thuis- en "
        "schoolcultuur komen samen aan tafel.",
    ),
    "agenda-test": article_text(
        "De ontwikkelagenda van de regio",
        "Gemeenten en scholen schrijven samen een ontwikkelagenda met concrete afspraken.",
    ),
    "agenda-body-test": article_text(
        "Afspraken in de regio",
        "Een ontwikkelagenda wordt genoemd, verder gaat het over concrete afspraken.",
    ),
    "geld-test": article_text(
        "Budgetten over domeinen heen",
        "Gemeenten leggen hun middelen voor begeleiding bij elkaar.",
        themes=("financiering",),
    ),
    "transformatie-test": article_text(
        "De transformatieve aanpak",
        "Een transformatieve aanpak verbindt straat en school.",
    ),
    "kijkwijzer-test": article_text(
        "Kijkwijzer voor netwerken", "Een kijkwijzer vergelijkt regionale netwerken."
    ),
    "kijkwijzer-apart-test": article_text(
        "Netwerken bekeken", "Een kijkwijzer helpt; regionale samenwerking en netwerken."
    ),
}


@pytest.fixture
def api(app: Flask):
    """Call /api/v1/search on the fixture app plus the articles above."""
    add_articles(app, ARTICLES)
    client = app.test_client()

    def _search(q: str, **params: object) -> dict:
        response = client.get("/api/v1/search", query_string={"q": q, **params})
        assert response.status_code == 200, response.text
        return response.json

    return _search


def slugs(data: dict) -> list[str]:
    """Return the result slugs of an API answer."""
    return [r["slug"] for r in data["results"]]


def test_question_with_fillers_needs_only_its_content_words(api) -> None:
    # "welke", "precies" and "eigenlijk" are fillers; "hoe", "je", "een" stop words.
    data = api("welke ontwikkelagenda precies eigenlijk")
    assert slugs(data)[:2] == ["agenda-test", "agenda-body-test"]
    assert data["match_all"] is True


def test_one_word_absent_still_finds_the_best_match(api) -> None:
    # Three words: two must match. No article has "stappen"; both agenda articles have two.
    data = api("ontwikkelagenda concrete stappen")
    assert slugs(data)[:2] == ["agenda-test", "agenda-body-test"]
    # The count is the articles holding two of the three words, and says not every word matched.
    assert data["total"] == 2 and data["match_all"] is False


def test_articles_holding_every_word_rank_first(api) -> None:
    everything = api("ontwikkelagenda concrete afspraken schrijven")
    # agenda-test holds all four words; agenda-body-test three (no "schrijven").
    assert slugs(everything)[:2] == ["agenda-test", "agenda-body-test"]
    assert everything["match_all"] is True


def test_phrase_of_neighbouring_words_ranks_above_scattered_words(api) -> None:
    # Both articles have both words in title or summary; only one has them side by side.
    assert slugs(api("kijkwijzer netwerken"))[:2] == ["kijkwijzer-test", "kijkwijzer-apart-test"]


def test_three_part_compound_meets_its_coordinated_form(api) -> None:
    data = api("zorgadviesteam")
    assert slugs(data) == ["zat-test"]
    assert data["suggestion"] is None  # a compound split is not a typo


@pytest.mark.parametrize("query", ["zorgteam", "adviesteam", "thuiscultuur", "straatcultuur"])
def test_coordinated_compound_is_indexed_expanded(api, query: str) -> None:
    assert slugs(api(query)) == ["zat-test"]


def test_concept_expansion_finds_a_theme_named_in_other_words(api) -> None:
    # "betaalt" is a curated term of the theme Financiering; the article never says it.
    assert "geld-test" in slugs(api("wie betaalt de begeleiding"))
    # A theme alone is no match: the article must hold one of the words as typed.
    assert "geld-test" not in slugs(api("betaalt bekostigen"))
    # A single word is taken as typed: no concept, so no article without it.
    assert "geld-test" not in slugs(api("betaalt"))


def test_cognate_finds_the_dutch_spelling(api) -> None:
    data = api("transformative aanpak")
    assert slugs(data)[:1] == ["transformatie-test"]
    assert data["suggestion"] is None


def test_an_unrelated_word_is_still_not_found(api) -> None:
    assert api("kwantumfysica")["total"] == 0


# --- the engine-neutral rules -------------------------------------------------------------------


@pytest.mark.parametrize(("count", "minimum"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3),
                                                (6, 4), (8, 5)])  # fmt: skip
def test_minimum_should_match_by_query_length(count: int, minimum: int) -> None:
    assert intent.minimum_should_match(count) == minimum


def test_coordination_rewards_every_word() -> None:
    assert intent.coordination(3, 3) == 1.0
    assert intent.coordination(3, 4) > intent.coordination(2, 4) > 0


def test_fillers_are_dropped_unless_nothing_else_is_left() -> None:
    assert intent.content_words(["welke", "OOGO", "precies"]) == ["OOGO"]
    assert intent.content_words(["waarom"]) == ["waarom"]


def test_split_on_vocabulary_takes_the_longest_known_parts_and_linking_s() -> None:
    vocabulary = {"zorg", "adviesteam", "thuiszitters", "tafel", "jeugd", "gezinscoaches"}
    known = vocabulary.__contains__
    assert intent.split_on_vocabulary("zorgadviesteam", known) == ("zorg", "adviesteam")
    assert intent.split_on_vocabulary("thuiszitterstafel", known) == ("thuiszitters", "tafel")
    assert intent.split_on_vocabulary("jeugdgezinscoaches", known) == ("jeugd", "gezinscoaches")
    assert intent.split_on_vocabulary("kwantumfysica", known) is None


def test_cognates_give_dutch_spellings() -> None:
    assert "transformatieve" in intent.cognates("transformative")
    assert "inclusief" in intent.cognates("inclusive")
    assert "participatie" in intent.cognates("participation")
    assert intent.cognates("school") == ()


def test_term_stream_expands_coordinated_compounds() -> None:
    analysis = DutchAnalysis(["zorg advies team"])
    stream = TermStream(analysis)
    text = "het zorg- en adviesteam, en pro- en vso"
    terms = [term for token in TOKEN_RE.findall(text) for _pos, term in stream.feed(token)]
    assert "zorgteam" in terms and "adviesteam" in terms
    assert not any(t.startswith("pro") and t != "pro" for t in terms)  # vso is no compound


def test_concepts_are_label_texts_and_the_synonym_groups_naming_the_label() -> None:
    found = intent.concepts(
        [("financiering", "Financiering en poreuze randen", ("Budgetten", "betaalt"))],
        [("financiering", "bekostiging"), ("OOGO", "overleg")],
    )
    index = intent.compile_concepts(DutchAnalysis(), found)
    assert intent.named_concept(index, "bekost").slug == "financiering"  # bekostiging
    assert intent.named_concept(index, "betaalt").slug == "financiering"
    assert intent.named_concept(index, "overleg") is None
    assert intent.named_concept(index, "betaalt", share=0.5) is None  # in half the articles


def test_coverage_counts_documents_per_number_of_masks() -> None:
    matched, levels = coverage([0b0111, 0b0110, 0b0100], minimum=2)
    assert matched == 0b0110
    assert levels == [0b0111, 0b0110, 0b0100]
