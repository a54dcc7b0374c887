"""SQL statements per request: a small constant per page type, whatever the number of results.

Counted with a `before_cursor_execute` listener on the app's real engine (a real SQLite file),
so every statement the request causes is seen: the view's queries and any lazy load a template
triggers. Twenty articles share the word "koffieautomaat", five of them also "theepot", so the
same page is counted with 5 and with 20 results.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import delete, event, select

from kb import changes
from kb.config import PROJECT_ROOT
from kb.models import Article, SynonymGroup, db
from tests.support.app import make_app
from tests.support.search import add_articles, article_text

THEMES = ("financiering", "monitoring", "doorgaande-lijn", "inclusief-onderwijs")
REGIONS = ("utrecht", "lekstroom", "de-meierij", "foodvalley")


def _articles() -> dict[str, str]:
    articles = {}
    for n in range(20):
        words = "koffieautomaat theepot" if n < 5 else "koffieautomaat"
        articles[f"telling-{n:02d}"] = article_text(
            f"Telartikel {n} over de {words}",
            f"Dit artikel gaat over de {words} in de teamkamer, nummer {n}.",
            themes=(THEMES[n % 4], THEMES[(n + 1) % 4]),
            regions=(REGIONS[n % 4],),
            sectors=("po", "vo"),
            advice=(1 + n % 7,),
        )
    return articles


@pytest.fixture(scope="module")
def counted_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The fixture app plus twenty articles with the same word (built once: pages only read)."""
    app = make_app(tmp_path_factory.mktemp("counted"))
    add_articles(app, _articles())
    return app


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement sent on the app's engine meanwhile."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def count(app: Flask, url: str) -> int:
    """Return the number of SQL statements one GET of url sends (after a warm-up GET)."""
    client = app.test_client()
    assert client.get(url).status_code == 200  # warm the per-process caches
    with statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, response.text
    return len(seen)


def first_count(app: Flask, warm_url: str, url: str) -> int:
    """Return the statements of the first GET of url, after emptying the caches and one GET of
    warm_url (which loads the taxonomy and whatever else the two pages share)."""
    changes.forget_all()
    client = app.test_client()
    assert client.get(warm_url).status_code == 200
    with statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, response.text
    return len(seen)


# Statements per page type once the per-process caches are warm: the change counter (1); a page
# of browse results and the cards of search results are cached on that counter too (kb.changes).
# Every page that asks the index (search, suggestions, "Meer zoals dit" on an article) first
# checks in one statement whether the index lags the change log (kb.search.changes). A search
# adds nothing for its log (written off the request path).
EXPECTED = {
    "/": 1,
    "/zoeken": 2,
    "/zoeken?q=koffieautomaat": 2,
    "/zoeken?q=theepot": 2,
    "/zoeken?q=koffieautomaat&theme=financiering&region=utrecht": 2,
    "/zoeken?q=koffieautomaat&sort=titel&per_page=50": 2,
    "/artikel/telling-03": 2,
    "/artikel/regioportret-testregio": 2,
    "/thema/financiering": 1,
    "/regio/utrecht": 1,
    "/soort/achtergrond": 1,
    "/advies/1": 1,
    "/themas": 1,
    "/adviezen": 1,
    "/regios": 1,
    "/api/v1/search?q=koffieautomaat": 2,
    "/api/v1/articles?per_page=50": 1,
    "/api/v1/articles/telling-03": 1,
    "/api/v1/suggest?q=koffie": 2,
}

# The first time a list is asked for (nothing of it cached), its rows still come in one query,
# plus the count for a paginated list, whatever the number of results: (warm-up, counted) URLs.
FIRST = {
    ("/themas", "/zoeken?q=theepot"): 3,
    ("/themas", "/zoeken?q=koffieautomaat"): 3,
    ("/themas", "/zoeken?q=koffieautomaat&theme=financiering&region=utrecht"): 3,
    ("/themas", "/api/v1/search?q=koffieautomaat"): 3,
    ("/zoeken?q=theepot", "/zoeken?q=koffieautomaat"): 3,  # 5 cards cached, 15 in one query
    ("/thema/financiering", "/thema/financiering?sorteer=nieuw"): 3,
    ("/regio/utrecht", "/regio/utrecht?sorteer=nieuw"): 3,
    ("/soort/achtergrond", "/soort/achtergrond?sorteer=nieuw"): 3,
    ("/advies/1", "/advies/1?sorteer=nieuw"): 3,
    ("/themas", "/api/v1/articles?per_page=50"): 3,
}


