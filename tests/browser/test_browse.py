"""A reader walks from the home page to an article and back through the taxonomy."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_home_to_article(server_factory, page: Page) -> None:
    server = server_factory()
    page.goto(server.url + "/")
    expect(page).to_have_title("Kennisbank Onderwijs · Zorg · Jeugd")
    expect(page.get_by_role("heading", name="Thema's")).to_be_visible()
    page.get_by_role(
        "link", name="OKé-op-school: jeugdhulp traint op school (testvoorbeeld)"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "OKé-op-school: jeugdhulp traint op school (testvoorbeeld)"
    )
    expect(page.get_by_role("heading", name="Bron")).to_be_visible()
    expect(page.locator(".citation")).to_contain_text("Nederlands Jeugdinstituut, 2015")
    # The internal Markdown link was resolved to the portrait's article URL.
    page.locator(".prose").get_by_role("link", name="regioportret").click()
    expect(page).to_have_url(server.url + "/artikel/regioportret-testregio")
    page.get_by_role("link", name="Alle artikelen uit Almere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Almere")
    expect(page.get_by_role("status").first).to_contain_text("artikelen")


def test_keyboard_skip_link_reaches_main(server_factory, page: Page) -> None:
    server = server_factory()
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
