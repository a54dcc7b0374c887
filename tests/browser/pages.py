"""The catalogue of every page type and state, reached as a real user would (shared by the
accessibility and the visual tests).

`build_site` prepares one gunicorn server with the fixture content: an account per role, each
logged in once through the real login form in its own browser context, a submission made through
the form, an article edited online (so there is a revision) and a password-reset link read from a
real e-mail. Each `PageState` then only navigates (and, for a few, fills in a form that stores
nothing), so the states can run in any order or alone and always show the same page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from kb import groups
from kb.models import User, db
from tests.support.accounts import make_user
from tests.support.app import build_app, make_content_dir
from tests.support.mail import Mailbox, body, running_mailbox
from tests.support.server import LiveServer, start_server

PASSWORD = "lang-en-geheim-wachtwoord-7"
ACCOUNTS = {  # role: (e-mail, name); made in this order, so ids and lists are always the same
    "member": ("mila@regio-almere.nl", "Mila de Lid"),
    "editor": ("eva@kennisbank.test", "Eva Redacteur"),
    "admin": ("ben@kennisbank.test", "Ben Beheerder"),
}
ROLES = ("anonymous", *ACCOUNTS)
WIDTHS = (1280, 375)
HEIGHT = 800
EDITED_ARTICLE = "oogo-test"
RESULTS = re.compile(r"\b[1-9]\d* resultat")
MISSPELT = "samenwerkingsverbandn"

SUBMISSION = {
    "Titel": "Zorgcoördinator op elke school in Almere",
    "Samenvatting": "Elke school heeft een vaste zorgcoördinator, dicht bij het wijkteam.",
    "Aanleiding": "Ouders wisten niet bij wie zij terecht konden.",
    "Aanpak": "- een vaste zorgcoördinator per school\n- elke maand overleg met het wijkteam",
    "Resultaten": "Snellere hulp en minder verwijzingen.",
    "Lessen": "Maak de rol zichtbaar voor ouders.",
    "Betrokken partners": "Gemeente Almere, swv Almere PO, wijkteams.",
    "Contactpersoon": "Mila de Lid",
    "E-mailadres contactpersoon": "mila@regio-almere.nl",
    "Organisatie": "Samenwerkingsverband Almere PO",
}


@dataclass
class Site:
    """A prepared server, a logged-in browser context per role, and the private links found."""

    server: LiveServer
    contexts: dict[str, BrowserContext]
    links: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url

    def page(self, role: str) -> Page:
        """Return the (reused) page of a role's context."""
        context = self.contexts[role]
        return context.pages[0] if context.pages else _new_page(context, self.errors)


@dataclass(frozen=True)
class PageState:
    """One page in one state: who looks at it and how they get there."""

    name: str
    role: str
    reach: Callable[[Page, Site], None]

    def param(self) -> object:
        """This state as a pytest parameter, named for the page and state."""
        return pytest.param(self, id=self.name)


def visit(
    path: str, status: int = 200, shows: str | re.Pattern[str] | None = None
) -> Callable[[Page, Site], None]:
    """Reach a page by its address; another HTTP status, or missing the text that marks the
    state, fails the test (so a state cannot quietly become another one)."""

    def _reach(page: Page, site: Site) -> None:
        response = page.goto(site.url + path)
        assert response is not None and response.status == status, (
            f"{path}: HTTP {response.status if response else '—'}, expected {status}"
        )
        if shows is not None:
            expect(page.get_by_role("main").get_by_text(shows).first).to_be_visible()

    return _reach


def visit_link(key: str) -> Callable[[Page, Site], None]:
    """Reach a page by a private link that `build_site` found (a token, an id)."""

    def _reach(page: Page, site: Site) -> None:
        visit(site.links[key])(page, site)

    return _reach


def visit_below(key: str, suffix: str) -> Callable[[Page, Site], None]:
    """Reach a page below a private link that `build_site` found (a submission's versions)."""

    def _reach(page: Page, site: Site) -> None:
        visit(site.links[key] + suffix)(page, site)

    return _reach


