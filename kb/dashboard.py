"""The redactie at a glance: the queue by state and age, overdue reviews, search gaps, the
emptiest matrix cells and the open calls. Each panel is one grouped query (or a cached list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, select

from kb import analytics, calls, coverage, freshness
from kb.models import Call, Submission, db, utcnow

OPEN_STATES = ("submitted", "returned")
AGES = (("< 1 week", 7), ("1–4 weken", 28))  # older than the last bound: "> 4 weken"


@dataclass
class QueueRow:
    """One submission state: how many, and how long they have waited."""

    status: str
    total: int
    by_age: list[int]


@dataclass
class Dashboard:
    """Everything the dashboard shows."""

    queue: list[QueueRow]
    overdue: list[freshness.DueArticle]
    overdue_total: int
    gaps: list[analytics.QueryRow]
    empty_cells: list[tuple[int, str, str]]  # (advies number, theme slug, theme label)
    empty_total: int
    open_calls: list[Call]
    call_counts: dict[int, dict[str, int]] = field(default_factory=dict)


def queue_by_age() -> list[QueueRow]:
    """Count open submissions per state and age band, in one grouped query."""
    now = utcnow()
    bands = [case((Submission.created_at >= now - timedelta(days=days), 1), else_=0)
             for _label, days in AGES]  # fmt: skip
    rows = db.session.execute(
        select(Submission.status, func.count(), *[func.sum(b) for b in bands])
        .where(Submission.status.in_(OPEN_STATES))
        .group_by(Submission.status)
    )
    result = []
    for status, total, *cumulative in rows:
        counts, previous = [], 0
        for value in cumulative:
            counts.append(int(value or 0) - previous)
            previous = int(value or 0)
        counts.append(int(total) - previous)
        result.append(QueueRow(status, int(total), counts))
    order = {s: i for i, s in enumerate(OPEN_STATES)}
    return sorted(result, key=lambda r: order.get(r.status, 99))


def dashboard(limit: int = 5) -> Dashboard:
    """Gather the dashboard's panels."""
    overdue, overdue_total = freshness.overdue(limit)
    minimum = int(current_app.config["SEARCH_ANALYTICS_MIN_COUNT"])
    gaps = analytics.zero_result_queries(analytics.period("maand"), minimum, limit)
    matrix = coverage.matrix({"kind": [coverage.DEFAULT_KIND]})
    empty = [(a.number, t.slug, t.label) for t in matrix.themes for a in matrix.advice
             if not matrix.count(a.number, t.id)]  # fmt: skip
    return Dashboard(
        queue=queue_by_age(), overdue=overdue, overdue_total=overdue_total, gaps=gaps,
        empty_cells=empty[: limit * 2], empty_total=len(empty),
        open_calls=calls.open_calls(limit), call_counts=calls.response_counts(),
    )  # fmt: skip
