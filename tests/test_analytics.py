"""Zoekanalyse: anonymous panels with a threshold, clicks without JavaScript, editors only."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from kb import analytics
from kb.models import Article, SearchClick, SearchLog, db, utcnow
from tests.support.accounts import login, make_user


def _log(app: Flask, query: str, results: int, times: int = 1, days_ago: float = 0,
         clicks: list[int] | None = None) -> None:  # fmt: skip
    """Add searches (and clicks at the given ranks on the first of them)."""
    with app.app_context():
        article_id = db.session.scalar(db.select(Article.id))
        for n in range(times):
            key = secrets.token_hex(16)
            db.session.add(
                SearchLog(
                    query=query,
                    normalised=analytics.normalise(query),
                    result_count=results,
                    search_key=key,
                    created_at=utcnow() - timedelta(days=days_ago),
                )
            )
            for rank in (clicks or []) if n == 0 else []:
                db.session.add(
                    SearchClick(
                        search_key=key,
                        article_id=article_id,
                        rank=rank,
                        created_at=utcnow() - timedelta(days=days_ago),
                    )
                )
        db.session.commit()


def _editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    return client


def test_a_query_seen_twice_is_not_shown_three_times_is(app: Flask) -> None:
    _log(app, "Jan Jansen", 0, times=2)  # a name typed twice must never appear
    _log(app, "zorgadviesteam", 0, times=3)
    with app.app_context():
        rows = analytics.zero_result_queries(analytics.period("week"), 3)
    assert [r.query for r in rows] == ["zorgadviesteam"]


def test_queries_are_grouped_in_their_normal_form(app: Flask) -> None:
    _log(app, "Thuiszitters ", 4, times=2)
    _log(app, "thuiszitters?", 4, times=1)
    with app.app_context():
        rows = analytics.top_queries(analytics.period("week"), 3)
    assert [(r.query, r.searches) for r in rows] == [("thuiszitters", 3)]


def test_panels_separate_zero_results_no_clicks_and_trends(app: Flask) -> None:
    _log(app, "oogo", 5, times=4, clicks=[2])
    _log(app, "oogo", 5, times=1, days_ago=10)  # the week before
    _log(app, "passend onderwijs", 9, times=3)
    _log(app, "xyz", 0, times=3)
    with app.app_context():
        week = analytics.period("week")
        top = {r.query: r for r in analytics.top_queries(week, 3)}
        zero = [r.query for r in analytics.zero_result_queries(week, 3)]
        unclicked = [r.query for r in analytics.unclicked_queries(week, 3)]
        totals = analytics.overview(week)
    assert top["oogo"].searches == 4 and top["oogo"].previous == 1 and top["oogo"].trend == 3
    assert top["oogo"].clicked == 1 and top["oogo"].click_rate == 0.25
    assert zero == ["xyz"]
    assert unclicked == ["passend onderwijs"]
    assert (totals.searches, totals.zero, totals.clicked) == (10, 3, 1)
    assert totals.mean_first_rank == 2


def test_a_result_link_counts_a_click_without_javascript(client: FlaskClient, app: Flask) -> None:
    with app.test_request_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oogo-test"))
        token = analytics.click_token("k" * 32, article.id, 3)
    response = client.get(f"/zoeken/resultaat/{token}")
    assert response.status_code == 303 and response.location.endswith("/artikel/oogo-test")
    client.get(f"/zoeken/resultaat/{token}")  # the same click again counts once
    with app.app_context():
        clicks = db.session.scalars(db.select(SearchClick)).all()
        assert [(c.search_key, c.rank) for c in clicks] == [("k" * 32, 3)]


def test_a_result_link_from_a_page_served_before_the_plain_tokens_still_counts(
    client: FlaskClient, app: Flask
) -> None:
    with app.test_request_context():
        article_id = db.session.scalar(db.select(Article.id).where(Article.slug == "oogo-test"))
        secret = app.config["SECRET_KEY"]
        token = URLSafeSerializer(secret, salt="kb-search-click").dumps(["j" * 32, article_id, 2])
    response = client.get(f"/zoeken/resultaat/{token}")
    assert response.status_code == 303 and response.location.endswith("/artikel/oogo-test")
    with app.app_context():
        clicks = db.session.scalars(db.select(SearchClick)).all()
        assert [(c.search_key, c.rank) for c in clicks] == [("j" * 32, 2)]


def test_a_beacon_counts_a_click_and_forged_tokens_do_nothing(
    client: FlaskClient, app: Flask
) -> None:
    with app.test_request_context():
        article_id = db.session.scalar(db.select(Article.id))
        token = analytics.click_token("b" * 32, article_id, 1)
    assert client.post("/zoeken/klik", data={"t": token}).status_code == 204
    assert client.post("/zoeken/klik", data={"t": token + "x"}).status_code == 204
    assert client.get("/zoeken/resultaat/vervalst").status_code == 404
    with app.app_context():
        assert db.session.query(SearchClick).count() == 1


def test_the_page_is_for_editors_only(app: Flask) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/redactie/zoekanalyse/").status_code == 302
    member = app.test_client()
    login(member, make_user(app).email)
    assert member.get("/redactie/zoekanalyse/").status_code == 403
    _log(app, "zorgadviesteam", 0, times=3)
    page = _editor(app).get("/redactie/zoekanalyse/?periode=maand")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "zorgadviesteam" in html and "Afgelopen maand" in html


def test_a_custom_period_counts_only_its_days(app: Flask) -> None:
    _log(app, "oud", 0, times=3, days_ago=20)
    with app.app_context():
        today = utcnow().date()
        recent = analytics.period("aangepast", today - timedelta(days=5), today)
        old = analytics.period("aangepast", today - timedelta(days=25), today - timedelta(days=15))
        assert analytics.zero_result_queries(recent, 3) == []
        assert [r.query for r in analytics.zero_result_queries(old, 3)] == ["oud"]


def test_the_search_page_logs_a_key_and_links_results_through_it(
    client: FlaskClient, app: Flask
) -> None:
    import re

    from kb import search

    html = client.get("/zoeken?q=OOGO").get_data(as_text=True)
    search.flush_search_log()
    with app.app_context():
        row = db.session.scalar(db.select(SearchLog))
        assert row.normalised == "oogo" and row.search_key
    links = re.findall(r'href="(/zoeken/resultaat/[^"]+)" data-kb-direct="/artikel/([^"]+)"', html)
    assert links
    target = client.get(links[0][0])
    assert target.status_code == 303 and target.location.endswith(f"/artikel/{links[0][1]}")
    with app.app_context():
        click = db.session.scalar(db.select(SearchClick))
        assert (click.search_key, click.rank) == (row.search_key, 1)
