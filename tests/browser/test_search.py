"""A reader searches the real content in Chromium: every challenge class, a facet, "Bedoelde u",
the zero-result help, suggestions while typing and "Meer zoals dit"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def site(real_content_server) -> str:
    """The base URL of the live server on the real content."""
    return real_content_server.url


def search_from_home(page: Page, site: str, query: str) -> None:
    """Type a query in the home page's search box and submit it with Enter."""
    page.goto(site + "/")
    box = page.get_by_label("Waar zoekt u naar?")
    box.fill(query)
    box.press("Enter")  # no suggestion is highlighted, so Enter submits the form
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken")


def top_titles(page: Page, n: int = 3) -> list[str]:
    """Return the titles of the first n results."""
    return page.locator(".kb-result .kb-card__title a").all_inner_texts()[:n]


@pytest.mark.parametrize(
    ("query", "title_part"),
    [
        ("verbinder", "Verbinders in Met Andere Ogen"),  # singular finds plural
        ("onderwijs zorgarrangementen", "Onderwijszorgarrangementen (OZA)"),  # compound
        ("thuiszitterscafe", "Thuiszitterscafé"),  # accent
        ("MKBA", "kosten-batenanalyse"),  # abbreviation
        ("schoolagent 's-Hertogenbosch", "De schoolagent"),  # region alias
        ("18+", "Van 18- naar 18+"),  # number with a sign
        ("politie op school", "De schoolagent"),  # concept
    ],
)
def test_challenge_queries(page: Page, site: str, query: str, title_part: str) -> None:
    search_from_home(page, site, query)
    expect(page.locator("#zoekterm")).to_have_value(query)
    assert any(title_part in title for title in top_titles(page)), top_titles(page)
    expect(page.locator(".snippet mark").first).to_be_visible()


def test_did_you_mean_runs_the_corrected_search(page: Page, site: str) -> None:
    search_from_home(page, site, "preventiematirx")
    suggestion = page.locator(".did-you-mean").get_by_role("link", name="preventiematrix")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(r"q=preventiematrix"))
    assert top_titles(page, 1) == ["De preventiematrix"]


def test_facet_filters_and_back_button(page: Page, site: str) -> None:
    search_from_home(page, site, "thuiszitters")
    total = page.locator(".result-count").inner_text()
    page.get_by_role("group", name="Regio").get_by_label(re.compile(r"^Utrecht")).check()
    page.get_by_role("button", name="Filters toepassen").click()
    expect(page).to_have_url(re.compile(r"region=utrecht"))
    assert page.locator(".result-count").inner_text() != total
    for card in page.locator(".kb-result").all():
        expect(card.locator(".utrecht-data-badge", has_text="Utrecht")).to_be_visible()
    page.go_back()
    expect(page.locator(".result-count")).to_have_text(total)


def test_zero_results_names_the_filters_and_offers_to_drop_them(page: Page, site: str) -> None:
    page.goto(site + "/zoeken?q=schoolagent&region=zeeland")
    expect(page.get_by_text("Geen resultaten")).to_be_visible()
    expect(page.locator("#zoekterm")).to_have_value("schoolagent")
    page.get_by_role("link", name="Regio: Zeeland weglaten").click()
    assert "De schoolagent" in top_titles(page, 1)[0]
    page.goto(site + "/zoeken?q=xqzwv")
    expect(page.get_by_role("heading", name="Of kijk bij een thema")).to_be_visible()


def test_suggestions_while_typing(page: Page, site: str) -> None:
    page.goto(site + "/zoeken")
    box = page.get_by_role("combobox", name="Zoek in de kennisbank")
    box.press_sequentially("thuiszitterssp", delay=30)
    option = page.get_by_role("option", name=re.compile("thuiszitterssprint"))
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    option.click()
    expect(page).to_have_url(re.compile(r"/artikel/thuiszittersprint-utrecht$"))


def test_more_like_this_on_an_article(page: Page, site: str) -> None:
    page.goto(site + "/artikel/thuiszitterscafe")
    more = page.get_by_role("complementary", name="Meer zoals dit")
    expect(more).to_be_visible()
    assert more.locator(".kb-card").count() >= 1
