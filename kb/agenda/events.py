"""Bijeenkomsten: CoP meetings and other events, with a sign-up that respects capacity.

A sign-up takes a seat with one atomic UPDATE (`signup_count < capacity`) in the same
transaction as the sign-up row, so simultaneous sign-ups never overbook, and a duplicate
address rolls both back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from kb import queries
from kb.agenda.clock import now_local
from kb.formatting import MONTHS
from kb.models import Event, EventSignup, db, utcnow
from kb.render import render_markdown


class SignupRefused(ValueError):
    """A sign-up that cannot be taken; the message is Dutch and meant for the visitor."""


@dataclass
class SignupState:
    """Whether an event takes sign-ups now, and if not, why (in Dutch)."""

    open: bool
    reason: str = ""
    seats_left: int | None = None


def save_event(event: Event | None, data: dict[str, Any]) -> Event:
    """Create or update an event from form data; commits."""
    if event is None:
        event = Event(signup_count=0)
        db.session.add(event)
    event.title = data["title"].strip()
    event.description_md = data.get("description_md") or ""
    event.description_html = render_markdown(event.description_md).html
    event.starts_at, event.ends_at = data["starts_at"], data["ends_at"]
    event.location = (data.get("location") or "").strip()
    event.online_url = (data.get("online_url") or "").strip()
    event.cop_slug = data.get("cop_slug") or None
    event.capacity = data.get("capacity") or None
    event.signup_closes_at = data.get("signup_closes_at") or None
    event.cancelled = bool(data.get("cancelled"))
    event.updated_at = utcnow()
    db.session.commit()
    return event


def upcoming(cop_slug: str | None = None, limit: int | None = None) -> list[Event]:
    """Return events that have not ended yet, soonest first (optionally of one CoP)."""
    stmt = select(Event).where(Event.ends_at >= now_local()).order_by(Event.starts_at)
    if cop_slug is not None:
        stmt = stmt.where(Event.cop_slug == cop_slug)
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def of_cop(cop_slug: str) -> list[Event]:
    """Return all events of one CoP (for its calendar feed), newest first."""
    stmt = select(Event).where(Event.cop_slug == cop_slug).order_by(Event.starts_at.desc())
    return list(db.session.scalars(stmt.limit(200)))


def cops() -> dict[str, str]:
    """Return the published Community of Practice articles (slug -> title): an event's CoP."""
    rows = db.session.scalars(queries.filtered({"kind": [queries.COP_KIND]})).unique()
    return {a.slug: a.title for a in rows}


def all_events() -> list[Event]:
    """Return every event, newest first (for the editors)."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_at.desc())))


def signup_state(event: Event) -> SignupState:
    """Tell whether sign-up is open for event now."""
    now = now_local()
    if event.cancelled:
        return SignupState(False, "Deze bijeenkomst gaat niet door.")
    if event.ends_at < now:
        return SignupState(False, "Deze bijeenkomst is voorbij.")
    if event.signup_closes_at and event.signup_closes_at < now:
        return SignupState(False, "Aanmelden is gesloten.")
    seats = None if event.capacity is None else max(event.capacity - event.signup_count, 0)
    if seats == 0:
        return SignupState(False, "De bijeenkomst is vol.", 0)
    return SignupState(True, seats_left=seats)


def sign_up(event: Event, name: str, organisation: str, email: str) -> EventSignup:
    """Take a seat for someone; raises SignupRefused with a Dutch reason; commits."""
    state = signup_state(event)
    if not state.open:
        raise SignupRefused(state.reason)
    taken = db.session.execute(
        update(Event)
        .where(Event.id == event.id,
               or_(Event.capacity.is_(None), Event.signup_count < Event.capacity))
        .values(signup_count=Event.signup_count + 1)
    ).rowcount  # fmt: skip
    if taken != 1:
        db.session.rollback()
        raise SignupRefused("De bijeenkomst is vol.")
    signup = EventSignup(event_id=event.id, name=name.strip(), email=email,
                         organisation=organisation.strip())  # fmt: skip
    db.session.add(signup)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the seat goes back with it
        raise SignupRefused("Met dit e-mailadres bent u al aangemeld.") from None
    return signup


def purge_signups(days_after: int) -> int:
    """Delete the sign-ups of events that ended more than days_after days ago; commits."""
    cutoff = now_local() - timedelta(days=days_after)
    ended = select(Event.id).where(Event.ends_at < cutoff)
    count = db.session.execute(delete(EventSignup).where(EventSignup.event_id.in_(ended))).rowcount
    db.session.commit()
    return count


def when(event: Event) -> str:
    """Return the event's date and time in Dutch, e.g. 'dinsdag 12 januari 2027, 13.30–16.00'."""
    start, end = event.starts_at, event.ends_at
    day = f"{_WEEKDAYS[start.weekday()]} {start.day} {MONTHS[start.month - 1]} {start.year}"
    if end.date() == start.date():
        return f"{day}, {start:%H.%M}–{end:%H.%M} uur"
    return f"{day} {start:%H.%M} uur tot {end.day} {MONTHS[end.month - 1]} {end:%H.%M} uur"


_WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
