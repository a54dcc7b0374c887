"""The facilitators' loop in a real Chromium against gunicorn (issue 12).

A member's search finds nothing → once the threshold is reached the editor sees it in
Zoekanalyse → starts a call from that row → a region follows the call's link and submits →
the editor publishes → the coverage-matrix cell goes from 0 to 1 → the search finds the article.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_submission_flow import VALUES, fill_submission
from tests.support.server import LiveServer

EDITOR_EMAIL = "femke@kennisbank.test"
EDITOR_PASSWORD = "redactie-wachtwoord-2"
QUERY = "zwaluwnest"
THEME = "Thuiszitters, verzuim en vsv"
ADVICE = 5
CALL_TITLE = "Gezocht: een vaste plek voor thuiszitters"


@pytest.fixture
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """Gunicorn with two workers on the fixture content, and an editor made by the CLI."""
    live = server_factory(workers=2)
    live.create_user(EDITOR_EMAIL, EDITOR_PASSWORD, "editor", "Femke Facilitator")
    return live


def matrix_cell(page: Page, server: LiveServer):
    """Open the public matrix and return the cell of THEME × advies ADVICE."""
    page.goto(server.url + "/dekkingsmatrix")
    row = page.locator("tr", has=page.get_by_role("rowheader", name=THEME))
    return row.locator("td").nth(ADVICE - 1)


def log_in(page: Page, server: LiveServer, target: str) -> None:
    """Log the editor in and land on target."""
    page.goto(f"{server.url}/inloggen?next={target}")
    page.get_by_label("E-mailadres").fill(EDITOR_EMAIL)
    page.get_by_label("Wachtwoord").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(server.url + target)


def reload_until(page: Page, condition: Callable[[], bool]) -> None:
    """Reload until condition holds: the search log is written off the request path."""
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        page.reload()
    assert condition()


def publish(page: Page) -> None:
    """Publish the submission open on the editor's page, through the confirmation step."""
    page.get_by_role("button", name="Publiceren").click()
    page.get_by_role("button", name="Ja, publiceren").click()
    expect(page.locator(".flash")).to_contain_text("Gepubliceerd als artikel")


def test_a_search_gap_becomes_a_call_a_submission_and_a_findable_article(
    server: LiveServer, page: Page, browser: Browser
) -> None:
    cell = matrix_cell(page, server)
    expect(cell.locator(".kb-cell__zero")).to_have_text("0")

    # 1. Members search for something the kennisbank does not have, twice: below the threshold.
    for _ in range(2):
        page.goto(f"{server.url}/zoeken?q={QUERY}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    editor = browser.new_context(locale="nl-NL").new_page()
    log_in(editor, server, "/redactie/zoekanalyse/")
    searches = editor.locator(".kb-stats div", has_text="Zoekopdrachten").locator("dd")
    reload_until(editor, lambda: searches.inner_text() == "2")
    expect(editor.get_by_role("rowheader", name=QUERY)).to_have_count(0)

    # 2. The third search reaches the threshold, and the query shows among the zero results.
    page.goto(f"{server.url}/zoeken?q={QUERY}")
    zero = editor.get_by_role("region", name="Zoekvragen zonder resultaat")
    row_header = zero.get_by_role("rowheader", name=QUERY)
    # The panels are separate reads, so the log may commit between them: wait for both.
    reload_until(editor, lambda: row_header.count() == 1 and searches.inner_text() == "3")

    # 3. The editor starts a call from that row; the query is carried into the form.
    row = zero.locator("tr", has=editor.get_by_role("rowheader", name=QUERY))
    row.get_by_role("link", name=re.compile("^Start een oproep")).click()
    expect(editor.get_by_label("Zoekvraag", exact=False)).to_have_value(QUERY)
    editor.get_by_label("Titel", exact=True).fill(CALL_TITLE)
    editor.get_by_label(re.compile(r"^Tekst \(Markdown\)")).fill(
        "Heeft uw regio een **zwaluwnest**? Deel het."
    )
    editor.get_by_label(re.compile("^Advies")).select_option(str(ADVICE))
    editor.get_by_label(re.compile("^Thema")).select_option(label=THEME)
    editor.get_by_label("Openbaar maken").check()
    editor.get_by_role("button", name="Opslaan").click()

    # 4. A region finds the call on the home page and follows its link to the form, filled in.
    page.goto(server.url + "/")
    page.get_by_role("link", name=CALL_TITLE).first.click()
    page.get_by_role("link", name="Deel uw voorbeeld").click()
    expect(page).to_have_url(re.compile(r"/voorbeeld-indienen\?.*oproep="))
    expect(page.get_by_label(THEME)).to_be_checked()
    fill_submission(page, VALUES)
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw voorbeeld")

    # 5. The editor sees it counted under the call, opens it from the queue and publishes.
    editor.goto(server.url + "/redactie/oproepen/")
    call_row = editor.locator("tr", has_text=CALL_TITLE)
    expect(call_row.locator("td")).to_have_text(["openbaar", "1", "0"])
    editor.goto(server.url + "/redactie/")
    editor.get_by_role("link", name=VALUES["Titel"]).first.click()
    publish(editor)
    editor.goto(server.url + "/redactie/oproepen/")
    expect(call_row.locator("td")).to_have_text(["openbaar", "1", "1"])

    # 6. The matrix cell went from 0 to 1, and the member's search now finds the article.
    cell = matrix_cell(page, server)
    expect(cell.get_by_role("link")).to_contain_text("1")
    page.goto(f"{server.url}/zoeken?q={QUERY}")
    expect(page.get_by_role("link", name=VALUES["Titel"])).to_be_visible()
    editor.context.close()
