"""Forms and editors' pages in a real Chromium: what axe does not see (issue 9, finding 14) and the
layout (issue 17): an error-summary link shows its field with the label, the active queue tab's
count is readable, nothing scrolls sideways at 320 px, and axe finds nothing at 1280 and 375 px."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from kb.config import PROJECT_ROOT
from tests.support.server import LiveServer

EDITOR = ("eva@kennisbank.test", "redactie-wachtwoord-1")
ADMIN = ("bea@kennisbank.test", "beheer-wachtwoord-12")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"laptop": 1280, "phone": 375}


@pytest.fixture
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A server with an editor and an admin, made by the CLI as in production."""
    live = server_factory()
    live.create_user(*EDITOR, "editor", "Eva Redacteur")
    live.create_user(*ADMIN, "admin", "Bea Beheerder")
    return live


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages at a given width; CSP is bypassed only so axe can be injected."""
    contexts = []

    def _open(width: int) -> Page:
        context = browser.new_context(
            locale="nl-NL", viewport={"width": width, "height": 800}, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def _log_in(page: Page, url: str, account: tuple[str, str]) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(account[0])
    page.get_by_label("Wachtwoord").fill(account[1])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name=re.compile("^Uitloggen"))).to_be_visible()


def _submit_example(page: Page, url: str) -> str:
    """Send a complete example through the form; return the path of its status page."""
    page.goto(url + "/voorbeeld-indienen")
    for label, value in {
        "Titel": "Samenwerkingsverbanden en wijkteams in de Kempen",
        "Samenvatting": "Een vaste contactpersoon per school.",
        "Aanleiding": "Lange wachttijden.",
        "Aanpak": "Elke week overleg.",
        "Resultaten": "Nog niet bekend.",
        "Lessen": "Begin klein.",
        "Betrokken partners": "Gemeente, samenwerkingsverband.",
        "Contactpersoon": "Jet de Vries",
        "E-mailadres contactpersoon": "jet@example.nl",
        "Organisatie": "Samenwerkingsverband passend onderwijs De Kempen",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Regio", exact=True).select_option(label="Utrecht")
    page.get_by_label("Monitoring en data").check()
    page.get_by_label(re.compile("^Ik geef toestemming")).check()
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw voorbeeld")
    return page.locator("a.status-link").inner_text().removeprefix(url)


def _luminance(rgb: tuple[int, ...]) -> float:
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    lighter, darker = sorted(
        (_luminance(tuple(int(n) for n in re.findall(r"\d+", c)[:3])) for c in (a, b)),
        reverse=True,
    )
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_field_reached_from_the_error_summary_shows_its_label(
    server: LiveServer, open_page: Callable[..., Page], width: int
) -> None:
    page = open_page(width)
    page.goto(server.url + "/voorbeeld-indienen")
    page.get_by_role("button", name="Verzenden").click()
    summary = page.get_by_role("alert").filter(has_text="Controleer het formulier")
    expect(summary).to_be_focused()
    for message, control_id in [
        ("Geef de titel van het voorbeeld op.", "title"),
        ("Beschrijf de aanpak: wat doet u en met wie?", "approach"),
        ("Vul het e-mailadres van de contactpersoon in.", "contact_email"),
        ("Kies minstens één thema.", "themes"),
        ("Vink de toestemming aan", "consent"),
    ]:
        page.goto(server.url + "/voorbeeld-indienen#inhoud")  # back to the top, the form kept
        page.get_by_role("button", name="Verzenden").click()
        page.get_by_role("link", name=re.compile("^" + re.escape(message))).click()
        expect(page).to_have_url(re.compile(f"#{control_id}$"))
        caption = page.locator(f'label[for="{control_id}"], #{control_id} > legend').first
        expect(caption).to_be_in_viewport(ratio=1)
        expect(page.locator(f"#{control_id}-error")).to_be_in_viewport(ratio=1)


def test_the_active_queue_tab_count_is_readable(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    page = open_page(1280)
    _log_in(page, server.url, EDITOR)
    page.goto(server.url + "/redactie/")
    tab = page.locator('.kb-queue-tabs a[aria-current="page"]')
    expect(tab).to_contain_text("Te beoordelen")
    colour = tab.locator(".count").evaluate("e => getComputedStyle(e).color")
    background = tab.evaluate("e => getComputedStyle(e).backgroundColor")
    assert _contrast(colour, background) >= 4.5, (colour, background)


def _pages(status_path: str) -> list[tuple[str, tuple[str, str] | None]]:
    return [
        (status_path, None),
        ("/inloggen", None),
        ("/registreren", None),
        ("/wachtwoord-vergeten", None),
        ("/voorbeeld-indienen", None),
        ("/mijn-inzendingen", EDITOR),
        ("/redactie/", EDITOR),
        ("/redactie/inzending/1", EDITOR),
        ("/redactie/artikelen/", EDITOR),
        ("/redactie/artikelen/oke-op-school-test", EDITOR),
        ("/redactie/artikelen/oke-op-school-test/versies", EDITOR),
        ("/beheer/", ADMIN),
    ]


def test_forms_and_editors_pages_reflow_and_pass_axe(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    status_path = _submit_example(open_page(1280), server.url)
    pages: dict[tuple[int, tuple[str, str] | None], Page] = {}
    problems: list[str] = []
    for path, account in _pages(status_path):
        for width in (320, *WIDTHS.values()):
            if (width, account) not in pages:
                pages[width, account] = open_page(width)
                if account:
                    _log_in(pages[width, account], server.url, account)
            page = pages[width, account]
            page.goto(server.url + path)
            expect(page.locator("h1")).to_be_visible()
            if width == 320:
                wide = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if wide > 0:
                    problems.append(f"{path}: {wide}px sideways at 320px")
                continue
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            )
            problems += [
                f"{path} at {width}px: {v['id']} ({len(v['nodes'])}) {v['nodes'][0]['target']}"
                for v in result["violations"]
            ]
    assert not problems, "\n".join(problems)
