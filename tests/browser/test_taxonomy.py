"""The taxonomy online in a real Chromium against gunicorn (two workers).

An editor merges two themes and sees the counts and the old address follow; an editor adds a
synonym, sees the preview (live with JavaScript, by the "Voorbeeld" button without) and then
the search result change on the next search, without a reindex.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.server import LiveServer

EDITOR_EMAIL = "eva@kennisbank.test"
EDITOR_PASSWORD = "redactie-wachtwoord-1"
SOURCE = "Positief en preventief jeugdbeleid"
TARGET = "Bestuurlijke afspraken en regionale samenwerking"


@pytest.fixture
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A gunicorn server with two workers and an editor made by the CLI."""
    live = server_factory(workers=2)
    live.create_user(EDITOR_EMAIL, EDITOR_PASSWORD, "editor", "Eva Redacteur")
    return live


def _log_in(page: Page, url: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(EDITOR_EMAIL)
    page.get_by_label("Wachtwoord").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name=re.compile("Inloggen"))).to_have_count(0)


def _count_cell(page: Page, name: str):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    return row.get_by_role("cell").nth(1)


def test_merge_two_themes_and_see_counts_and_old_urls_follow(server: LiveServer, page: Page):
    _log_in(page, server.url)
    page.goto(server.url + "/redactie/taxonomie/")
    expect(_count_cell(page, SOURCE)).to_have_text("1")
    expect(_count_cell(page, TARGET)).to_have_text("2")

    page.get_by_role("link", name=SOURCE, exact=True).click()
    page.get_by_label("Samenvoegen met").select_option(label=TARGET)
    page.get_by_role("button", name="Samenvoegen").click()
    expect(page.get_by_role("status").first).to_contain_text("samengevoegd")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TARGET)

    page.goto(server.url + "/redactie/taxonomie/")
    expect(_count_cell(page, TARGET)).to_have_text("3")
    expect(page.get_by_role("rowheader", name=SOURCE, exact=True)).to_have_count(0)

    # The old address (and its feed) answers 301 to the theme it was merged into.
    response = page.goto(server.url + "/thema/preventief-jeugdbeleid?sorteer=nieuw")
    assert response is not None and response.request.redirected_from is not None
    assert response.request.redirected_from.redirected_to is not None
    expect(page).to_have_url(re.compile(r"/thema/bestuurlijke-afspraken\?sorteer=nieuw$"))
    expect(page.get_by_role("status").first).to_have_text("3 artikelen")
    expect(page.get_by_role("link", name=re.compile("OKé-op-school"))).to_be_visible()
    feed = page.request.get(server.url + "/thema/preventief-jeugdbeleid/feed", max_redirects=0)
    assert feed.status == 301
    assert feed.headers["location"].endswith("/thema/bestuurlijke-afspraken/feed")

    # The merge is in the history and can be undone: the old theme is back with its article.
    page.goto(server.url + "/redactie/taxonomie/geschiedenis")
    page.get_by_role("button", name=re.compile(r"^Ongedaan maken\s*: Thema ‘Positief")).click()
    expect(page.get_by_role("status").first).to_contain_text("ongedaan gemaakt")
    page.goto(server.url + "/thema/preventief-jeugdbeleid")
    expect(page.get_by_role("status").first).to_have_text("1 artikel")


def test_add_a_synonym_see_the_preview_then_the_search_change(server: LiveServer, page: Page):
    page.goto(server.url + "/zoeken?q=schooltraining")
    expect(page.get_by_role("link", name=re.compile("OKé-op-school"))).to_have_count(0)

    _log_in(page, server.url)
    page.goto(server.url + "/redactie/taxonomie/synoniemen/nieuw?term=schooltraining")
    terms = page.get_by_label("Termen die hetzelfde betekenen")
    expect(terms).to_have_value("schooltraining")
    terms.fill("schooltraining\nOKé")
    # The live preview (JavaScript) asks the same expansion the search runs.
    preview = page.locator("#synoniem-voorbeeld")
    expect(
        preview.get_by_role("listitem").filter(has_text=re.compile("^schooltraining"))
    ).to_contain_text("schooltraining zoekt nu ook op: OKé. (Tot nu toe: alleen op zichzelf.)")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text("meteen")

    # Both workers see it on their next search: nothing was reindexed.
    for _ in range(2):
        page.goto(server.url + "/zoeken?q=schooltraining")
        expect(page.get_by_role("link", name=re.compile("OKé-op-school"))).to_be_visible()


def test_the_preview_works_without_javascript(server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, server.url)
        page.goto(server.url + "/redactie/taxonomie/synoniemen/nieuw")
        page.get_by_label("Termen die hetzelfde betekenen").fill("schooltraining\nOKé")
        page.get_by_label("Probeer een zoekvraag").fill("OKé")
        page.get_by_role("button", name="Voorbeeld").click()
        preview = page.locator("#synoniem-voorbeeld")
        expect(preview.get_by_role("listitem").filter(has_text=re.compile("^OKé"))).to_contain_text(
            "OKé zoekt nu ook op: schooltraining."
        )
        # Nothing was saved: the form still holds what was typed.
        expect(page.get_by_label("Termen die hetzelfde betekenen")).to_have_value(
            re.compile("schooltraining\\s+OKé")
        )
        page.goto(server.url + "/redactie/taxonomie/geschiedenis")
        expect(page.get_by_text("Nog geen wijzigingen.")).to_be_visible()
    finally:
        context.close()
