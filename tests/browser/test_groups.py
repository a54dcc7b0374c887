"""The whole group path in a real Chromium against gunicorn, with a real SMTP server.

A begeleider (editor) creates a closed CoP group and invites a new person and an existing member
by e-mail; the new person registers through the invitation and opens a topic with a document;
the member accepts, replies with a mention; the new person reports the reply; the begeleider
hides it and restores it, and turns the topic into a draft practice example for the editors.
And the topic list and the reply form work with the keyboard alone, without JavaScript.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.accounts import PDF_BYTES, make_user
from tests.support.app import build_app
from tests.support.mail import Mailbox, body
from tests.support.server import LiveServer

PASSWORD = "groepen-wachtwoord-lang-7"
EDITOR = ("eva@kennisbank.test", "Eva Begeleider")
MEMBER = ("bob@school-utrecht.nl", "Bob Bouwman")
NEWCOMER = ("nina@gemeente-zeist.nl", "Nina Nieuw")
LINK = re.compile(r"https?://\S+/groepen/uitnodiging/\S+")


@pytest.fixture
def server(server_factory: Callable[..., LiveServer], mailbox: Mailbox) -> LiveServer:
    """A gunicorn server that mails to the test SMTP server, with an editor and a member."""
    live = server_factory(workers=2, extra_env={
        "KB_MAIL_HOST": "127.0.0.1", "KB_MAIL_PORT": str(mailbox.port),
        "KB_GROUP_FIRST_POST_REVIEW_HOURS": "0",
    })  # fmt: skip
    env = live.env
    app = build_app(
        live.tmp, Path(env["KB_CONTENT_DIR"]), DATABASE_URL=env["KB_DATABASE_URL"],
        INDEX_DIR=env["KB_INDEX_DIR"], UPLOAD_DIR=env["KB_UPLOAD_DIR"],
    )  # fmt: skip
    for role, (email, name) in (("editor", EDITOR), ("member", MEMBER)):
        make_user(app, role, email, PASSWORD, name=name, organisation="Testorganisatie")
    return live


def _page(browser: Browser, errors: list[str], **options: object) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="nl-NL", **options)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def people(browser: Browser) -> Iterator[dict[str, Page]]:
    """A browser for the begeleider, the member and the newcomer; no JavaScript errors allowed."""
    errors: list[str] = []
    opened = {name: _page(browser, errors) for name in ("editor", "member", "newcomer")}
    yield {name: page for name, (_context, page) in opened.items()}
    for context, _unused in opened.values():
        context.close()
    assert not errors, f"browser errors: {errors}"


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name=re.compile("^Uitloggen"))).to_be_visible()


def _invitation_link(mailbox: Mailbox, address: str) -> str:
    message = mailbox.wait_for(lambda m: address in m["To"] and "Uitnodiging" in m["Subject"])
    match = LINK.search(body(message))
    assert match, body(message)
    return match.group(0)


def _post(page: Page, author: str):
    return page.locator(".kb-post").filter(has=page.get_by_role("heading", name=re.compile(
        f"^{author}")))  # fmt: skip


def test_create_invite_register_discuss_report_hide_restore_and_draft(
    server: LiveServer, people: dict[str, Page], mailbox: Mailbox
) -> None:
    editor, member, newcomer = people["editor"], people["member"], people["newcomer"]

    # 1. The begeleider creates a closed CoP group under /redactie/groepen.
    _log_in(editor, server.url, EDITOR[0])
    editor.goto(server.url + "/redactie/groepen/")
    editor.get_by_label("Naam", exact=True).fill("CoP Thuiszitters")
    editor.get_by_label(re.compile("^Beschrijving")).fill("Samen leren over **thuiszitters**.")
    editor.get_by_label("Soort groep").select_option(label="Community of Practice")
    editor.get_by_label("Toegang").select_option(label="Besloten: alleen op uitnodiging")
    editor.get_by_role("button", name="Groep aanmaken").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("CoP Thuiszitters")
    group_url = editor.url

    # 2. ... and invites a new person and an existing member by e-mail.
    editor.get_by_role("link", name="Uitnodigen").click()
    editor.get_by_label("E-mailadressen").fill(f"{NEWCOMER[0]}\n{MEMBER[0]}")
    editor.get_by_role("button", name="Uitnodigingen versturen").click()
    expect(editor.locator(".flash").first).to_contain_text("Uitnodiging verstuurd")

    # 3. The new person registers through the invitation and is a member at once.
    newcomer.goto(_invitation_link(mailbox, NEWCOMER[0]))
    expect(newcomer.get_by_text(NEWCOMER[0]).first).to_be_visible()
    newcomer.get_by_label("Naam", exact=True).fill(NEWCOMER[1])
    newcomer.get_by_label("Organisatie", exact=True).fill("Gemeente Zeist")
    newcomer.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    newcomer.get_by_role("button", name="Account maken en lid worden").click()
    expect(newcomer).to_have_url(group_url)
    expect(newcomer.locator(".flash").first).to_contain_text("U bent nu lid van CoP Thuiszitters")

    # 4. ... and opens a topic with a document.
    newcomer.get_by_role("link", name="Nieuw onderwerp").click()
    newcomer.get_by_label("Titel van het onderwerp").fill("Wie heeft een plan voor thuiszitters?")
    newcomer.get_by_label("Bericht", exact=True).fill("Ons plan staat in de **bijlage**.")
    newcomer.get_by_label(re.compile("^Bijlagen")).set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    newcomer.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "Wie heeft een plan voor thuiszitters?"
    )
    expect(newcomer.get_by_role("link", name="plan.pdf")).to_be_visible()
    topic_url = newcomer.url

    # 5. The existing member logs in, accepts and replies with a mention.
    _log_in(member, server.url, MEMBER[0])
    member.goto(_invitation_link(mailbox, MEMBER[0]))
    member.get_by_role("button", name="Word lid van CoP Thuiszitters").click()
    expect(member).to_have_url(group_url)
    topic_link = member.get_by_role("link", name="Wie heeft een plan voor thuiszitters?")
    expect(member.locator(".kb-topic-list__item--unread")).to_have_count(1)
    topic_link.click()
    with member.expect_download() as download:
        member.get_by_role("link", name="plan.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    member.get_by_label("Uw reactie").fill(f"Dank @{NEWCOMER[1]}, wij doen het zo: een vaste plek.")
    member.get_by_role("button", name="Reactie plaatsen").click()
    reply = _post(member, MEMBER[1])
    expect(reply).to_contain_text("wij doen het zo")
    database = server.env["KB_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        mentioned = connection.execute(
            "SELECT u.email FROM group_mention m JOIN user u ON u.id = m.user_id"
        ).fetchall()
    connection.close()
    assert mentioned == [(NEWCOMER[0],)]
    # ... and the person mentioned gets the mail, with the reply and a link to the topic.
    named = mailbox.wait_for(lambda m: NEWCOMER[0] in m["X-Envelope-To"]
                             and "noemde u" in m["Subject"])  # fmt: skip
    assert "wij doen het zo" in body(named)
    assert "/groepen/" + topic_url.split("/groepen/", 1)[1] in body(named)

    # 6. The new person reports the reply.
    newcomer.goto(topic_url)
    _post(newcomer, MEMBER[1]).get_by_role("link", name=re.compile("^Meld dit bericht")).click()
    newcomer.get_by_label("Waarom meldt u dit bericht?").fill("Er staat een telefoonnummer in.")
    newcomer.get_by_role("button", name="Melding versturen").click()
    expect(newcomer.locator(".flash").first).to_contain_text("bekijken uw melding")

    # 7. The begeleider sees the report, hides the reply, then restores it.
    editor.goto(group_url)
    editor.get_by_role("link", name="Moderatie").click()
    expect(editor.get_by_text("Er staat een telefoonnummer in.")).to_be_visible()
    editor.get_by_role("button", name=re.compile("^Verbergen")).first.click()
    expect(editor.locator(".flash").first).to_contain_text("verborgen")
    member.goto(topic_url)
    expect(_post(member, MEMBER[1])).to_contain_text("verborgen door een begeleider")
    expect(_post(member, MEMBER[1])).not_to_contain_text("wij doen het zo")
    _post(editor, MEMBER[1]).get_by_role("button", name=re.compile("^Terugzetten")).click()
    expect(editor.locator(".flash").first).to_contain_text("weer zichtbaar")
    member.reload()
    expect(_post(member, MEMBER[1])).to_contain_text("wij doen het zo")
    editor.goto(group_url + "/moderatie")
    history = editor.locator("table")
    expect(history).to_contain_text("Bericht verborgen")
    expect(history).to_contain_text("Bericht weer zichtbaar gemaakt")

    # 8. The begeleider turns the topic into a draft practice example for the editors.
    editor.goto(topic_url)
    _post(editor, NEWCOMER[1]).get_by_role(
        "link", name=re.compile("^Maak praktijkvoorbeeld")
    ).click()
    expect(
        editor.get_by_text("Uit de discussie ‘Wie heeft een plan voor thuiszitters?’")
    ).to_be_visible()
    editor.get_by_label(re.compile("^De auteur geeft toestemming")).check()
    editor.get_by_role("button", name="Als concept indienen").click()
    expect(editor.locator(".flash").first).to_contain_text("concept-praktijkvoorbeeld")
    editor.goto(server.url + "/redactie/")
    editor.get_by_role("link", name="Wie heeft een plan voor thuiszitters?").click()
    expect(editor.get_by_text("Uit de discussie").first).to_be_visible()


def test_the_topic_list_and_the_reply_form_work_by_keyboard_without_javascript(
    server: LiveServer, browser: Browser
) -> None:
    errors: list[str] = []
    context, page = _page(browser, errors, java_script_enabled=False)
    try:
        _log_in(page, server.url, EDITOR[0])
        page.goto(server.url + "/redactie/groepen/")
        page.get_by_label("Naam", exact=True).fill("Toetsenbordgroep")
        page.get_by_label("Toegang").select_option(
            label="Open: iedere aandeelhouder kan lid worden"
        )
        page.get_by_role("button", name="Groep aanmaken").click()
        page.get_by_role("link", name="Nieuw onderwerp").click()
        page.get_by_label("Titel van het onderwerp").fill("Alleen met het toetsenbord")
        page.get_by_label("Bericht", exact=True).fill("Eerste bericht.")
        page.get_by_role("button", name="Onderwerp plaatsen").click()
        page.get_by_role("link", name="Toetsenbordgroep").click()

        # From the top of the group page, Tab reaches the topic; Enter opens it.
        _tab_to(page, "Alleen met het toetsenbord")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Alleen met het toetsenbord")
        # Tab to the reply field, type, Tab on to the button and press Enter.
        _tab_to(page, "", tag="TEXTAREA")
        page.keyboard.type("Geantwoord zonder muis.")
        _tab_to(page, "Reactie plaatsen")
        page.keyboard.press("Enter")
        expect(page.locator(".kb-post").last).to_contain_text("Geantwoord zonder muis.")
    finally:
        context.close()
    assert not errors, errors


def _tab_to(page: Page, text: str, tag: str = "", limit: int = 80) -> None:
    """Press Tab until the focused element has this text (or is this tag)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.textContent.trim()]"
        )
        if (tag and focused[0] == tag) or (text and focused[1].startswith(text)):
            return
    raise AssertionError(f"Tab never reached {text or tag}")