@pytest.mark.parametrize(("warm_url", "url"), FIRST)
def test_statements_of_a_list_not_seen_before(counted_app: Flask, warm_url: str, url: str):
    assert first_count(counted_app, warm_url, url) == FIRST[(warm_url, url)]


@pytest.mark.parametrize("url", EXPECTED)
def test_statements_per_page(counted_app: Flask, url: str) -> None:
    assert count(counted_app, url) == EXPECTED[url]


def test_same_count_for_5_and_20_results(counted_app: Flask) -> None:
    client = counted_app.test_client()
    five = client.get("/api/v1/search?q=theepot").json
    twenty = client.get("/api/v1/search?q=koffieautomaat").json
    assert (five["total"], twenty["total"]) == (5, 20)
    for page in ("/zoeken?q={}", "/api/v1/search?q={}"):
        assert count(counted_app, page.format("theepot")) == count(
            counted_app, page.format("koffieautomaat")
        )


def test_results_carry_what_the_page_shows(counted_app: Flask) -> None:
    """The one-query rows have kind, regions and themes resolved, in taxonomy order."""
    data = counted_app.test_client().get("/api/v1/search?q=theepot").json
    first = next(r for r in data["results"] if r["slug"] == "telling-01")
    assert first["kind"] == "achtergrond" and first["regions"] == ["lekstroom"]
    assert first["themes"] == ["monitoring", "doorgaande-lijn"]
    page = counted_app.test_client().get("/zoeken?q=theepot").text
    assert "Lekstroom" in page and "Achtergrond" in page


# --- the caches follow the change counter ---------------------------------------------------


def test_a_change_is_seen_on_the_next_request(app: Flask) -> None:
    client = app.test_client()
    assert "OKé-op-school" in client.get("/artikel/oke-op-school-test").text
    before = client.get("/").text
    # The browse page and the search results cache their rows and cards on the counter.
    lists = ("/regio/almere", "/zoeken?q=jeugdhulp+traint", "/api/v1/search?q=jeugdhulp+traint")
    for url in lists:
        assert "jeugdhulp traint op school" in client.get(url).text
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="oke-op-school-test"))
        article.title = "Een nieuwe titel voor de teller"
        db.session.commit()
    assert "Een nieuwe titel voor de teller" in client.get("/artikel/oke-op-school-test").text
    assert "Een nieuwe titel voor de teller" in client.get("/").text != before
    for url in lists:
        page = client.get(url).text
        assert "Een nieuwe titel voor de teller" in page
        assert "jeugdhulp traint op school" not in page, url
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="oke-op-school-test"))
        article.status = "unpublished"
        db.session.commit()
    assert client.get("/artikel/oke-op-school-test").status_code == 404
    assert "Een nieuwe titel voor de teller" not in client.get("/").text
    for url in lists:
        assert "Een nieuwe titel voor de teller" not in client.get(url).text, url


def test_a_bulk_statement_bumps_the_counter(app: Flask) -> None:
    with app.app_context():
        before = changes.current()
        db.session.execute(delete(SynonymGroup))
        db.session.commit()
        assert changes.current() == before + 1
        db.session.execute(select(SynonymGroup))  # reading bumps nothing
        db.session.commit()
        assert changes.current() == before + 1


CHANGE_THEME = """
import sys
from kb import create_app
from kb.models import Theme, db
app = create_app({"SECRET_KEY": "x", "DATABASE_URL": sys.argv[1], "INDEX_DIR": sys.argv[2],
                  "CONTENT_DIR": sys.argv[3]})
with app.app_context():
    theme = db.session.scalar(db.select(Theme).filter_by(slug="financiering"))
    theme.label = "Geld en bekostiging (gewijzigd door een ander proces)"
    db.session.commit()
"""


def test_a_change_by_another_process_is_seen(app: Flask) -> None:
    """Another worker (a real second process on the same database) renames a theme."""
    client = app.test_client()
    assert "gewijzigd door een ander proces" not in client.get("/themas").text
    config = app.config
    subprocess.run(
        [sys.executable, "-c", CHANGE_THEME, config["DATABASE_URL"], config["INDEX_DIR"],
         config["CONTENT_DIR"]],
        check=True,
        cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert "gewijzigd door een ander proces" in client.get("/themas").text
    assert "gewijzigd door een ander proces" in client.get("/zoeken?theme=financiering").text