def search_with_filter(page: Page, site: Site) -> None:
    """Search, then tick a region filter and apply it, as a reader does."""
    visit("/zoeken?q=samenwerken", shows=RESULTS)(page, site)
    almere = page.get_by_role("group", name="Regio").get_by_label(re.compile(r"^Almere"))
    if not almere.is_visible():  # on a phone the filters sit behind "Filters", as for a reader
        page.locator("#filters > summary").click()
    almere.check()
    page.get_by_role("button", name="Filters toepassen").click()
    expect(page).to_have_url(re.compile(r"region=almere"))


def submit_empty_form(page: Page, site: Site) -> None:
    """Send the submission form with nothing filled in: every required field says so."""
    visit("/voorbeeld-indienen")(page, site)
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("alert").first).to_be_visible()


def submit_complete_form(page: Page, site: Site) -> None:
    """Fill in and send the submission form: the thank-you page with the status link."""
    visit("/voorbeeld-indienen")(page, site)
    fill_submission(page)
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bedankt")


def editing_a_collection(page: Page, site: Site) -> None:
    """Open a leeslijst with three articles, made once through the forms and search results."""
    page.goto(site.url + "/redactie/leeslijsten/")
    if not page.get_by_role("heading", name="Leeslijsten", exact=True).count():
        log_in(page, site.url, ACCOUNTS["editor"][0])  # the storing server starts logged out
        visit("/redactie/leeslijsten/")(page, site)
    existing = page.get_by_role("link", name="Proeflijst", exact=True)
    if existing.count():
        existing.click()
    else:
        page.get_by_label("Titel").fill("Proeflijst")
        page.get_by_role("button", name="Maken").click()
        visit("/zoeken?q=jeugdhulp", shows=RESULTS)(page, site)
        for button in page.get_by_role("button", name=re.compile("^Voeg toe aan leeslijst")).all():
            button.click()
            expect(page.get_by_text("Toegevoegd aan").first).to_be_visible()
        visit("/redactie/leeslijsten/proeflijst")(page, site)
    expect(page.get_by_role("heading", name="Leeslijst: Proeflijst")).to_be_visible()
    expect(page.locator(".kb-drag-handle").first).to_be_attached()


def search_with_collection_tools(page: Page, site: Site) -> None:
    """Search as an editor who has a leeslijst: "Voeg toe aan leeslijst" under each result."""
    editing_a_collection(page, site)
    visit("/zoeken?q=jeugdhulp&leeslijst=proeflijst", shows=RESULTS)(page, site)


# The statement pages another branch adds; checked as soon as their routes exist.
STATEMENT_PAGES = [
    PageState("toegankelijkheid", "anonymous", visit("/toegankelijkheid")),
    PageState("privacy", "anonymous", visit("/privacy")),
    PageState("contact", "anonymous", visit("/contact")),
    PageState("over", "anonymous", visit("/over")),
]

# Following the network and the editors' tools around it.
NETWORK_PAGES = [
    PageState("coverage-matrix", "anonymous", visit("/dekkingsmatrix")),
    PageState("agenda", "anonymous", visit("/agenda")),
    PageState("news", "anonymous", visit("/nieuws")),
    PageState("calls", "anonymous", visit("/oproepen")),
    PageState("open-data", "anonymous", visit("/open-data/")),
    PageState("newsletter", "anonymous", visit("/nieuwsbrief")),
    PageState("my-kennisbank", "member", visit("/mijn-kennisbank")),
    # A fixed past period: the suite's own searches must not change what this page shows.
    PageState(
        "editor-analytics",
        "editor",
        visit("/redactie/zoekanalyse/?periode=aangepast&van=2020-01-06&tot=2020-01-12"),
    ),
    PageState("editor-review-due", "editor", visit("/redactie/controle/")),
    PageState("editor-collections", "editor", visit("/redactie/leeslijsten/")),
    # Both make a leeslijst the first time, so they run on the storing server (STORING_STATES).
    PageState("editor-collection-edit", "editor", editing_a_collection),
    PageState("editor-search-add", "editor", search_with_collection_tools),
    PageState("editor-calls", "editor", visit("/redactie/oproepen/")),
    PageState("editor-call-new", "editor", visit("/redactie/oproepen/nieuw")),
    PageState("editor-news", "editor", visit("/redactie/nieuws")),
    PageState("editor-news-new", "editor", visit("/redactie/nieuws/nieuw")),
    PageState("editor-events", "editor", visit("/redactie/bijeenkomsten")),
    PageState("editor-event-new", "editor", visit("/redactie/bijeenkomsten/nieuw")),
]

