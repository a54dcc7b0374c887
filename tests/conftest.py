"""Shared fixtures: a real SQLite file, migrated with the real migrations, and a real index.

`app` runs on a small fixture content set (three articles and the real taxonomy) in a temporary
folder; `content_app` runs once per session on the repository's real content.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from kb import create_app
from kb.config import PROJECT_ROOT
from kb.content import sync_content
from kb.publishing import apply_index_outbox

FIXTURE_ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def make_content_dir(target: Path, articles: Path | None = FIXTURE_ARTICLES) -> Path:
    """Copy the real taxonomy and the given articles into a fresh content folder."""
    shutil.copytree(PROJECT_ROOT / "content" / "taxonomy", target / "taxonomy")
    (target / "articles").mkdir()
    if articles is not None:
        for path in articles.glob("*.md"):
            shutil.copy(path, target / "articles" / path.name)
    return target


def build_app(tmp: Path, content_dir: Path, **overrides: object) -> Flask:
    """Create an app on a fresh SQLite file and index in tmp, with the schema migrated."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": f"sqlite:///{tmp / 'kb.sqlite'}",
        "INDEX_DIR": str(tmp / "index"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "CONTENT_DIR": str(content_dir),
        "SERVER_NAME": "kennisbank.test",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def load_content(app: Flask) -> None:
    """Sync the app's content folder into its database and index; fail on any problem."""
    with app.app_context():
        _report, problems = sync_content(Path(app.config["CONTENT_DIR"]))
        assert not problems, "\n".join(map(str, problems))
        apply_index_outbox()


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


@pytest.fixture
def write_article(content_dir: Path) -> Callable[..., Path]:
    """Write an article file into the fixture content folder."""

    def _write(slug: str, text: str) -> Path:
        path = content_dir / "articles" / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def mailbox() -> Iterator[object]:
    """A real SMTP server on loopback that keeps what it receives (tests.accounts_support)."""
    from tests.accounts_support import running_mailbox  # it builds on this module

    with running_mailbox() as box:
        yield box
