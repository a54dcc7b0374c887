"""Oproepen: calls for practice examples, started from a search gap or an empty matrix cell.

A call names what it is about (advies, theme, region); its link opens the submission form with
those filled in and the call remembered, so editors see per call what came in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from kb.models import Call, Submission, db, utcnow
from kb.render import render_markdown


def save_call(call: Call | None, data: dict[str, Any]) -> Call:
    """Create or update a call from form data; commits."""
    if call is None:
        call = Call()
        db.session.add(call)
    call.title = data["title"].strip()
    call.text_md = data.get("text_md") or ""
    call.text_html = render_markdown(call.text_md).html
    call.advice_number = int(data["advice_number"]) if data.get("advice_number") else None
    call.theme_slug = data.get("theme_slug") or None
    call.region_slug = data.get("region_slug") or None
    call.closes_on = data.get("closes_on") or None
    call.published = bool(data.get("published"))
    call.from_query = (data.get("from_query") or "")[:500]
    call.updated_at = utcnow()
    db.session.commit()
    return call


def open_calls(limit: int | None = None) -> list[Call]:
    """Return the published calls that have not closed, closing soonest first."""
    today = date.today()
    stmt = (
        select(Call)
        .where(Call.published.is_(True), or_(Call.closes_on.is_(None), Call.closes_on >= today))
        .order_by(Call.closes_on.is_(None), Call.closes_on, Call.id.desc())
    )
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def all_calls() -> list[Call]:
    """Return every call, newest first (for the editors)."""
    return list(db.session.scalars(select(Call).order_by(Call.id.desc())))


def is_open(call: Call) -> bool:
    """Tell whether a call is published and not closed."""
    return call.published and (call.closes_on is None or call.closes_on >= date.today())


def response_counts() -> dict[int, dict[str, int]]:
    """Return per call the number of submissions per status, in one grouped query."""
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(Submission.call_id, Submission.status, func.count())
        .where(Submission.call_id.is_not(None))
        .group_by(Submission.call_id, Submission.status)
    )
    for call_id, status, n in rows:
        counts.setdefault(call_id, {})[status] = n
    return counts


def form_args(call: Call) -> dict[str, str]:
    """Return the query arguments that open the submission form for this call."""
    args = {"oproep": str(call.id)}
    if call.advice_number:
        args["advies"] = str(call.advice_number)
    if call.theme_slug:
        args["thema"] = call.theme_slug
    if call.region_slug:
        args["regio"] = call.region_slug
    return args


def call_for_submission(value: str | None) -> Call | None:
    """Return the open call a submission form names (None for unknown or closed calls)."""
    if not value or not str(value).isdigit():
        return None
    call = db.session.get(Call, int(value))
    return call if call is not None and is_open(call) else None