# The taxonomy online: vocabularies, one theme and region, synonyms with a preview, history.
TAXONOMY_PAGES = [
    PageState("editor-taxonomy", "editor", visit("/redactie/taxonomie/")),
    PageState("editor-taxonomy-theme", "editor",
              visit("/redactie/taxonomie/thema/interprofessioneel-samenwerken")),
    PageState("editor-taxonomy-region", "editor", visit("/redactie/taxonomie/regio/almere")),
    PageState("editor-synonyms", "editor", visit("/redactie/taxonomie/synoniemen")),
    PageState("editor-synonym-new", "editor",
              visit("/redactie/taxonomie/synoniemen/nieuw?term=OOGO")),
    PageState("editor-taxonomy-history", "editor", visit("/redactie/taxonomie/geschiedenis")),
]  # fmt: skip

# The team review: "Mijn werk", the diff between versions, the confirmation before publishing.
REVIEW_PAGES = [
    PageState("editor-my-work", "editor", visit("/redactie/mijn-werk")),
    PageState("editor-submission-versions", "editor", visit_below("review", "/versies")),
    PageState("editor-publish-confirm", "editor", visit_below("review", "/publiceren")),
    PageState(
        "editor-revision-compare",
        "editor",
        visit(f"/redactie/artikelen/{EDITED_ARTICLE}/versies/vergelijk"),
    ),
]

# Groups: one group made with the accounts (begeleider Eva, member Mila) with one topic.
GROUP = "cop-samen-testen"
GROUP_PAGES = [
    PageState("groups-index", "member", visit("/groepen", shows="Mijn groepen")),
    PageState("group", "editor", visit(f"/groepen/{GROUP}", shows="Onderwerpen")),
    PageState("group-topic", "member", visit(f"/groepen/{GROUP}/onderwerp/1", shows="Reageren")),
    PageState("group-new-topic", "member", visit(f"/groepen/{GROUP}/nieuw-onderwerp")),
    PageState("group-members", "editor", visit(f"/groepen/{GROUP}/leden")),
    PageState("group-invite", "editor", visit(f"/groepen/{GROUP}/uitnodigen")),
    PageState("group-moderation", "editor", visit(f"/groepen/{GROUP}/moderatie")),
    PageState("group-report", "member", visit(f"/groepen/{GROUP}/bericht/1/melden")),
    PageState("group-draft", "editor", visit(f"/groepen/{GROUP}/bericht/1/praktijkvoorbeeld")),
    PageState("editor-groups", "editor", visit("/redactie/groepen/")),
]

PAGE_STATES = [
    PageState("home", "anonymous", visit("/")),
    PageState("search-results", "anonymous", visit("/zoeken?q=samenwerken", shows=RESULTS)),
    PageState("search-filtered", "anonymous", search_with_filter),
    PageState("search-no-results", "anonymous", visit("/zoeken?q=xqzwv", shows="Geen resultaten")),
    PageState("search-logged-in", "member", visit("/zoeken?q=samenwerken", shows=RESULTS)),
    PageState(
        "search-my-groups",
        "member",
        visit("/zoeken?in=groepen&q=samenwerken", shows="Geen berichten"),
    ),
    PageState(
        "search-did-you-mean", "anonymous", visit(f"/zoeken?q={MISSPELT}", shows="Bedoelde u")
    ),
    PageState("article", "anonymous", visit("/artikel/oke-op-school-test")),
    PageState("theme", "anonymous", visit("/thema/interprofessioneel-samenwerken")),
    PageState("advice", "anonymous", visit("/advies/1")),
    PageState("kind", "anonymous", visit("/soort/praktijkvoorbeeld")),
    PageState("region", "anonymous", visit("/regio/almere")),
    PageState("themes", "anonymous", visit("/themas")),
    PageState("adviezen", "anonymous", visit("/adviezen")),
    PageState("regions", "anonymous", visit("/regios")),
    PageState("not-found", "anonymous", visit("/bestaat-niet", status=404)),
    PageState("login", "anonymous", visit("/inloggen")),
    PageState("register", "anonymous", visit("/registreren")),
    PageState("forgot-password", "anonymous", visit("/wachtwoord-vergeten")),
    PageState("reset-password", "anonymous", visit_link("reset")),
    PageState("logout", "member", visit("/uitloggen")),
    PageState("submit-empty", "anonymous", visit("/voorbeeld-indienen")),
    PageState("submit-errors", "anonymous", submit_empty_form),
    # Stores a submission each time, so it gets its own server (see `stores`).
    PageState("submit-done", "anonymous", submit_complete_form),
    PageState("submission-status", "member", visit_link("status")),
    PageState("my-submissions", "member", visit("/mijn-inzendingen")),
    PageState("editor-queue", "editor", visit("/redactie/")),
    PageState("editor-review", "editor", visit_link("review")),
    PageState("editor-articles", "editor", visit("/redactie/artikelen/")),
    PageState("editor-article-edit", "editor", visit(f"/redactie/artikelen/{EDITED_ARTICLE}")),
    PageState("editor-revisions", "editor", visit(f"/redactie/artikelen/{EDITED_ARTICLE}/versies")),
    PageState("editor-revision", "editor", visit_link("revision")),
    PageState("admin-users", "admin", visit("/beheer/")),
    *STATEMENT_PAGES,
    *NETWORK_PAGES,
    *TAXONOMY_PAGES,
    *REVIEW_PAGES,
    *GROUP_PAGES,
]

