"""Leeslijsten in a real Chromium: an editor builds one from search results, reorders it with the
keyboard (and by dragging, where JavaScript runs), and a reader sees it on the CoP's page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.app import make_content_dir
from tests.support.search import article_text
from tests.support.server import LiveServer

PASSWORD = "leeslijst-wachtwoord-lang-1"
EDITOR = "eva@kennisbank.test"
COP = "cop-leeslijsttest"
SECTION = (
    "De deelnemers uit de regio's bespreken hoe onderwijs, jeugdhulp en gemeente samen werken "
    "aan een doorgaande lijn voor kinderen die extra steun nodig hebben, met voorbeelden uit de "
    "praktijk en vragen die ze elkaar stellen over afspraken, rollen en geld. "
)
COP_BODY = "\n\n".join(
    f"## {heading}\n\n{SECTION * 2}"
    for heading in ("Thema", "Leervragen", "Deelnemers", "Werkwijze", "Opbrengsten")
)


def _order(page: Page) -> list[str]:
    return page.locator("ol.kb-collection--editing > li a.utrecht-link").all_inner_texts()


@pytest.fixture
def server(server_factory: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    """Gunicorn with the fixture content plus one Community of Practice, and an editor."""
    content = make_content_dir(tmp_path / "content")
    (content / "articles" / f"{COP}.md").write_text(
        article_text("Community of Practice Leeslijsttest", COP_BODY, kind="community-of-practice"),
        encoding="utf-8",
    )
    live = server_factory(content)
    live.create_user(EDITOR, PASSWORD, "editor", "Eva Redacteur")
    return live


def test_an_editor_builds_a_leeslijst_from_search_and_readers_see_it_on_the_cop_page(
    server: LiveServer, page: Page, browser: Browser
) -> None:
    page.goto(server.url + "/inloggen")
    page.get_by_label("E-mailadres").fill(EDITOR)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Mijn kennisbank")).to_be_visible()

    page.goto(server.url + "/redactie/leeslijsten/")
    page.get_by_label("Titel").fill("Eerst lezen")
    page.get_by_label("Hoort bij").select_option("cop")
    page.get_by_label("Welke").select_option(COP)
    page.get_by_role("button", name="Maken").click()
    expect(page.get_by_role("heading", name="Leeslijst: Eerst lezen")).to_be_visible()

    # From the search results, with the keyboard: the list is chosen above the results.
    page.goto(server.url + "/zoeken?q=jeugdhulp")
    expect(page.get_by_label("Leeslijst om aan toe te voegen")).to_have_value("eerst-lezen")
    for title in ("Het OOGO uitgelegd (test)", "Regioportret Almere (testportret)",
                  "OKé-op-school: jeugdhulp traint op school (testvoorbeeld)"):  # fmt: skip
        button = page.get_by_role("button", name=f"Voeg toe aan leeslijst: {title}")
        button.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Toegevoegd aan “Eerst lezen”.")).to_be_visible()
        expect(page).to_have_url(
            re.compile(r"/zoeken\?q=jeugdhulp&leeslijst=eerst-lezen#resultaat-")
        )

    page.get_by_role("link", name="Leeslijsten beheren").click()
    page.get_by_role("link", name="Eerst lezen").click()
    first = ["Het OOGO uitgelegd (test)", "Regioportret Almere (testportret)",
             "OKé-op-school: jeugdhulp traint op school (testvoorbeeld)"]  # fmt: skip
    assert _order(page) == first
    # Keyboard: move the last one up twice.
    oke = page.locator("ol.kb-collection--editing > li", has_text="OKé-op-school")
    for place in (2, 1):
        oke.get_by_role("button", name=re.compile("^Omhoog")).focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"ol.kb-collection--editing > li:nth-child({place})")).to_contain_text(
            "OKé-op-school"
        )
    assert _order(page)[0].startswith("OKé-op-school")
    expect(oke.get_by_role("button", name=re.compile("^Omhoog"))).to_be_disabled()
    oke.get_by_label("Waarom lezen").fill("Begin bij een voorbeeld uit de praktijk.")
    oke.get_by_role("button", name=re.compile("^Opslaan")).press("Enter")
    expect(page.get_by_text("Toelichting opgeslagen.")).to_be_visible()

    # With the mouse, where JavaScript runs: drag the last item to the top; saved at once.
    handles = page.locator("ol.kb-collection--editing .kb-drag-handle")
    expect(handles).to_have_count(3)
    handles.nth(2).drag_to(page.locator("ol.kb-collection--editing > li").first,
                           target_position={"x": 40, "y": 5})  # fmt: skip
    expect(page.get_by_text("Volgorde opgeslagen.")).to_be_visible()
    dragged = _order(page)
    assert dragged[0] == "Regioportret Almere (testportret)"
    page.reload()
    assert _order(page) == dragged

    # A reader (no account) sees it on the CoP's page, in that order, with the note.
    reader = browser.new_context(locale="nl-NL").new_page()
    try:
        reader.goto(server.url + f"/artikel/{COP}")
        block = reader.locator("section.kb-collection-block")
        expect(block.get_by_role("heading", name="Leeslijst: Eerst lezen")).to_be_visible()
        assert block.locator("a.kb-collection__title").all_inner_texts() == dragged
        expect(block.get_by_text("Begin bij een voorbeeld uit de praktijk.")).to_be_visible()
        reader.goto(server.url + "/zoeken?q=jeugdhulp")
        expect(
            reader.get_by_role("button", name=re.compile("Voeg toe aan leeslijst"))
        ).to_have_count(0)
    finally:
        reader.context.close()
