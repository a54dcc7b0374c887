"""Show stored UTC times as Dutch local time (Europe/Amsterdam) in templates."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from kb.formatting import dutch_date


@cache
def _zone() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # no tz database on this machine: show UTC, said so
        return None


def local_datetime(value: datetime | None) -> str:
    """Format a naive UTC datetime as '22 november 2026 11:00' in Dutch local time."""
    if value is None:
        return ""
    zone = _zone()
    if zone is None:
        return f"{dutch_date(value)} {value:%H:%M} UTC"
    local = value.replace(tzinfo=UTC).astimezone(zone)
    return f"{dutch_date(local)} {local:%H:%M}"


def init_app(app: Flask) -> None:
    """Register the `local_datetime` template filter."""
    app.add_template_filter(local_datetime)
