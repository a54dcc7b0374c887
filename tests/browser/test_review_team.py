"""The team review in a real Chromium against gunicorn: a region submits with two attachments
(one it allows to be published), an editor takes the submission on, leaves a note for the team,
edits it, compares the versions, confirms the attachment and publishes after the confirmation
page; a reader downloads the published attachment from the article, never the private one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.accounts import PDF_BYTES, docx_bytes, make_user
from tests.support.app import build_app
from tests.support.server import LiveServer

PASSWORD = "redactie-wachtwoord-2"
TITLE = "Kievitsnest: een vaste zorgcoördinator per school"


@pytest.fixture
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A gunicorn server with two editors made directly in its database."""
    live = server_factory(workers=2)
    env = live.env
    app = build_app(
        live.tmp, Path(env["KB_CONTENT_DIR"]), DATABASE_URL=env["KB_DATABASE_URL"],
        INDEX_DIR=env["KB_INDEX_DIR"], UPLOAD_DIR=env["KB_UPLOAD_DIR"],
    )  # fmt: skip
    make_user(app, "editor", "eva@kennisbank.test", PASSWORD, name="Eva Redacteur")
    make_user(app, "editor", "bram@kennisbank.test", PASSWORD, name="Bram Redacteur")
    return live


@pytest.fixture
def editor_page(browser: Browser) -> Iterator[Page]:
    """The editor's own browser, failing on JavaScript errors."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, errors


def _files(tmp_path: Path) -> tuple[Path, Path]:
    public, private = tmp_path / "werkwijze.pdf", tmp_path / "namenlijst.docx"
    public.write_bytes(PDF_BYTES)
    private.write_bytes(docx_bytes())
    return public, private


def _submit(page: Page, server: LiveServer, tmp_path: Path) -> None:
    public, private = _files(tmp_path)
    page.goto(server.url + "/voorbeeld-indienen")
    values = {
        "Titel": TITLE,
        "Samenvatting": "Elke school een vaste zorgcoördinator, dicht bij het wijkteam.",
        "Aanleiding": "Ouders wisten niet bij wie zij terecht konden.",
        "Aanpak": "Een vaste zorgcoördinator per school.",
        "Resultaten": "Snellere hulp.",
        "Lessen": "Maak de rol zichtbaar.",
        "Betrokken partners": "Gemeente, swv en wijkteams.",
        "Contactpersoon": "Jet de Vries",
        "E-mailadres contactpersoon": "jet@regio-utrecht.nl",
        "Organisatie": "Samenwerkingsverband Utrecht PO",
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Regio", exact=True).select_option(label="Utrecht")
    page.get_by_label("Financiering en poreuze randen").check()
    page.get_by_label(re.compile("^Ik geef toestemming")).check()
    # Both files, then the preview: each held file gets its own "may be published" box.
    page.locator("input[type=file]").set_input_files([str(public), str(private)])
    page.get_by_label(re.compile("^De bestanden die ik nu kies, mogen")).check()
    page.get_by_role("button", name="Bekijk voorbeeld").click()
    expect(page.locator(".pending-files")).to_contain_text("namenlijst.docx")
    page.get_by_label("mag bij het artikel gepubliceerd worden (namenlijst.docx)").uncheck()
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bedankt")


def _log_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/inloggen?next=/redactie/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redactie")


def test_assign_comment_diff_publish_with_confirmation_and_download(
    server: LiveServer, page: Page, editor_page: Page, tmp_path: Path
) -> None:
    _submit(page, server, tmp_path)
    editor = editor_page
    _log_in(editor, server, "eva@kennisbank.test")

    # Assign: "Aan mij toewijzen", then "Mijn werk" lists it and the queue names the assignee.
    editor.get_by_role("link", name=TITLE).click()
    review_url = editor.url
    editor.get_by_role("button", name="Aan mij toewijzen").click()
    expect(editor.locator(".flash")).to_contain_text("Toegewezen aan Eva Redacteur")
    editor.get_by_role("link", name="Mijn werk").first.click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Mijn werk")
    expect(editor.get_by_role("link", name=TITLE)).to_be_visible()
    editor.goto(server.url + "/redactie/")
    expect(editor.locator("table.queue tr", has_text=TITLE)).to_contain_text("Eva Redacteur")

    # Comment: a note for the team, by its own label (not the question or the reason).
    editor.goto(review_url)
    editor.get_by_label(re.compile("^Notitie voor de redactie")).fill("Eerst de namenlijst weg?")
    editor.get_by_role("button", name="Notitie toevoegen").click()
    expect(editor.locator(".kb-notes")).to_contain_text("Eerst de namenlijst weg?")
    expect(editor.get_by_label("Uw vraag aan de indiener")).to_be_visible()
    expect(editor.get_by_label("Reden van afwijzing (voor de indiener)")).to_be_visible()

    # Edit, then the diff: labels, not slugs.
    editor.get_by_label("Aanpak", exact=True).fill("Een vaste zorgcoördinator per school en wijk.")
    editor.get_by_label("Inclusief en passend onderwijs").check()
    editor.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(editor.locator(".flash")).to_contain_text("Opgeslagen")
    editor.get_by_role("link", name="Versies vergelijken").click()
    expect(
        editor.get_by_role("heading", level=2, name="Van versie 1 naar versie 2")
    ).to_be_visible()
    diffs = editor.locator(".kb-diffs")
    expect(diffs.locator("ins", has_text="Inclusief en passend onderwijs")).to_be_visible()
    expect(diffs.locator("ins", has_text="en wijk.")).to_be_visible()
    expect(diffs).not_to_contain_text("inclusief-onderwijs")

    # The submitter's choice, the editor's confirmation.
    editor.goto(review_url)
    expect(editor.locator(".kb-attachments")).to_contain_text("niet gepubliceerd zien")
    editor.get_by_label("bij het artikel publiceren (werkwijze.pdf)").check()
    editor.get_by_role("button", name="Keuze voor de bijlagen opslaan").click()
    expect(editor.locator(".flash")).to_contain_text("1 bevestigd")

    # Publish: first a confirmation page with the summary, then "Ja, publiceren".
    editor.get_by_role("button", name="Publiceren").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Publiceren bevestigen")
    expect(editor.locator(".kb-facts")).to_contain_text("Financiering")
    expect(editor.locator(".kb-facts")).to_contain_text("werkwijze.pdf")
    editor.get_by_role("button", name="Ja, publiceren").click()
    expect(editor.locator(".flash")).to_contain_text("Gepubliceerd als artikel")
    editor.get_by_role("link", name="naar het artikel").click()
    article_url = editor.url

    # A reader downloads the confirmed attachment from the article; the private one is absent.
    page.goto(article_url)
    downloads = page.get_by_role("region", name="Downloads")
    expect(downloads).to_contain_text("werkwijze.pdf")
    expect(downloads).to_contain_text("PDF, 1 kB")
    expect(page.get_by_role("main")).not_to_contain_text("namenlijst.docx")
    with page.expect_download() as info:
        downloads.get_by_role("link", name=re.compile("werkwijze.pdf")).click()
    download = info.value
    assert download.suggested_filename == "werkwijze.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES


def test_two_editors_save_at_once_one_wins_the_other_sees_the_conflict_with_her_text(
    server: LiveServer, page: Page, editor_page: Page, browser: Browser, tmp_path: Path
) -> None:
    _submit(page, server, tmp_path)
    eva = editor_page
    bram_context = browser.new_context(locale="nl-NL")
    bram = bram_context.new_page()
    try:
        _log_in(eva, server, "eva@kennisbank.test")
        _log_in(bram, server, "bram@kennisbank.test")
        # Both open the same submission and type in the same field.
        for editor in (eva, bram):
            editor.get_by_role("link", name=TITLE).click()
        eva.get_by_label("Lessen", exact=True).fill("Eva: begin bij de ouders.")
        bram.get_by_label("Lessen", exact=True).fill("Bram: begin bij de scholen.")
        eva.get_by_role("button", name="Wijzigingen opslaan").click()
        expect(eva.locator(".flash")).to_contain_text("Opgeslagen: lessen")
        bram.get_by_role("button", name="Wijzigingen opslaan").click()

        alert = bram.get_by_role("alert")
        expect(alert).to_contain_text("intussen gewijzigd door Eva Redacteur")
        expect(bram.get_by_label("Lessen", exact=True)).to_have_value("Bram: begin bij de scholen.")
        conflict = bram.get_by_role("region", name="Uw tekst vergeleken met de huidige versie")
        expect(conflict.locator(".kb-diff__line--removed")).to_contain_text(
            "Eva: begin bij de ouders."
        )
        expect(conflict.locator(".kb-diff__line--added")).to_contain_text(
            "Bram: begin bij de scholen."
        )
        # Eva's text stands until Bram, having seen it, saves again on purpose.
        expect(bram.locator(".kb-preview")).to_contain_text("Eva: begin bij de ouders.")
        bram.get_by_role("button", name="Wijzigingen opslaan").click()
        expect(bram.locator(".flash")).to_contain_text("Opgeslagen: lessen")
        expect(bram.locator(".kb-preview")).to_contain_text("Bram: begin bij de scholen.")
    finally:
        bram_context.close()
