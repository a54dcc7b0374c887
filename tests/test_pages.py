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
        'id="artikel-titel">OKé-op-school: jeugdhulp traint op school (testvoorbeeld)</h1>' in html
    )
    assert "Advies 1: Het verbreden van teams (interprofessioneel)" in html
    assert "<cite>Samen om het kind, deel 3: Op school, thuis en in de wijk</cite>" in html
    assert "Hoofdstuk 2, Sterke pedagogische basis op school" in html
    assert 'Stand van zaken</dt><dd class="utrecht-data-list__item-value">2015' in html
    assert 'href="/artikel/regioportret-testregio">Regioportret Almere</a>' in html
    assert "Verwante artikelen" in html
    assert "Laatst gecontroleerd:" in html and "In de kennisbank sinds" in html


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
    for url in (
        "/",
        "/artikel/regioportret-testregio",
        "/regios",
        "/adviezen",
        "/nergens",
        "/themas",
        "/soort/praktijkvoorbeeld",
        "/zoeken?q=school&region=almere",
    ):
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
            "url": "https://www.nji.nl",
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


def test_article_has_a_table_of_contents_of_its_sections_and_its_kind(client: FlaskClient) -> None:
    html = client.get("/artikel/oke-op-school-test").text
    toc = html[html.index('aria-labelledby="inhoud-kop"') :]
    toc = toc[: toc.index("</nav>")]
    anchors = re.findall(r'href="#([^"]+)">([^<]+)</a>', toc)
    assert [text for _, text in anchors] == [
        "Aanleiding", "Aanpak", "Resultaten", "Lessen", "Betrokken partners", "Bron",
    ]  # fmt: skip
    for anchor, _ in anchors:  # every entry leads to a heading on the page
        assert f'id="{anchor}"' in html
    # The kind: its pictogram and its name, together, linking to the kind's page.
    badge = re.compile(
        r'<a class="kb-kind kb-kind--praktijkvoorbeeld" href="/soort/praktijkvoorbeeld">'
        r'<svg[^>]*aria-hidden="true".*?#praktijkvoorbeeld.*?</svg>'
        r'<span class="kb-kind__label">Praktijkvoorbeeld</span></a>',
        re.DOTALL,
    ).search(html)
    assert badge, "the article shows its kind as pictogram and text"
    # One definition list carries every fact, each label on its own key element.
    facts = re.findall(r'<dt class="utrecht-data-list__item-key">([^<]+)</dt>', html)
    assert facts == ["Soort", "Regio", "Thema's", "Adviezen", "Sectoren", "Stand van zaken", "Bron"]


def test_section_headings_reads_h2_ids_and_text() -> None:
    from kb.formatting import section_headings

    html = '<h2 id="a">Aan<em>pak</em> &amp; zo</h2><p>x</p><h2>zonder id</h2><h3 id="b">B</h3>'
    assert section_headings(html) == [("a", "Aanpak & zo")]
    assert section_headings("") == []


def test_every_card_names_its_kind_in_text_not_colour_alone(client: FlaskClient) -> None:
    for url in ("/", "/soort/praktijkvoorbeeld", "/regio/almere", "/zoeken?q=school"):
        html = client.get(url).text
        card = re.compile(r'<article class="kb-card kb-card--([a-z-]+)">(.*?)</article>', re.DOTALL)
        cards = card.findall(html)
        assert cards, url
        for slug, card in cards:
            assert f"#{slug}" in card and 'class="kb-kind__label"' in card, (url, slug)


def test_home_offers_the_redactie_only_to_editors(app: Flask) -> None:
    from tests.support.accounts import login, make_user

    anonymous = app.test_client().get("/").text
    assert "Een voorbeeld delen" in anonymous and "Naar de redactie" not in anonymous
    member = app.test_client()
    login(member, make_user(app).email)
    assert "Naar de redactie" not in member.get("/").text
    editor = app.test_client()
    login(editor, make_user(app, role="editor").email)
    assert 'href="/redactie/">Naar de redactie</a>' in editor.get("/").text


def test_home_lists_the_newest_practice_examples(client: FlaskClient) -> None:
    html = client.get("/").text
    newest = html[html.index('id="nieuw-kop"') :].split("</section>")[0]
    kinds = re.findall(r'<article class="kb-card kb-card--([a-z-]+)">', newest)
    assert kinds == ["praktijkvoorbeeld"]  # the fixture content has one


def test_search_puts_results_before_filters_and_names_each_chip(client: FlaskClient) -> None:
    # Finding 9.13: on a phone the first result came after every filter. The results now come
    # first in the page; the filters follow, in a disclosure that says how many are active.
    html = client.get("/zoeken?q=school&region=almere&advice=1").text
    assert 0 < html.index('class="kb-result"') < html.index('<details class="kb-filters"')
    assert '<summary class="kb-filters__summary">Filters (2 actief)</summary>' in html
    chips = re.findall(r'<a class="kb-chip" href="[^"]*">(.*?)</a>', html, re.DOTALL)
    hidden = re.compile(r'<span class="visually-hidden">[^<]*</span>')
    decorative = re.compile(r'<span[^>]*aria-hidden="true">[^<]*</span>')
    visible = [re.sub(r"<[^>]+>", "", hidden.sub("", chip)).split() for chip in chips]
    spoken = [re.sub(r"<[^>]+>", "", decorative.sub("", chip)).split() for chip in chips]
    assert visible == [["Advies", "1", "×"], ["Almere", "×"]]
    assert spoken == [["Filter", "Advies", "1", "verwijderen"], ["Filter", "Almere", "verwijderen"]]
