"""Build apps for tests: a real SQLite file migrated with the real migrations, and a real index."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from kb import create_app
from kb.config import PROJECT_ROOT
from kb.content import sync_content
from kb.publishing import apply_index_outbox

FIXTURE_ARTICLES = Path(__file__).parent.parent / "fixtures" / "articles"


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


def make_app(tmp: Path, **overrides: object) -> Flask:
    """Build an app with the fixture content loaded, on a real SQLite file in tmp."""
    content = tmp / "content"
    if not content.exists():
        make_content_dir(content)
    app = build_app(tmp, content, **overrides)
    load_content(app)
    return app
