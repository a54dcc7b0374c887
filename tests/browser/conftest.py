"""Real-browser fixtures: a gunicorn server on loopback and Debian's Chromium driven by Playwright.

A missing browser is a failure, not a skip: the Makefile installs it, and CI must run these.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from kb.config import PROJECT_ROOT
from tests.browser.pages import HEIGHT, STORING_STATES, PageState, Site, build_site
from tests.support.app import make_content_dir
from tests.support.server import LiveServer, start_server

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers on demand (fixture content by default); all are stopped afterwards."""
    servers: list[LiveServer] = []

    def _start(content: Path | None = None, **kwargs: object) -> LiveServer:
        base = tmp_path / f"server{len(servers)}"
        base.mkdir()
        content = content or make_content_dir(base / "content")
        server = start_server(base, content, **kwargs)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def real_content_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server on the repository's real content for the whole session."""
    tmp = tmp_path_factory.mktemp("live-real")
    content = tmp / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    server = start_server(tmp, content)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (CI must have it)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page; fails the test on any JavaScript error or CSP report."""
    context = browser.new_context(locale="nl-NL")
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    new_page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    new_page.set_default_timeout(15_000)
    yield new_page
    context.close()
    assert not errors, f"browser errors: {errors}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# The catalogue of page states (tests/browser/pages.py), shared by the accessibility and visual
# tests: one prepared server per module, one logged-in context per role, reused by every state.


@pytest.fixture(scope="module")
def catalogue_site(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server with the fixture content, an account per role logged in, its pages prepared."""
    with build_site(browser, tmp_path_factory.mktemp("catalogue")) as site:
        yield site


@pytest.fixture(scope="module")
def storing_site(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A second server for the states that store something (started only when one runs)."""
    with build_site(browser, tmp_path_factory.mktemp("storing"), prepare=False) as site:
        yield site


@pytest.fixture
def show_state(request: pytest.FixtureRequest) -> Iterator[Callable[[PageState, int], Page]]:
    """Open a page state at a viewport width; fails the test on any JavaScript or CSP error."""
    used: list[Site] = []

    def _show(state: PageState, width: int) -> Page:
        # Each site starts when the first state that needs it runs.
        storing = state.name in STORING_STATES
        site = request.getfixturevalue("storing_site" if storing else "catalogue_site")
        used.append(site)
        page = site.page(state.role)
        page.set_viewport_size({"width": width, "height": HEIGHT})
        state.reach(page, site)
        return page

    yield _show
    for site in used:
        errors, site.errors[:] = list(site.errors), []
        assert not errors, f"browser errors: {errors}"