# States whose reaching stores something: they run on a server of their own, so the pages that
# list stored things (the editors' queue, "Mijn inzendingen") look the same in any test order.
STORING_STATES = {"submit-done", "editor-collection-edit", "editor-search-add"}


def params() -> list[object]:
    """Every page state as a pytest parameter."""
    return [state.param() for state in PAGE_STATES]


def fill_submission(page: Page) -> None:
    """Fill the submission form by its visible labels."""
    for label, value in SUBMISSION.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Regio", exact=True).select_option(label="Almere")
    page.get_by_label("Interprofessioneel samenwerken").check()
    page.get_by_label("Primair onderwijs").check()
    page.get_by_label(re.compile("^Ik geef toestemming")).check()


def log_in(page: Page, site_url: str, email: str) -> None:
    """Log in through the real login form."""
    page.goto(site_url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name=re.compile("Inloggen"))).to_have_count(0)


def _new_page(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: _console(page, msg, errors))
    return page


def _console(page: Page, msg: ConsoleMessage, errors: list[str]) -> None:
    # The page's own status is checked by the state (the 404 page answers 404 on purpose);
    # any other failed resource, script error or CSP report is an error.
    own_status = msg.text.startswith("Failed to load resource") and (
        msg.location.get("url") == page.url
    )
    if msg.type == "error" and not own_status:
        errors.append(f"{page.url}: {msg.text}")


def _contexts(browser: Browser, stack: ExitStack) -> dict[str, BrowserContext]:
    contexts = {}
    for role in ROLES:
        # No web fonts, no animation: the system fonts of this machine render the same each run.
        context = browser.new_context(
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport={"width": WIDTHS[0], "height": HEIGHT},
            reduced_motion="reduce",
        )
        stack.callback(context.close)
        contexts[role] = context
    return contexts


def _server(tmp: Path, mailbox: Mailbox) -> LiveServer:
    content = make_content_dir(tmp / "content")
    return start_server(tmp, content, extra_env={
        "KB_MAIL_HOST": "127.0.0.1", "KB_MAIL_PORT": str(mailbox.port),
        "KB_EDITOR_EMAILS": "redactie@kennisbank.test",
    })  # fmt: skip


def _make_accounts(server: LiveServer) -> None:
    env = server.env
    app = build_app(
        server.tmp, Path(env["KB_CONTENT_DIR"]), DATABASE_URL=env["KB_DATABASE_URL"],
        INDEX_DIR=env["KB_INDEX_DIR"], UPLOAD_DIR=env["KB_UPLOAD_DIR"],
    )  # fmt: skip
    users = {role: make_user(app, role, email, PASSWORD, name=name, organisation="Testorganisatie")
             for role, (email, name) in ACCOUNTS.items()}  # fmt: skip
    _make_group(app, users)


