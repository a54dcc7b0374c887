"""Zoekanalyse: what members search for, what they do not find, and what they click.

Everything is anonymous (no account, address or session in the log) and a query appears only
when it was searched at least SEARCH_ANALYTICS_MIN_COUNT times in the period, so that a name
typed once never shows. Each panel is one grouped query over the log, not a loop over rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, case, distinct, func, literal, select

from kb.models import SearchClick, SearchLog, db, utcnow

PERIODS = {"week": ("Afgelopen week", 7), "maand": ("Afgelopen maand", 30)}


def normalise(query: str) -> str:
    """Return the form queries are grouped by: lower case, single spaces, no outer punctuation."""
    return re.sub(r"\s+", " ", query.lower()).strip(" \t.,;:!?\"'")[:500]


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) of UTC time, with its Dutch label."""

    start: datetime
    end: datetime
    label: str

    def previous(self) -> Period:
        """Return the span of the same length just before this one."""
        length = self.end - self.start
        return Period(self.start - length, self.start, "vorige periode")


def period(name: str, start: date | None = None, end: date | None = None) -> Period:
    """Return the period called name ('week', 'maand' or 'aangepast' with its two dates)."""
    now = utcnow()
    if name == "aangepast" and start and end and start <= end:
        return Period(datetime.combine(start, time()), datetime.combine(end, time()) +
                      timedelta(days=1), f"{start:%d-%m-%Y} t/m {end:%d-%m-%Y}")  # fmt: skip
    label, days = PERIODS.get(name, PERIODS["week"])
    return Period(now - timedelta(days=days), now, label)


@dataclass
class QueryRow:
    """One query in a panel: how often, how many results on average, clicks and the trend."""

    query: str
    searches: int
    previous: int
    mean_results: float
    clicked: int

    @property
    def click_rate(self) -> float:
        """Return the share of this query's searches that led to a click (0–1)."""
        return self.clicked / self.searches if self.searches else 0.0

    @property
    def trend(self) -> int:
        """Return the change in searches against the previous period."""
        return self.searches - self.previous


@dataclass
class Overview:
    """The period at a glance."""

    searches: int
    zero: int
    clicked: int
    mean_first_rank: float | None

    @property
    def click_rate(self) -> float:
        """Return the share of searches with at least one click (0–1)."""
        return self.clicked / self.searches if self.searches else 0.0


def _clicked_keys(since: datetime) -> Select:
    """The search keys with at least one click since a moment (bounded: the log is large)."""
    return select(distinct(SearchClick.search_key).label("key")).where(
        SearchClick.created_at >= since
    )


def _query_panel(span: Period, min_count: int, limit: int, *, zero_only: bool = False,
                 unclicked: bool = False) -> list[QueryRow]:  # fmt: skip
    """Group the log by query over this period and the one before, in one statement."""
    before = span.previous()
    in_span = SearchLog.created_at >= span.start
    searches = func.sum(case((in_span, 1), else_=0))
    clicked = _clicked_keys(before.start).subquery()
    # Searches without results cannot have clicks: skip the join for that panel.
    clicks = literal(0) if zero_only else func.count(distinct(case((in_span, clicked.c.key))))
    stmt = select(SearchLog.normalised, searches, func.sum(case((in_span, 0), else_=1)),
                  func.avg(case((in_span, SearchLog.result_count))), clicks)
    if not zero_only:
        stmt = stmt.outerjoin(clicked, clicked.c.key == SearchLog.search_key)
    stmt = (
        stmt.where(SearchLog.created_at >= before.start, SearchLog.created_at < span.end,
                   SearchLog.normalised != "")
        .group_by(SearchLog.normalised)
        .having(searches >= min_count)
        .order_by(searches.desc(), SearchLog.normalised)
    )  # fmt: skip
    if zero_only:  # the index on (result_count, created_at) makes this a short range scan
        stmt = stmt.where(SearchLog.result_count == 0)
    if unclicked:
        stmt = stmt.where(SearchLog.result_count > 0).having(clicks == 0)
    return [QueryRow(q, int(n), int(p), float(r or 0), int(c))
            for q, n, p, r, c in db.session.execute(stmt.limit(limit))]  # fmt: skip


def top_queries(span: Period, min_count: int, limit: int = 20) -> list[QueryRow]:
    """Return the most searched queries of the period, with their previous-period counts."""
    return _query_panel(span, min_count, limit)


def zero_result_queries(span: Period, min_count: int, limit: int = 20) -> list[QueryRow]:
    """Return the queries searched at least min_count times without any result."""
    return _query_panel(span, min_count, limit, zero_only=True)


def unclicked_queries(span: Period, min_count: int, limit: int = 20) -> list[QueryRow]:
    """Return the queries that found results but whose searches led to no click."""
    return _query_panel(span, min_count, limit, unclicked=True)


def overview(span: Period) -> Overview:
    """Return the period's totals: searches, zero-result searches, clicked, mean first rank."""
    clicked = _clicked_keys(span.start).subquery()
    searches, zero, with_click = db.session.execute(
        select(func.count(), func.sum(case((SearchLog.result_count == 0, 1), else_=0)),
               func.count(clicked.c.key))
        .outerjoin(clicked, clicked.c.key == SearchLog.search_key)
        .where(SearchLog.created_at >= span.start, SearchLog.created_at < span.end)
    ).one()  # fmt: skip
    first = (
        select(func.min(SearchClick.rank).label("rank"))
        .where(SearchClick.created_at >= span.start, SearchClick.created_at < span.end)
        .group_by(SearchClick.search_key)
        .subquery()
    )
    mean_rank = db.session.scalar(select(func.avg(first.c.rank)))
    return Overview(int(searches or 0), int(zero or 0), int(with_click or 0),
                    float(mean_rank) if mean_rank is not None else None)  # fmt: skip


def record_click(search_key: str, article_id: int, rank: int) -> None:
    """Store one click (the caller commits); a repeated click on the same result counts once."""
    exists = db.session.scalar(
        select(SearchClick.id).where(SearchClick.search_key == search_key,
                                     SearchClick.article_id == article_id).limit(1)
    )  # fmt: skip
    if exists is None:
        db.session.add(SearchClick(search_key=search_key, article_id=article_id, rank=rank))


def click_token(search_key: str, article_id: int, rank: int) -> str:
    """Return the signed token of one result link (which search, which article, which rank)."""
    return _click_signer().dumps([search_key, article_id, rank])


def read_click_token(token: str) -> tuple[str, int, int] | None:
    """Return (search key, article id, rank) from a token, or None when it is not ours."""
    try:
        key, article_id, rank = _click_signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(key, str) and isinstance(article_id, int) and isinstance(rank, int)):
        return None
    return key[:32], article_id, rank


def _click_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kb-search-click")
