"""Real-browser fixtures: a gunicorn server on loopback and Debian's Chromium driven by Playwright.

A missing browser is a failure, not a skip: the Makefile installs it, and CI must run these.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from kb.config import PROJECT_ROOT
from tests.conftest import build_app, load_content, make_content_dir

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running gunicorn serving the app, with the paths it uses."""

    url: str
    tmp: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: IO[bytes]

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def start_server(
    tmp: Path,
    content: Path,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    load: bool = True,
) -> LiveServer:
    """Migrate and load a database in tmp, then serve it with gunicorn on a free port."""
    settings = {
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp / 'kb.sqlite'}",
        "INDEX_DIR": str(tmp / "index"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "CONTENT_DIR": str(content),
    }
    app = build_app(tmp, content, **settings)
    if load:
        load_content(app)
    port = _free_port()
    env = dict(os.environ)
    env.update({f"KB_{k}": v for k, v in settings.items()})
    env["KB_BASE_URL"] = f"http://127.0.0.1:{port}"
    env.update(extra_env or {})
    log = open(tmp / "server.log", "ab")  # noqa: SIM115 (kept open for the server's lifetime)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 (loopback)
                break
        except OSError:
            if process.poll() is not None:
                log.close()
                raise RuntimeError((tmp / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        process.kill()
        log.close()
        raise RuntimeError("server did not start: " + (tmp / "server.log").read_text())
    return LiveServer(url=url, tmp=tmp, env=env, process=process, log=log)


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
