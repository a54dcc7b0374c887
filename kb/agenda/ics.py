"""iCalendar (.ics) for events, built with the icalendar library, in Dutch local time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from kb.agenda.clock import aware
from kb.feeds import absolute
from kb.models import Event


def _uid(event: Event) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"bijeenkomst-{event.id}@{host}"


def calendar(events: Iterable[Event], name: str) -> bytes:
    """Return an iCalendar document with these events."""
    cal = Calendar()
    cal.add("prodid", "-//Kennisbank Onderwijs Zorg Jeugd//Agenda//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", _uid(event))
        entry.add("summary", event.title)
        entry.add("dtstart", aware(event.starts_at))
        entry.add("dtend", aware(event.ends_at))
        entry.add("dtstamp", event.updated_at.replace(tzinfo=UTC))  # stored as naive UTC
        page = absolute(url_for("agenda.event", event_id=event.id))
        entry.add("url", page)
        location = event.location or event.online_url
        if location:
            entry.add("location", location)
        entry.add("description", f"{page}" + (f"\nOnline: {event.online_url}"
                                                 if event.online_url else ""))  # fmt: skip
        entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical()
