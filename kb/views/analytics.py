"""Zoekanalyse for editors (/redactie/zoekanalyse): top, zero-result and unclicked queries."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request

from kb import analytics
from kb.accounts import require_role

bp = Blueprint("analytics", __name__, url_prefix="/redactie/zoekanalyse")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/")
def overview():
    """Show the period's searches: totals, top queries, zero results and no clicks."""
    name = request.args.get("periode", "week")
    span = analytics.period(name, _date("van"), _date("tot"))
    minimum = int(current_app.config["SEARCH_ANALYTICS_MIN_COUNT"])
    return render_template(
        "analytics/overview.html",
        span=span,
        period_name=name if name in ("week", "maand", "aangepast") else "week",
        periods=analytics.PERIODS,
        minimum=minimum,
        totals=analytics.overview(span),
        top=analytics.top_queries(span, minimum),
        zero=analytics.zero_result_queries(span, minimum),
        unclicked=analytics.unclicked_queries(span, minimum),
        start=request.args.get("van", ""),
        end=request.args.get("tot", ""),
    )
