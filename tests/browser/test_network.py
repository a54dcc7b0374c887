"""Following the network in a real Chromium: follow a theme, save a search and see what is new;
sign up for a CoP meeting and download it; the map of the regions and its text form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from tests.support.mail import Mailbox
from tests.support.server import LiveServer

PASSWORD = "netwerk-wachtwoord-lang-1"
EDITOR = "eva@kennisbank.test"
MEMBER = "mila@regio-almere.nl"


@pytest.fixture
def server(server_factory: Callable[..., LiveServer], mailbox: Mailbox) -> LiveServer:
    """Gunicorn with the fixture content, mail to the test SMTP server, an editor and a member."""
    live = server_factory(
        workers=2, extra_env={"KB_MAIL_HOST": "127.0.0.1", "KB_MAIL_PORT": str(mailbox.port)}
    )
    live.create_user(EDITOR, PASSWORD, "editor", "Eva Redacteur")
    live.create_user(MEMBER, PASSWORD, "member", "Mila de Lid")
    return live


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """Another person's browser."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Mijn kennisbank")).to_be_visible()


def test_a_member_follows_a_theme_saves_a_search_and_sees_what_is_new(
    server: LiveServer, page: Page, second_page: Page
) -> None:
    log_in(page, server, MEMBER)
    page.goto(server.url + "/thema/interprofessioneel-samenwerken")
    page.get_by_role("button", name="Volg").click()
    expect(page.get_by_text("U volgt nu")).to_be_visible()

    page.goto(server.url + "/zoeken?q=school")
    page.get_by_text("Bewaar deze zoekopdracht").click()
    page.get_by_label("Naam van de zoekopdracht").fill("Scholen")
    page.get_by_role("button", name="Bewaren").click()
    expect(page).to_have_url(re.compile(r"/mijn-kennisbank$"))
    expect(page.get_by_role("heading", name=re.compile("Scholen"))).to_be_visible()
    expect(page.get_by_text("Niets nieuws sinds uw vorige bezoek.").first).to_be_visible()

    # Meanwhile an editor changes an article of that theme, through the editor's form.
    log_in(second_page, server, EDITOR)
    second_page.goto(server.url + "/redactie/artikelen/oke-op-school-test")
    title = second_page.get_by_label("Titel")
    title.fill("OKé-op-school, nu in heel Almere")
    second_page.get_by_role("button", name=re.compile("^Opslaan")).first.click()
    expect(second_page.get_by_text("Opgeslagen.")).to_be_visible()

    page.goto(server.url + "/mijn-kennisbank")
    expect(page.get_by_role("link", name="OKé-op-school, nu in heel Almere").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"1 nieuw of gewijzigd")).first).to_be_visible()
    page.reload()  # seen now
    expect(page.get_by_text(re.compile(r"\d+ nieuw of gewijzigd"))).to_have_count(0)


def test_a_visitor_signs_up_for_a_meeting_and_downloads_it(
    server: LiveServer, page: Page, second_page: Page, mailbox: Mailbox
) -> None:
    log_in(second_page, server, EDITOR)
    second_page.goto(server.url + "/redactie/bijeenkomsten/nieuw")
    second_page.get_by_label("Titel").fill("CoP-bijeenkomst Monitoring")
    second_page.get_by_label("Begint").fill("2030-03-12T13:30")
    second_page.get_by_label("Eindigt").fill("2030-03-12T16:00")
    second_page.get_by_label("Plaats (adres)").fill("Utrecht, Stadskantoor")
    second_page.get_by_label("Aantal plaatsen").fill("20")
    second_page.get_by_role("button", name="Opslaan").click()
    expect(second_page.get_by_text("opgeslagen")).to_be_visible()

    page.goto(server.url + "/agenda")
    page.get_by_role("link", name="CoP-bijeenkomst Monitoring").click()
    expect(page.get_by_text("dinsdag 12 maart 2030, 13.30–16.00 uur")).to_be_visible()
    page.get_by_label("Naam").fill("Sanne de Vries")
    page.get_by_label("Organisatie").fill("Gemeente Almere")
    page.get_by_label("E-mailadres").fill("sanne@almere.nl")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text(re.compile("U bent aangemeld"))).to_be_visible()
    expect(page.get_by_text("nog 19 vrij")).to_be_visible()
    mailbox.wait_for(lambda m: "sanne@almere.nl" in m["X-Envelope-To"])

    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in uw agenda (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == "CoP-bijeenkomst Monitoring"
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == "2030-03-12 13:30"


def test_the_map_links_each_region_and_the_list_works_without_javascript(
    server: LiveServer, page: Page, browser: Browser
) -> None:
    page.goto(server.url + "/regios")
    circle = page.locator("a.kb-region-map__link").first
    label = circle.get_attribute("aria-label")
    assert label and re.search(r": \d+ artikel", label)
    circle.click()
    expect(page).to_have_url(re.compile(r"/regio/[a-z-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(label.split(":")[0])

    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(server.url + "/regios")
        plain.get_by_role("link", name="Almere", exact=True).first.click()
        expect(plain).to_have_url(re.compile(r"/regio/almere$"))
    finally:
        context.close()
