"""The coverage matrix: one grouped count per advies × theme, linked to the search and the form."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from kb import coverage
from kb.models import Article, db


def test_each_cell_counts_the_published_examples_of_that_advies_and_theme(app: Flask) -> None:
    with app.app_context():
        examples = [a for a in db.session.scalars(db.select(Article)) if
                    a.status == "published" and a.kind.slug == "praktijkvoorbeeld"]  # fmt: skip
        expected: dict[tuple[int, int], int] = {}
        for article in examples:
            for advice in article.advice:
                for theme in article.themes:
                    key = (advice.number, theme.id)
                    expected[key] = expected.get(key, 0) + 1
        result = coverage.matrix({"kind": ["praktijkvoorbeeld"]})
        assert expected and result.counts == expected
        cells = len(result.advice) * len(result.themes)
        assert result.empty_cells == cells - len(expected)


def test_the_matrix_is_counted_in_a_constant_number_of_queries(app: Flask) -> None:
    with app.app_context():
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        filters = {"kind": ["praktijkvoorbeeld"], "region": ["almere"]}
        coverage.matrix(filters)  # warm the taxonomy, as any running worker has it
        statements.clear()
        try:
            coverage._count(filters)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts = [s for s in statements if "change_counter" not in s]  # the cache check
        assert len(counts) == 1  # one grouped count; the axes come from the cached taxonomy


def test_page_links_full_cells_to_their_search_and_empty_cells_to_the_form(
    client: FlaskClient,
) -> None:
    response = client.get("/dekkingsmatrix")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert '<th class="utrecht-table__header-cell" scope="row">' in html
    searches = re.findall(r'href="(/zoeken\?[^"]+)"', html)
    assert searches and all("advice=" in url and "theme=" in url for url in searches)
    invites = re.findall(r'href="(/voorbeeld-indienen\?[^"]+)"', html)
    assert invites and all("advies=" in url and "thema=" in url for url in invites)


def test_a_cell_link_finds_exactly_the_counted_articles(client: FlaskClient) -> None:
    html = unescape(client.get("/dekkingsmatrix").get_data(as_text=True))
    match = re.search(r'href="/zoeken\?([^"]+)">(\d+)<', html)
    assert match
    query, count = match.groups()
    api = client.get(f"/api/v1/search?{query}").json
    assert api["total"] == int(count)


def test_filters_narrow_the_counts(client: FlaskClient) -> None:
    everywhere = unescape(client.get("/dekkingsmatrix").get_data(as_text=True))
    nowhere = unescape(client.get("/dekkingsmatrix?region=atlantis").get_data(as_text=True))
    assert "/zoeken?" in everywhere
    assert "/zoeken?" not in nowhere  # an unknown region matches nothing: every cell empty
