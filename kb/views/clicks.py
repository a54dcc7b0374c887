"""Clicks on search results, for Zoekanalyse: a signed redirect that works without JavaScript,
and a beacon where script runs. Neither stores anything about who clicked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from sqlalchemy.exc import OperationalError

from kb import analytics, csrf
from kb.models import Article, db

bp = Blueprint("clicks", __name__)
log = logging.getLogger(__name__)


def _record(token: str) -> Article | None:
    """Store the click of a token (dropped, not waited for, when the database is busy)."""
    data = analytics.read_click_token(token)
    if data is None:
        return None
    key, article_id, rank = data
    article = db.session.get(Article, article_id)
    if article is None or article.status != "published":
        return None
    try:
        analytics.record_click(key, article_id, rank)
        db.session.commit()
    except OperationalError:  # a click is a nicety; the visitor's way to the article is not
        db.session.rollback()
        log.warning("Klik niet opgeslagen (database bezet)")
    return article


@bp.get("/zoeken/resultaat/<token>")
def result(token: str):
    """Count a click on a result and go to the article (the target comes from the database)."""
    article = _record(token) or abort(404)
    return redirect(url_for("public.article", slug=article.slug), code=303)


@bp.post("/zoeken/klik")
@csrf.exempt  # navigator.sendBeacon cannot send a CSRF token; the signed token is the check
def beacon():
    """Count a click reported by the browser's beacon (where script runs); answer 204."""
    _record(request.form.get("t", "")[:500])
    return "", 204


@dataclass
class ResultLink:
    """A search result's signed link and its token (for the beacon)."""

    url: str
    token: str


def result_link(search_key: str, article: Any, rank: int) -> ResultLink:
    """Return the signed result link of an article at a rank in one search."""
    token = analytics.click_token(search_key, article.id, rank)
    return ResultLink(url_for("clicks.result", token=token), token)


@bp.app_context_processor
def _helpers() -> dict:
    return {"result_link": result_link}


