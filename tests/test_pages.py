"""Every public page answers with the right status, in Dutch, with the security headers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.app import build_app, load_content

PAGES_200 = [
    "/",
    "/artikel/oke-op-school-test",
    "/artikel/regioportret-testregio",
    "/artikel/oogo-test",
    "/thema/preventief-jeugdbeleid",
    "/thema/kansengelijkheid",  # a theme without articles still has a page
    "/advies/1",
    "/advies/7",
    "/regio/almere",
    "/regio/landelijk",
    "/soort/praktijkvoorbeeld",
    "/soort/regioportret",
    "/themas",
    "/adviezen",
    "/regios",
    "/healthz",
    "/api/v1/articles",
    "/api/v1/articles/oogo-test",
]
PAGES_404 = [
    "/artikel/bestaat-niet",
    "/thema/bestaat-niet",
    "/advies/8",
    "/advies/0",
    "/regio/atlantis",
    "/soort/roman",
    "/api/v1/articles/bestaat-niet",
    "/nergens",
]


@pytest.mark.parametrize("url", PAGES_200)
def test_page_ok(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("url", PAGES_404)
def test_page_not_found_is_dutch(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        message = "Deze pagina bestaat niet (meer). Zoek verder of ga naar de startpagina."
        assert response.json == {"error": {"code": 404, "message": message}}
    else:
        assert "Pagina niet gevonden" in response.text
        assert '<html lang="nl"' in response.text


def test_home_shows_taxonomy_with_counts_and_newest(client: FlaskClient) -> None:
    html = client.get("/").text
    assert 'Positief en preventief jeugdbeleid</a> <span class="count">1</span>' in html
    assert "Advies 1</span> Het verbreden van teams (interprofessioneel)" in html
    assert 'Praktijkvoorbeelden</span></a> <span class="count">1</span>' in html
    assert 'href="/regio/almere"' in html
    assert 'href="/artikel/oke-op-school-test"' in html
    assert 'action="/zoeken"' in html


def test_article_page_shows_metadata_source_and_portrait(client: FlaskClient) -> None:
    html = client.get("/artikel/oke-op-school-test").text
    assert (
        'id="artikel-titel">OKé-op-school: jeugdhulp traint op school (testvoorbeeld)</h1>'
        in html
    )
    assert "Advies 1: Het verbreden van teams (interprofessioneel)" in html
    assert "<cite>Samen om het kind, deel 3: Op school, thuis en in de wijk</cite>" in html
    assert "Hoofdstuk 2, Sterke pedagogische basis op school" in html
    assert 'Stand van zaken</dt><dd class="utrecht-data-list__item-value">2015' in html
    assert 'href="/artikel/regioportret-testregio">Regioportret Almere</a>' in html
    assert "Verwante artikelen" in html
    assert "Laatst bijgewerkt:" in html


def test_browse_pagination(tmp_path: Path, content_dir: Path) -> None:
    app = build_app(tmp_path, content_dir, PER_PAGE=2)
    load_content(app)
    client = app.test_client()
    first = client.get("/regio/almere").text
    assert "2 artikelen" in first and 'rel="next"' not in first
    page1 = client.get("/soort/praktijkvoorbeeld").text
    assert "1 artikel<" in page1
    everything = client.get("/api/v1/articles?per_page=2&page=2").json
    assert everything["total"] == 3 and everything["pages"] == 2 and len(everything["items"]) == 1
    landelijk = client.get("/thema/bestuurlijke-afspraken?sorteer=nieuw").text
    assert "2 artikelen" in landelijk


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/artikel/oogo-test", "/api/v1/articles", "/nergens"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_or_style_in_pages(client: FlaskClient) -> None:
    for url in ("/", "/artikel/regioportret-testregio", "/regios", "/adviezen", "/nergens"):
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_api_list_shape_and_filters(client: FlaskClient) -> None:
    data = client.get("/api/v1/articles").json
    assert set(data) >= {"total", "page", "items"}
    assert data["total"] == 3 and data["page"] == 1
    item = data["items"][0]
    assert set(item) >= {"slug", "title", "kind", "summary", "url", "regions", "themes", "advice",
                         "sectors", "reference_date", "updated_at"}  # fmt: skip
    assert item["url"].endswith("/artikel/" + item["slug"])

    def total(query: str) -> int:
        return client.get("/api/v1/articles?" + query).json["total"]

    assert total("theme=preventief-jeugdbeleid") == 1
    assert total("theme=preventief-jeugdbeleid&theme=bestuurlijke-afspraken") == 3  # OR
    assert total("advice=1") == 2
    assert total("advice=1&kind=praktijkvoorbeeld") == 1  # AND across filters
    assert total("region=almere") == 2
    assert total("region=landelijk") == 1
    assert total("sector=po") == 2
    assert total("kind=advies") == 0
    assert total("advice=abc") == 0


def test_api_detail_has_markdown_html_and_sources(client: FlaskClient) -> None:
    data = client.get("/api/v1/articles/oke-op-school-test").json
    assert data["slug"] == "oke-op-school-test"
    assert data["body_markdown"].lstrip().startswith("## Aanleiding")
    assert '<h2 id="aanleiding">Aanleiding</h2>' in data["body_html"]
    assert data["sources"] == [
        {
            "id": "nji-2015-samen-om-het-kind",
            "title": "Samen om het kind, deel 3: Op school, thuis en in de wijk",
            "publisher": "Nederlands Jeugdinstituut",
            "year": 2015,
            "section": "Hoofdstuk 2, Sterke pedagogische basis op school",
            "pages": "",
        }
    ]
    assert data["related"] == ["regioportret-testregio"]
    assert data["advice"] == [1] and data["regions"] == ["almere"]


def test_healthz_reports_database_and_index(client: FlaskClient) -> None:
    data = client.get("/healthz").json
    assert data["status"] == "ok" and data["checks"]["database"] == "ok"


def test_healthz_fails_when_the_index_is_unusable(app: Flask) -> None:
    index_dir = Path(app.config["INDEX_DIR"])
    shutil.rmtree(index_dir)
    index_dir.write_text("geen map")  # the index path is now a file: unusable
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "fout"


def test_internal_error_is_a_dutch_500(app: Flask) -> None:
    @app.get("/kapot-voor-test")
    def broken():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/kapot-voor-test")
    assert response.status_code == 500 and "Er ging iets mis" in response.text


@pytest.mark.parametrize(
    ("browse", "search"),
    [
        ("/thema/bestuurlijke-afspraken", "/zoeken?theme=bestuurlijke-afspraken"),
        ("/advies/4", "/zoeken?advice=4"),
        ("/regio/almere", "/zoeken?region=almere"),
        ("/soort/achtergrond", "/zoeken?kind=achtergrond"),
    ],
)
def test_browse_page_links_to_a_search_within_its_selection(
    client: FlaskClient, browse: str, search: str
) -> None:
    page = client.get(browse).text
    link = re.search(r'<a [^>]*href="([^"]+)">Zoeken binnen deze selectie</a>', page)
    assert link is not None and link.group(1) == search
    found = client.get(search).text
    assert "oogo-test" in found or "regioportret-testregio" in found


def test_submission_form_title_is_text_and_loads_its_script_once(client: FlaskClient) -> None:
    page = client.get("/voorbeeld-indienen").text
    title = re.search(r"<title>(.*?)</title>", page, flags=re.DOTALL).group(1)
    assert "<" not in title and title.startswith("Voorbeeld indienen")
    assert page.count("submit.js") == 1
