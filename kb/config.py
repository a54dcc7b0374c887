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
        "EDITOR_QUEUE_PER_PAGE": 50,  # submissions per page of the redactie's queue
        "SEARCH_MAX_PER_PAGE": 50,
        "API_MAX_PER_PAGE": 100,
        # Hard cap on a whole request: well above the attachment limits below, so the typed text
        # always arrives and only the file is refused (the attachment limits are checked while
        # the files stream in).
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
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
        # Login throttle (kb.accounts.users.authenticate): after the free failures each next
        # attempt waits LOGIN_BACKOFF_SECONDS, doubling, up to the maximum; forgotten after a
        # quiet window. Per account+address pair (per device for a known device), per address
        # and per account (the last two not for known devices).
        "LOGIN_WINDOW_SECONDS": 3600,
        "LOGIN_MAX_FAILURES_PAIR": 5,
        "LOGIN_MAX_FAILURES_ADDRESS": 20,
        "LOGIN_MAX_FAILURES_ACCOUNT": 50,
        "LOGIN_BACKOFF_SECONDS": 30,
        "LOGIN_BACKOFF_MAX_SECONDS": 15 * 60,
        "KNOWN_DEVICE_MAX_AGE": 180 * 24 * 3600,
        "RATE_WINDOW_SECONDS": 3600,
        "REGISTRATIONS_PER_ADDRESS": 10,
        # Registration mails to one e-mail address per RATE_WINDOW_SECONDS (no mail-bombing).
        "REGISTRATION_MAILS_PER_EMAIL": 3,
        "REGISTRATION_MAX_AGE": 24 * 3600,  # seconds an activation link stays valid
        "RESET_REQUESTS_PER_ADDRESS": 10,
        "RESET_REQUESTS_PER_ACCOUNT": 3,
        "SUBMISSIONS_PER_ADDRESS": 10,
        "MAX_ATTACHMENTS": 5,
        # Who runs the site and how to reach them: /contact, /privacy, /toegankelijkheid.
        "ORGANISATION_NAME": "de redactie van de Kennisbank Onderwijs · Zorg · Jeugd",
        "CONTACT_EMAIL": "",  # the sender address (MAIL_SENDER) when empty
        # The map of the regions: Natural Earth outlines from the npm package world-atlas.
        "MAP_TOPOLOGY": str(PROJECT_ROOT / "node_modules" / "world-atlas" / "countries-10m.json"),
        # AVG: sign-ups for a bijeenkomst are deleted this many days after it (kb purge-signups).
        "EVENT_SIGNUP_RETENTION_DAYS": 30,
        # Zoekanalyse shows a query only when it was searched this often in the period (AVG).
        "SEARCH_ANALYTICS_MIN_COUNT": 3,
        # Freshness: months between reviews per kind (KB_REVIEW_INTERVAL_MONTHS takes JSON).
        "REVIEW_INTERVAL_MONTHS": {
            "praktijkvoorbeeld": 12, "regioportret": 12, "community-of-practice": 12,
            "instrument": 24, "achtergrond": 24, "perspectief": 36, "advies": 36,
        },
        "REVIEW_INTERVAL_DEFAULT_MONTHS": 24,
        "REVIEW_DUE_SOON_DAYS": 30,  # /redactie/controle also lists what falls due this soon
        "REVIEW_LINK_MAX_AGE": 60 * 24 * 3600,  # seconds a submitter's review link works
        # Open data: the licence stated with every bulk download and in the OpenAPI document.
        "OPEN_DATA_LICENCE": "CC BY 4.0",
        "OPEN_DATA_LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/deed.nl",
        # Sessions end after this long without a request, and this long after the login at most.
        "SESSION_IDLE_SECONDS": 2 * 3600,
        "SESSION_ABSOLUTE_SECONDS": 12 * 3600,
        # Development mailbox: when set, every e-mail is also written whole to this folder as .eml.
        "MAIL_DEV_DIR": "",
        # Days the anonymous search log keeps a row (AVG); `kb purge-search-log` deletes older.
        "SEARCH_LOG_RETENTION_DAYS": 365,  # the 12 months
        "MAX_ATTACHMENTS_BYTES": 12 * 1024 * 1024,  # all attachments of one submission together
        # The pending area (attachments held while a form is open) is capped in bytes and age.
        "PENDING_UPLOADS_MAX_BYTES": 500 * 1024 * 1024,
        "PENDING_UPLOADS_MAX_AGE": 24 * 3600,
        "PENDING_UPLOADS_PER_ADDRESS_BYTES": 50 * 1024 * 1024,
        "DATABASE_BUSY_TIMEOUT": 5.0,  # seconds an SQLite write waits for another writer
    }
