"""Default configuration. Every key can be overridden by an environment variable KB_<KEY>."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def defaults(instance_path: str) -> dict[str, object]:
    """Return the default settings for an app whose instance folder is instance_path."""
    instance = Path(instance_path)
    return {
        "SECRET_KEY": None,  # required outside development and tests; see create_app
        "DATABASE_URL": f"sqlite:///{instance / 'kennisbank.sqlite'}",
        "INDEX_DIR": str(instance / "index"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "CONTENT_DIR": str(PROJECT_ROOT / "content"),
        "SOURCES_DIR": str(PROJECT_ROOT.parent / "shared" / "sources"),
        "PER_PAGE": 20,
        "SEARCH_MAX_PER_PAGE": 50,
        "API_MAX_PER_PAGE": 100,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,  # whole request, attachments included
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        "ANONYMOUS_SUBMISSIONS": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,  # set KB_SESSION_COOKIE_SECURE=true behind HTTPS
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAIL_HOST": "",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_SENDER": "kennisbank@localhost",
        "EDITOR_EMAILS": "",
        "BASE_URL": "http://127.0.0.1:5000",
        "INDEX_WRITER_TIMEOUT": 10.0,
        "INDEX_REBUILD_TIMEOUT": 120.0,
        # Up to this many articles a broken index is rebuilt inside the request that finds it.
        "INDEX_SYNC_REBUILD_MAX": 2000,
        # The index change log: rows kept this long; a missing id waits this long (it may still
        # commit); /healthz answers 503 when a logged change waits longer than INDEX_LAG_MAX.
        "INDEX_LOG_KEEP_DAYS": 7,
        "INDEX_LOG_GAP_SECONDS": 600,
        "INDEX_LAG_MAX_SECONDS": 60,
        # Accounts and submissions
        "MAIL_TIMEOUT": 10.0,
        "PASSWORD_RESET_MAX_AGE": 3600,  # seconds a reset link stays valid
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "LOGIN_MAX_FAILURES_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_ADDRESS": 20,
        "RATE_WINDOW_SECONDS": 3600,
        "REGISTRATIONS_PER_ADDRESS": 10,
        "RESET_REQUESTS_PER_ADDRESS": 10,
        "RESET_REQUESTS_PER_ACCOUNT": 3,
        "SUBMISSIONS_PER_ADDRESS": 10,
        "MAX_ATTACHMENTS": 5,
    }
