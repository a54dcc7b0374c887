"""Shared fixtures: a real SQLite file, migrated with the real migrations, and a real index.

`app` runs on a small fixture content set (three articles and the real taxonomy) in a temporary
folder; `content_app` runs once per session on the repository's real content, and
`backend_content_app` runs it once per search backend (Whoosh, and PostgreSQL itself).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.config import PROJECT_ROOT
from kb.models import db
from tests.support.app import build_app, load_content, make_content_dir
from tests.support.mail import Mailbox, mail_config, running_mailbox
from tests.support.postgres import fresh_database, running_postgres


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A content folder with the real taxonomy and the fixture articles."""
    return make_content_dir(tmp_path / "content")


@pytest.fixture
def app(tmp_path: Path, content_dir: Path) -> Iterator[Flask]:
    """An app with the fixture content loaded."""
    application = build_app(tmp_path, content_dir)
    load_content(application)
    yield application


@pytest.fixture(params=["whoosh", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_app(
    request: pytest.FixtureRequest, tmp_path: Path, content_dir: Path
) -> Iterator[Flask]:
    """The fixture app once per search backend: Whoosh on SQLite (`app`), and PostgreSQL
    searching in the database itself (a fresh database on the module's cluster)."""
    if request.param == "whoosh":
        yield request.getfixturevalue("app")
        return
    url = fresh_database(request.getfixturevalue("postgres_url"), f"kb_{uuid.uuid4().hex[:12]}")
    application = build_app(tmp_path, content_dir, DATABASE_URL=url, SEARCH_BACKEND="postgresql")
    load_content(application)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path: Path, content_dir: Path) -> Flask:
    """An app with a migrated but empty database."""
    return build_app(tmp_path, content_dir)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the fixture app."""
    return app.test_client()


@pytest.fixture(scope="session")
def content_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app with the repository's real content loaded (built once per session)."""
    tmp = tmp_path_factory.mktemp("real-content")
    application = build_app(tmp, PROJECT_ROOT / "content")
    load_content(application)
    return application


@pytest.fixture(scope="session")
def session_postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole session (for session-scoped apps)."""
    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session", params=["whoosh", "postgresql"])
def backend_content_app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The real-content app once per search backend: Whoosh on SQLite (`content_app`), and
    PostgreSQL searching in the database itself (so a test runs against both backends)."""
    if request.param == "whoosh":
        yield request.getfixturevalue("content_app")
        return
    server = request.getfixturevalue("session_postgres_url")
    tmp = request.getfixturevalue("tmp_path_factory").mktemp("real-content-pg")
    application = build_app(tmp, PROJECT_ROOT / "content", SEARCH_BACKEND="postgresql",
                            DATABASE_URL=fresh_database(server, "real_content"))  # fmt: skip
    load_content(application)
    yield application
    with application.app_context():
        db.engine.dispose()  # before the cluster stops: no connection left to warn about


@pytest.fixture
def write_article(content_dir: Path) -> Callable[..., Path]:
    """Write an article file into the fixture content folder."""

    def _write(slug: str, text: str) -> Path:
        path = content_dir / "articles" / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback that keeps what it receives."""
    with running_mailbox() as box:
        yield box


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback for one test module (a failure if missing)."""
    with running_postgres() as url:
        yield url


@pytest.fixture
def mail_app(tmp_path: Path, content_dir: Path, mailbox: Mailbox) -> Flask:
    """An app with the fixture content whose e-mail goes to the real SMTP catcher `mailbox`."""
    application = build_app(tmp_path, content_dir, EDITOR_EMAILS="redactie@kennisbank.test",
                            **mail_config(mailbox))  # fmt: skip
    load_content(application)
    return application
