"""Search behaviour on a real index: API shape, Dutch analysis, facets, snippets, hostile input.

Every test runs against both search backends (Whoosh, and PostgreSQL itself).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from kb.models import SearchLog, db
from kb.search import flush_search_log
from tests.support.search import add_articles, article_text

ARTICLES = {
    "oza-test": article_text(
        "Onderwijs-zorgarrangementen in de regio",
        "Een onderwijs-zorgarrangement combineert onderwijs en jeugdhulp voor één leerling.",
        themes=("onderwijszorgarrangementen",),
        regions=("utrecht",),
        sectors=("vo",),
    ),
    "jongerenplan-test": article_text(
        "Het 1000-jongerenplan voor 17-jarigen",
        "Het plan begeleidt 17-jarigen en jongeren van 18+ naar werk in Fryslân.",
        themes=("arbeidstoeleiding",),
        regions=("twente",),
        sectors=("mbo",),
        reference_date="2014",
    ),
    "creeren-test": article_text(
        "Ruimte creëren voor de entrée-opleiding",
        "Scholen creëren samen met gemeenten plekken in de entrée-opleiding.",
        themes=("arbeidstoeleiding", "mbo-en-jongvolwassenen"),
        regions=("de-meierij",),
        sectors=("mbo",),
    ),
}


@pytest.fixture
def search_app(backend_app: Flask) -> Flask:
    """The fixture app plus three articles that exercise the Dutch analysis, once per backend."""
    add_articles(backend_app, ARTICLES)
    return backend_app


@pytest.fixture
def api(search_app: Flask):
    """Call /api/v1/search with parameters and return the JSON."""
    client = search_app.test_client()

    def _search(**params: object) -> dict:
        response = client.get("/api/v1/search", query_string=params)
        assert response.status_code == 200, response.text
        return response.json

    return _search


def slugs(data: dict) -> list[str]:
    """Return the result slugs of an API answer."""
    return [r["slug"] for r in data["results"]]


def test_api_shape(api) -> None:
    data = api(q="OOGO")
    assert set(data) >= {"total", "results", "facets", "suggestion"}
    assert data["total"] >= 1 and data["suggestion"] is None
    first = data["results"][0]
    assert set(first) >= {"slug", "title", "kind", "url", "snippet"}
    assert first["url"].endswith(f"/artikel/{first['slug']}")
    assert set(data["facets"]) == {"kind", "theme", "advice", "region", "sector"}
    assert all(isinstance(n, int) for facet in data["facets"].values() for n in facet.values())


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("onderwijszorgarrangement", "oza-test"),
        ("onderwijs zorgarrangement", "oza-test"),
        ("onderwijs-zorgarrangementen", "oza-test"),
        ("OZA", "oza-test"),  # synonym from content/taxonomy/synonyms.yml
        ("1000-jongerenplan", "jongerenplan-test"),
        ("17-jarigen", "jongerenplan-test"),
        ("17-jarige", "jongerenplan-test"),
        ("18+", "jongerenplan-test"),
        ("Fryslan", "jongerenplan-test"),
        ("Friesland", "jongerenplan-test"),  # synonym of Fryslân
        ("creeren", "creeren-test"),
        ("entree", "creeren-test"),
        ("Den Bosch", "creeren-test"),  # a region alias of De Meierij
        ("'s-Hertogenbosch", "creeren-test"),
    ],
)
def test_dutch_analysis_finds_the_article(api, query: str, slug: str) -> None:
    assert slug in slugs(api(q=query))[:3]


def test_phrase_and_exclusion(api) -> None:
    assert "oogo-test" in slugs(api(q='"op overeenstemming gericht overleg"'))
    assert slugs(api(q='"gericht overeenstemming"')) == []
    with_mbo = slugs(api(q="jeugdhulp"))
    without = slugs(api(q="jeugdhulp -onderwijs"))
    assert "oza-test" in with_mbo and "oza-test" not in without


@pytest.mark.parametrize(
    "query",
    ['"onbalans', "(jeugdhulp", "jeugdhulp)", "*", "?", "-", '""', "AND OR NOT", "a" * 2000,
     "jeugdhulp " * 300, "x:y", "title:(", "^2", "~", "{[<>]}", "\x00", "%", "\\"],
)  # fmt: skip
def test_hostile_queries_never_fail(search_app: Flask, query: str) -> None:
    client = search_app.test_client()
    assert client.get("/api/v1/search", query_string={"q": query}).status_code == 200
    assert client.get("/zoeken", query_string={"q": query}).status_code == 200
    assert client.get("/api/v1/suggest", query_string={"q": query}).status_code == 200


def test_bad_parameters_are_ignored(api) -> None:
    data = api(q="OOGO", page="x", sort="onzin", per_page="-3", theme="bestaat-niet")
    assert data["total"] == 0 and data["page"] == 1


def test_facets_or_within_and_across_with_other_filters_applied(api) -> None:
    everything = api()
    assert everything["total"] == 6
    mbo = api(sector="mbo")
    assert set(slugs(mbo)) == {"jongerenplan-test", "creeren-test"}
    # OR within a facet (two fixture articles are vo as well).
    assert api(sector=["mbo", "vo"])["total"] == 5
    # AND across facets.
    both = api(sector="mbo", region="twente")
    assert slugs(both) == ["jongerenplan-test"]
    # A facet's own counts ignore its own filter but honour the others.
    assert both["facets"]["sector"] == {"mbo": 1}
    assert both["facets"]["region"] == {"twente": 1, "de-meierij": 1}
    assert mbo["facets"]["sector"]["vo"] == 3  # a facet's counts ignore its own selection


def test_sorting_and_pagination(api) -> None:
    titles = [r["title"] for r in api(sort="title")["results"]]
    assert titles == sorted(titles, key=str.lower)
    newest = api(sort="newest")["results"]
    assert [r["updated_at"] for r in newest] == sorted(
        (r["updated_at"] for r in newest), reverse=True
    )
    first, second = api(per_page=4), api(per_page=4, page=2)
    assert first["total"] == 6 and len(first["results"]) == 4 and len(second["results"]) == 2
    assert not set(slugs(first)) & set(slugs(second))


@pytest.mark.parametrize("sort", ["relevantie", "nieuw", "titel", "relevance", "newest", "title"])
def test_every_sort_value_works_on_page_and_api(search_app: Flask, sort: str) -> None:
    client = search_app.test_client()
    assert client.get(f"/zoeken?q=jeugdhulp&sort={sort}").status_code == 200
    assert client.get(f"/api/v1/search?q=jeugdhulp&sort={sort}").json["total"] >= 1


def test_title_ranks_above_body(search_app: Flask, api) -> None:
    add_articles(
        search_app,
        {
            "titel-kijkwijzer": article_text("De kijkwijzer", "Een instrument voor netwerken."),
            "body-kijkwijzer": article_text("Een ander instrument", "Lees ook de kijkwijzer."),
        },
    )
    assert slugs(api(q="kijkwijzer"))[:2] == ["titel-kijkwijzer", "body-kijkwijzer"]


def test_labels_are_searchable(api) -> None:
    # "Twente" appears only as the region label of the jongerenplan article.
    assert slugs(api(q="Twente")) == ["jongerenplan-test"]
    assert "jongerenplan-test" in slugs(api(q="arbeidstoeleiding"))


def test_snippets_escape_and_mark(search_app: Flask, api) -> None:
    add_articles(
        search_app,
        {"html-test": article_text("Veilig", "Over <script>alert(1)</script> en kijkwijzers.")},
    )
    snippet = api(q="kijkwijzer")["results"][0]["snippet"]
    assert "<mark>kijkwijzers</mark>" in snippet
    assert "<script>" not in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_spelling_suggestion_and_correction(api) -> None:
    data = api(q="onderwijszorgarangement")
    assert data["suggestion"] == "onderwijszorgarrangement"
    assert data["corrected"] is True and "oza-test" in slugs(data)
    assert api(q="onderwijszorgarrangement")["suggestion"] is None


def test_any_word_fallback(api) -> None:
    data = api(q="kijkwijzer onderwijszorgarrangement")
    assert data["match_all"] is False and "oza-test" in slugs(data)


def test_search_log_is_anonymous(search_app: Flask) -> None:
    client = search_app.test_client()
    client.get("/zoeken?q=OOGO&theme=wet-en-regelgeving", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert flush_search_log()  # the log is written off the request path
    with search_app.app_context():
        row = db.session.scalars(select(SearchLog).order_by(SearchLog.id.desc())).first()
        assert row.query == "OOGO" and row.filters == {"theme": ["wet-en-regelgeving"]}
        assert row.result_count == 1
        columns = set(SearchLog.__table__.columns.keys())
        # what was asked and found, and a random key its clicks share: nothing about who
        assert columns == {
            "id",
            "query",
            "normalised",
            "corrected",
            "filters",
            "result_count",
            "search_key",
            "created_at",
        }
        assert row.normalised == "oogo" and len(row.search_key) == 32
        assert "10.9.8.7" not in repr([getattr(row, c) for c in columns])


def test_results_page_without_javascript(search_app: Flask) -> None:
    page = search_app.test_client().get("/zoeken?q=jeugdhulp&sector=mbo&sector=vo").text
    assert 'method="get"' in page and 'name="q" type="search" value="jeugdhulp"' in page
    assert re.search(r'name="sector" value="mbo" checked', page)
    assert "style=" not in page and "<script>" not in page
    # the active filter, as a removable chip named by its value, not "Sector: ..."
    assert (
        '<span class="visually-hidden">Filter </span>Middelbaar beroepsonderwijs'
        '<span class="visually-hidden"> verwijderen</span>' in page
    )


def test_zero_results_names_filters_and_suggests_themes(search_app: Flask) -> None:
    page = search_app.test_client().get("/zoeken?q=OOGO&region=twente&sector=mbo").text
    assert "Geen resultaten" in page and 'value="OOGO"' in page
    assert (
        "Regio: Twente weglaten" in page and "Sector: Middelbaar beroepsonderwijs weglaten" in page
    )
    assert "Zoek zonder filters (1 resultaat)" in page
    assert 'href="/thema/bestuurlijke-afspraken"' in page


def test_did_you_mean_links_to_the_corrected_search(search_app: Flask) -> None:
    page = search_app.test_client().get("/zoeken?q=kijkwijzr+oogo").text
    unknown = r'Bedoelde u <a [^>]*href="/zoeken\?q=kijkwijzer\+oogo">'
    assert not re.search(unknown, page)  # unknown word, no fix
    page = search_app.test_client().get("/zoeken?q=onderwijszorgarangement").text
    assert re.search(r'Bedoelde u <a [^>]*href="/zoeken\?q=onderwijszorgarrangement">', page)


def test_suggest_completes_titles_and_terms(search_app: Flask) -> None:
    data = search_app.test_client().get("/api/v1/suggest?q=Den").json
    labels = [s["label"] for s in data["suggestions"]]
    assert "Den Bosch" in labels
    data = search_app.test_client().get("/api/v1/suggest?q=kijk").json
    assert data["suggestions"] == []
    data = search_app.test_client().get("/api/v1/suggest?q=onderwijs-zorg").json
    assert any(
        s["type"] == "artikel" and s["url"] == "/artikel/oza-test" for s in data["suggestions"]
    )


def test_more_like_this_on_article_page(search_app: Flask) -> None:
    page = search_app.test_client().get("/artikel/creeren-test").text
    assert "Meer zoals dit" in page and "/artikel/jongerenplan-test" in page


def test_synonyms_apply_without_reindex(search_app: Flask, api) -> None:
    from kb.models import SynonymGroup

    assert "creeren-test" not in slugs(api(q="instroomopleiding"))
    with search_app.app_context():
        db.session.add(SynonymGroup(terms=["instroomopleiding", "entree-opleiding"]))
        db.session.commit()
    assert "creeren-test" in slugs(api(q="instroomopleiding"))


def test_filtered_ranking_matches_the_unfiltered_order(api) -> None:
    everything = slugs(api(q="jeugdhulp onderwijs", per_page=50))
    filtered = slugs(api(q="jeugdhulp onderwijs", sector="vo", per_page=50))
    assert filtered and filtered == [s for s in everything if s in set(filtered)]
