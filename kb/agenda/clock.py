"""Dutch local time: events are planned and shown in Europe/Amsterdam, stored without offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")


def now_local() -> datetime:
    """Return the current time in the Netherlands, without offset (as events are stored)."""
    return datetime.now(LOCAL).replace(tzinfo=None)


def aware(moment: datetime) -> datetime:
    """Attach the Dutch time zone to a stored (naive, local) moment."""
    return moment.replace(tzinfo=LOCAL)
