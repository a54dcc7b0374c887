"""The redactie dashboard: counts from grouped queries, the same whatever the number of rows."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, render_template_string
from sqlalchemy import event

from kb import calls, dashboard
from kb.models import SearchLog, Submission, db, utcnow

STATUS_LABELS = {"submitted": "ingediend", "returned": "teruggestuurd"}


def _submission(status: str, days_ago: int) -> Submission:
    return Submission(token_hash=secrets.token_hex(32), status=status, title="Voorbeeld",
                      created_at=utcnow() - timedelta(days=days_ago))  # fmt: skip


def test_the_queue_is_counted_by_state_and_age(app: Flask) -> None:
    with app.app_context():
        db.session.add_all([_submission("submitted", 1), _submission("submitted", 10),
                            _submission("submitted", 40), _submission("returned", 2),
                            _submission("published", 1)])  # fmt: skip
        db.session.commit()
        rows = {r.status: r for r in dashboard.queue_by_age()}
    assert rows["submitted"].by_age == [1, 1, 1] and rows["submitted"].total == 3
    assert rows["returned"].by_age == [1, 0, 0]
    assert "published" not in rows


def _statements(app: Flask, rows: int) -> int:
    with app.app_context():
        db.session.add_all([SearchLog(query="zorgadviesteam", normalised="zorgadviesteam",
                                      result_count=0, search_key=secrets.token_hex(16))
                            for _ in range(rows)])  # fmt: skip
        db.session.add_all([_submission("submitted", n % 50) for n in range(rows)])
        calls.save_call(None, {"title": f"Oproep {rows}", "published": True})
        db.session.commit()
        dashboard.dashboard()  # warm the per-process caches, as a running worker has them
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            dash = dashboard.dashboard()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert dash.gaps and dash.gaps[0].query == "zorgadviesteam"
        return len(seen)


def test_the_panels_take_the_same_number_of_queries_for_10_or_200_rows(app: Flask) -> None:
    assert _statements(app, 10) == _statements(app, 200)


def test_the_panels_render(app: Flask) -> None:
    with app.test_request_context():
        html = render_template_string(
            '{% include "curation/_dashboard.html" %}',
            dash=dashboard.dashboard(),
            status_labels=STATUS_LABELS,
        )
    assert "In één oogopslag" in html and "Lege vakken in de matrix" in html


def test_the_redactie_landing_page_shows_the_dashboard_and_the_tools(app: Flask) -> None:
    from tests.support.accounts import login, make_user

    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    html = client.get("/redactie/").get_data(as_text=True)
    assert "In één oogopslag" in html and "Zoekanalyse" in html and "Leeslijsten" in html
