"""The whole path in a real Chromium against gunicorn, with a real SMTP server reading the mail.

A region submits with an attachment → the editor gets the e-mail → sends it back with a question
→ the region answers → the editor publishes → the article is found by search and the region's
status page says "gepubliceerd". And hostile input typed into every field never runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.accounts import PDF_BYTES
from tests.support.mail import Mailbox, body
from tests.support.server import LiveServer

EDITORS = "redactie@kennisbank.test"
EDITOR_EMAIL = "eva@kennisbank.test"
EDITOR_PASSWORD = "redactie-wachtwoord-1"
REGION_EMAIL = "jet@regio-utrecht.nl"


@pytest.fixture
def server(server_factory: Callable[..., LiveServer], mailbox: Mailbox) -> LiveServer:
    """A gunicorn server that mails to the test SMTP server, with an editor made by the CLI."""
    live = server_factory(
        workers=2,
        extra_env={
            "KB_MAIL_HOST": "127.0.0.1",
            "KB_MAIL_PORT": str(mailbox.port),
            "KB_EDITOR_EMAILS": EDITORS,
        },
    )
    live.create_user(EDITOR_EMAIL, EDITOR_PASSWORD, "editor", "Eva Redacteur")
    return live


@pytest.fixture
def editor_page(browser: Browser) -> Iterator[Page]:
    """A second browser (the editor's), failing on JavaScript errors like `page` does."""
    context: BrowserContext = browser.new_context(locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def fill_submission(page: Page, values: dict[str, str]) -> None:
    """Fill the submission form the way a person would, by the visible labels."""
    for label in ("Titel", "Samenvatting", "Aanleiding", "Aanpak", "Resultaten", "Lessen",
                  "Betrokken partners", "Contactpersoon", "E-mailadres contactpersoon",
                  "Organisatie"):  # fmt: skip
        page.get_by_label(label, exact=True).fill(values[label])
    page.get_by_label("Regio", exact=True).select_option(label="Utrecht")
    page.get_by_label("Monitoring en data").check()
    page.get_by_label("Voortgezet onderwijs").check()
    page.get_by_label(re.compile("^Ik geef toestemming")).check()


VALUES = {
    "Titel": "Zwaluwnest: een vaste plek voor thuiszitters",
    "Samenvatting": "Een rustige plek in de school waar thuiszitters weer instromen.",
    "Aanleiding": "Twintig leerlingen zaten **thuis** zonder passend aanbod.",
    "Aanpak": "- een vaste begeleider\n- elke week overleg met het wijkteam",
    "Resultaten": "Nog niet bekend.",
    "Lessen": "Begin met één school.",
    "Betrokken partners": "Gemeente Utrecht, swv VO Utrecht, wijkteams.",
    "Contactpersoon": "Jet de Vries",
    "E-mailadres contactpersoon": REGION_EMAIL,
    "Organisatie": "Samenwerkingsverband VO Utrecht",
}


def test_region_submits_editor_returns_region_answers_editor_publishes(
    server: LiveServer, page: Page, editor_page: Page, mailbox: Mailbox
) -> None:
    # 1. The region fills in the form, attaches a PDF, previews and sends.
    page.goto(server.url + "/")
    page.get_by_role("link", name="Voorbeeld indienen").first.click()
    fill_submission(page, VALUES)
    page.get_by_label("Bijlagen (PDF, DOCX of ODT)").set_input_files(
        files=[{"name": "verslag.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Bekijk voorbeeld").click()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("Zo ziet uw voorbeeld eruit")
    expect(preview.locator("strong")).to_have_text("thuis")
    expect(page.locator(".pending-files")).to_contain_text("verslag.pdf")
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw voorbeeld")
    status_url = page.locator("a.status-link").inner_text()
    assert status_url.startswith(server.url + "/inzending/")

    # 2. The region gets a confirmation with the link; the editors get an e-mail.
    confirmation = mailbox.wait_for(lambda m: REGION_EMAIL in m["To"])
    assert status_url in body(confirmation)
    notice = mailbox.wait_for(lambda m: EDITORS in m["To"] and "Nieuwe inzending" in m["Subject"])
    review_url = re.search(r"Beoordelen: (\S+)", body(notice)).group(1)

    # 3. The editor follows the link, logs in, sees the attachment and sends it back.
    editor_page.goto(review_url)
    expect(editor_page).to_have_url(re.compile(r"/inloggen\?next="))
    editor_page.get_by_label("E-mailadres").fill(EDITOR_EMAIL)
    editor_page.get_by_label("Wachtwoord").fill(EDITOR_PASSWORD)
    editor_page.get_by_role("button", name="Inloggen").click()
    expect(editor_page).to_have_url(review_url)
    expect(editor_page.get_by_role("heading", level=1)).to_have_text(VALUES["Titel"])
    expect(editor_page.get_by_role("link", name="verslag.pdf")).to_be_visible()
    send_back = editor_page.locator("form", has=editor_page.get_by_role(
        "button", name="Terugsturen met deze vraag"))  # fmt: skip
    send_back.get_by_label("Uw vraag aan de indiener").fill("Wat zijn de resultaten na een jaar?")
    send_back.get_by_role("button", name="Terugsturen met deze vraag").click()
    expect(editor_page.locator(".flash")).to_contain_text("Teruggestuurd")

    # 4. The region gets the question, answers it on the status page and resubmits.
    question = mailbox.wait_for(lambda m: "Vraag over uw inzending" in m["Subject"])
    assert "Wat zijn de resultaten na een jaar?" in body(question)
    page.goto(status_url)
    expect(page.locator(".status")).to_have_text("teruggestuurd met een vraag")
    expect(page.locator(".timeline")).to_contain_text("Wat zijn de resultaten na een jaar?")
    page.get_by_label("Uw antwoord aan de redactie").fill("Zeventien leerlingen gingen terug.")
    page.get_by_label("Resultaten", exact=True).fill("Zeventien van de twintig weer op school.")
    page.get_by_role("button", name="Opnieuw indienen").click()
    expect(page.locator(".status")).to_have_text("ingediend")

    # 5. The editor sees the answer and publishes.
    mailbox.wait_for(lambda m: m["Subject"].startswith("Aangevuld"))
    editor_page.reload()
    expect(editor_page.locator(".timeline")).to_contain_text("Zeventien leerlingen gingen terug.")
    editor_page.get_by_role("button", name="Publiceren").click()
    editor_page.get_by_role("button", name="Ja, publiceren").click()
    expect(editor_page.locator(".flash")).to_contain_text("Gepubliceerd als artikel")

    # 6. Anyone finds it by search; the region's status page says "gepubliceerd".
    page.goto(server.url + "/zoeken?q=zwaluwnest")
    result = page.get_by_role("link", name=VALUES["Titel"])
    expect(result).to_be_visible()
    result.click()
    expect(page.locator(".prose")).to_contain_text("Zeventien van de twintig weer op school.")
    expect(page.locator(".citation")).to_contain_text("Samenwerkingsverband VO Utrecht")
    published = mailbox.wait_for(lambda m: m["Subject"].startswith("Gepubliceerd"))
    assert "/artikel/zwaluwnest" in body(published)
    page.goto(status_url)
    expect(page.locator(".status")).to_have_text("gepubliceerd")


HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1</script>'


def test_hostile_input_never_runs_in_the_browser(
    server: LiveServer, page: Page, editor_page: Page
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    values = {label: f"{HOSTILE} [x](javascript:window.__xss=1)" for label in VALUES}
    values["Titel"] = "Vijandig " + HOSTILE
    values["E-mailadres contactpersoon"] = "jet@example.nl"
    page.goto(server.url + "/voorbeeld-indienen")
    fill_submission(page, values)
    page.get_by_role("button", name="Bekijk voorbeeld").click()
    expect(page.locator(".preview")).to_contain_text("<script>window.__xss=1</script>")
    page.get_by_role("button", name="Verzenden").click()
    status_url = page.locator("a.status-link").inner_text()
    page.goto(status_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("<img src=x")
    for link in page.locator(".prose a").all():
        assert not (link.get_attribute("href") or "").startswith("javascript:")
    assert page.evaluate("window.__xss") is None

    editor_page.goto(server.url + "/inloggen?next=/redactie/")
    editor_page.get_by_label("E-mailadres").fill(EDITOR_EMAIL)
    editor_page.get_by_label("Wachtwoord").fill(EDITOR_PASSWORD)
    editor_page.get_by_role("button", name="Inloggen").click()
    editor_page.get_by_role("link", name=re.compile("^Vijandig")).click()
    assert editor_page.evaluate("window.__xss") is None
    editor_page.get_by_role("button", name="Publiceren").click()
    editor_page.get_by_role("button", name="Ja, publiceren").click()
    editor_page.get_by_role("link", name="naar het artikel").click()
    expect(editor_page.get_by_role("heading", level=1)).to_contain_text("<script>")
    assert editor_page.evaluate("window.__xss") is None
    assert not dialogs


def test_similar_articles_show_while_typing_the_title(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/voorbeeld-indienen")
    page.get_by_label("Titel", exact=True).press_sequentially("OKé-op-school jeugdhulp")
    hint = page.locator(".similar-live")
    expect(hint).to_contain_text("Lijkt op")
    expect(hint.get_by_role("link")).to_contain_text(["OKé-op-school: jeugdhulp traint op school"])


def test_too_large_attachment_is_refused_before_upload(
    server_factory: Callable[..., LiveServer], page: Page
) -> None:
    live = server_factory(extra_env={"KB_MAX_UPLOAD_BYTES": "1024"})
    page.goto(live.url + "/voorbeeld-indienen")
    files = page.get_by_label("Bijlagen (PDF, DOCX of ODT)")
    files.set_input_files(
        files=[{"name": "groot.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES * 100}]
    )
    expect(page.get_by_role("alert")).to_contain_text("groot.pdf: groter dan 1 kB")
    assert files.evaluate("input => input.files.length") == 0


def test_errors_are_announced_and_everything_typed_stays(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/voorbeeld-indienen")
    values = dict(VALUES, **{"E-mailadres contactpersoon": "geen-adres"})
    fill_submission(page, values)
    page.get_by_role("button", name="Verzenden").click()
    summary = page.get_by_role("alert").filter(has_text="Controleer het formulier")
    expect(summary).to_be_focused()
    # The summary shows each field's own message, linked to its field (no "label: " prefix).
    link = summary.get_by_role("link", name="Vul een geldig e-mailadres in voor de contactpersoon")
    expect(link).to_have_attribute("href", "#contact_email")
    expect(page.get_by_label("Aanpak", exact=True)).to_have_value(VALUES["Aanpak"])
    expect(page.get_by_label("Monitoring en data")).to_be_checked()
    expect(page.get_by_label(re.compile("^Ik geef toestemming"))).to_be_checked()
