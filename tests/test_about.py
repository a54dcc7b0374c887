"""The statements a Dutch public body publishes: accessibility, privacy, contact and about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, url_for

from tests.support.app import make_app

PAGES = {
    "about.accessibility": ("/toegankelijkheid", "Toegankelijkheidsverklaring"),
    "about.privacy": ("/privacy", "Privacyverklaring"),
    "about.contact": ("/contact", "Contact"),
    "about.about": ("/over", "Over deze kennisbank"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(
        tmp_path_factory.mktemp("about"),
        SEARCH_LOG_RETENTION_DAYS=45,
        CONTACT_EMAIL="redactie@kennisbank.test",
    )


def _page(app: Flask, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", PAGES)
def test_each_statement_answers_on_its_dutch_url(app: Flask, endpoint: str) -> None:
    path, heading = PAGES[endpoint]
    with app.test_request_context():
        assert url_for(endpoint) == path
    html = _page(app, path)
    h1 = re.search(r'<h1 id="pagina-titel" class="utrecht-heading-1">(.*?)</h1>', html)
    assert h1 and h1.group(1).replace("&shy;", "") == heading  # soft hyphens: no sideways scroll
    assert f"<title>{heading} · Kennisbank" in html
    # CSP without inline script or style: nothing of the kind on these pages.
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", html)
    assert "redactie@kennisbank.test" in html or endpoint == "about.about"


def test_accessibility_statement_follows_the_model(app: Flask) -> None:
    html = _page(app, "/toegankelijkheid")
    for part in (
        "<dt>Status</dt><dd><strong>B: voldoet gedeeltelijk</strong></dd>",
        "<dt>Datum verklaring</dt><dd>3 december 2026</dd>",
        "axe-core",
        "320 pixels",
        "Bekende problemen",
        "Feedback en contact",
        'href="https://www.nationaleombudsman.nl" rel="noopener">Nationale Ombudsman</a>',
    ):
        assert part in html, part


def test_privacy_statement_states_the_configured_search_log_retention(app: Flask) -> None:
    html = _page(app, "/privacy")
    assert '<span class="retention">45 dagen</span>' in html
    for part in (
        "hash",
        "geen IP-adres",
        "HMAC",
        "inzien",
        "verwijderen",
        "Autoriteit Persoonsgegevens",
    ):
        assert part in html, part


def test_privacy_retention_defaults_to_twelve_months(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert '<span class="retention">365 dagen</span>' in _page(app, "/privacy")


def test_contact_falls_back_to_the_sender_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAIL_SENDER="kennisbank@gemeente.test")
    assert 'href="mailto:kennisbank@gemeente.test"' in _page(app, "/contact")


def test_about_page_counts_the_published_articles_and_names_the_sources(app: Flask) -> None:
    html = _page(app, "/over")
    assert re.search(r"Er staan nu 3\s+artikelen in\.", html)
    assert "<cite>Sterke netwerken rond kwetsbare jongeren." in html
    assert "Met Andere Ogen" in html


@pytest.mark.parametrize("page", ["/", "/zoeken", "/artikel/oogo-test", "/nergens"])
def test_every_page_links_the_statements_from_its_footer(client, page: str) -> None:
    html = client.get(page).get_data(as_text=True)
    footer = html[html.index("<footer"):]
    for url in ("/over", "/contact", "/toegankelijkheid", "/privacy"):
        assert f'href="{url}"' in footer, (page, url)