def _make_group(app, users: dict) -> None:
    """A CoP group with the editor as begeleider, the member in it, and one topic."""
    with app.app_context():
        editor = db.session.get(User, users["editor"].id)
        group = groups.create_group("CoP Samen testen", "Een groep van de **CoP**.", "cop",
                                    "request", editor)  # fmt: skip
        groups.add_member(group, db.session.get(User, users["member"].id))
        topic = groups.start_topic(
            group,
            editor,
            "Welkom in de groep",
            "Stel u voor. Lees ook [OKé](oke-op-school-test.md).",
            [],
        )
        groups.reply(topic, editor, "Wie begint?", [])


def _prepare(site: Site, mailbox: Mailbox) -> None:
    """Make what the private pages show, through the real forms; keep their links."""
    for role, (email, _name) in ACCOUNTS.items():
        log_in(site.page(role), site.url, email)

    member = site.page("member")
    submit_complete_form(member, site)
    site.links["status"] = _path(member.locator("a[href*='/inzending/']").first)

    editor = site.page("editor")
    visit("/redactie/")(editor, site)
    site.links["review"] = _path(editor.locator("a[href*='/redactie/inzending/']").first)
    _review_as_a_team(editor, site)
    visit(f"/redactie/artikelen/{EDITED_ARTICLE}")(editor, site)
    summary = editor.get_by_label("Samenvatting", exact=True)
    summary.fill(summary.input_value() + " Sinds 2019 schuift ook het mbo aan.")
    editor.get_by_label(re.compile("^Wat veranderde u")).fill("Samenvatting aangevuld")
    editor.get_by_role("button", name="Opslaan").click()
    expect(editor.get_by_text("Opgeslagen.")).to_be_visible()
    visit(f"/redactie/artikelen/{EDITED_ARTICLE}/versies")(editor, site)
    site.links["revision"] = _path(
        editor.locator("a[href*='/versies/']:not([href*='/vergelijk'])").first
    )

    reader = site.page("anonymous")
    visit("/wachtwoord-vergeten")(reader, site)
    reader.get_by_label("E-mailadres").fill(ACCOUNTS["member"][0])
    reader.get_by_role("button").filter(has_text=re.compile("stuur|verstuur", re.I)).click()
    mail = mailbox.wait_for(lambda m: "wachtwoord" in m["Subject"].lower())
    link = re.search(r"https?://\S+/wachtwoord-vergeten/\S+", body(mail))
    assert link, body(mail)
    site.links["reset"] = re.sub(r"^https?://[^/]+", "", link.group(0))


def _review_as_a_team(editor: Page, site: Site) -> None:
    """Take the submission on, leave a note and edit it: "Mijn werk" and the diff show these."""
    visit(site.links["review"])(editor, site)
    editor.get_by_role("button", name="Aan mij toewijzen").click()
    expect(editor.get_by_text("Toegewezen aan Eva Redacteur.")).to_be_visible()
    editor.get_by_label(re.compile("^Notitie voor de redactie")).fill("Ik bel de indiener.")
    editor.get_by_role("button", name="Notitie toevoegen").click()
    expect(editor.get_by_text("Notitie toegevoegd")).to_be_visible()
    approach = editor.get_by_label("Aanpak", exact=True)
    approach.fill(approach.input_value() + "\n- twee keer per jaar een evaluatie")
    editor.get_by_label("Monitoring en data").check()
    editor.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(editor.get_by_text("Opgeslagen: aanpak, thema's")).to_be_visible()


def _path(link) -> str:
    href = link.get_attribute("href")
    assert href, "link without href"
    return re.sub(r"^https?://[^/]+", "", href)


@contextmanager
def build_site(browser: Browser, tmp: Path, prepare: bool = True) -> Iterator[Site]:
    """Start a server with the fixture content and accounts, logged in per role, prepared."""
    with ExitStack() as stack:
        mailbox = stack.enter_context(running_mailbox())
        server = _server(tmp, mailbox)
        stack.callback(server.stop)
        _make_accounts(server)
        site = Site(server, _contexts(browser, stack))
        if prepare:
            _prepare(site, mailbox)
            assert not site.errors, f"browser errors while preparing: {site.errors}"
        yield site
