"""Kennisbank Onderwijs · Zorg · Jeugd: the application factory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kb.config import PROJECT_ROOT, defaults

migrate = Migrate()
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then KB_* environment variables, then test_config."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_prefixed_env("KB")
    if test_config:
        app.config.update(test_config)
    _configure_secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        _engine_options(app.config["DATABASE_URL"], float(app.config["DATABASE_BUSY_TIMEOUT"])),
    )

    # kb.groups is imported so its tables are part of db.metadata (migrations, create_all).
    from kb import accounts, cli, errors, formatting, groups, search, security, views  # noqa: F401
    from kb.models import db

    search.init_app(app)  # refuses a PostgreSQL search backend on SQLite, before anything runs
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    accounts.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    from kb.submissions.intake import UploadRequest

    app.request_class = UploadRequest  # attachments are capped while they stream in
    return app


def _configure_secret_key(app: Flask) -> None:
    """Use KB_SECRET_KEY, else instance/secret_key (written by `make run`); never a default."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text().strip()
        return
    raise RuntimeError(
        "Geen geheime sleutel: zet KB_SECRET_KEY of maak instance/secret_key (make run doet dat)."
    )


def _engine_options(url: str, busy_timeout: float) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # A writer waits this long for another one, then gets "database is locked" (shown as a
        # Dutch 503 with the form kept), rather than holding the request for half a minute.
        return {"connect_args": {"timeout": busy_timeout}}
    return {"pool_pre_ping": True}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Run SQLite in WAL mode with enforced foreign keys (the busy timeout is a connect arg)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
