"""Which search backend runs: Whoosh (embedded, the default) or PostgreSQL itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

BACKENDS = ("whoosh", "postgresql")


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse an unknown backend, and the PostgreSQL backend on any other database."""
    backend = config.get("SEARCH_BACKEND", "whoosh")
    if backend not in BACKENDS:
        raise RuntimeError(
            f"SEARCH_BACKEND={backend!r} bestaat niet: kies 'whoosh' of 'postgresql'."
        )
    database = str(config.get("DATABASE_URL", ""))
    if backend == "postgresql" and not database.startswith("postgresql"):
        raise RuntimeError(
            "SEARCH_BACKEND='postgresql' zoekt in de database zelf en vraagt dus een "
            f"PostgreSQL-database; DATABASE_URL is {database.split(':', 1)[0]}. "
            "Gebruik SEARCH_BACKEND='whoosh' (de standaard) of een PostgreSQL-DATABASE_URL."
        )


def postgresql() -> bool:
    """Tell whether this app searches in PostgreSQL."""
    return current_app.config.get("SEARCH_BACKEND", "whoosh") == "postgresql"
