"""Oproepen: editors start a call from a search gap, regions answer it through the form."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from kb import calls
from kb.models import Call, Submission, db
from tests.support.accounts import csrf, login, make_user


def _editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    return client


def test_an_editor_starts_a_call_from_a_zero_result_query(app: Flask) -> None:
    editor = _editor(app)
    page = editor.get(
        "/redactie/oproepen/nieuw?zoekvraag=zorgadviesteam&advies=2&thema=kansengelijkheid"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Gezocht: voorbeelden over “zorgadviesteam”" in html
    url = "/redactie/oproepen/nieuw"
    response = editor.post(url, data={
        "csrf_token": csrf(editor, url), "title": "Voorbeelden van een zorg- en adviesteam",
        "text_md": "Wie werkt met een **ZAT**?", "advice_number": "2",
        "theme_slug": "kansengelijkheid", "region_slug": "", "closes_on": "",
        "from_query": "zorgadviesteam", "published": "y"})  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        call = db.session.scalar(db.select(Call))
        assert (call.advice_number, call.theme_slug, call.from_query) == (
            2,
            "kansengelijkheid",
            "zorgadviesteam",
        )
    visitor = app.test_client()
    assert "Voorbeelden van een zorg- en adviesteam" in visitor.get("/oproepen").get_data(
        as_text=True
    )
    detail = visitor.get(f"/oproepen/{call.id}").get_data(as_text=True)
    assert "<strong>ZAT</strong>" in detail
    link = next(
        part.split('"')[0]
        for part in detail.split('href="')[1:]
        if part.startswith("/voorbeeld-indienen?")
    )
    args = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert args == {"oproep": [str(call.id)], "advies": ["2"], "thema": ["kansengelijkheid"]}


def test_drafts_and_closed_calls_are_not_open(app: Flask) -> None:
    with app.app_context():
        draft = calls.save_call(None, {"title": "Concept", "published": False})
        closed = calls.save_call(
            None,
            {"title": "Gesloten", "published": True, "closes_on": date.today() - timedelta(days=1)},
        )
        running = calls.save_call(
            None, {"title": "Loopt", "published": True, "closes_on": date.today()}
        )
        assert [c.title for c in calls.open_calls()] == ["Loopt"]
        assert calls.call_for_submission(str(closed.id)) is None
        assert calls.call_for_submission(str(running.id)).id == running.id
        assert calls.call_for_submission("abc") is None
        ids = (draft.id, closed.id)
    client = app.test_client()
    assert client.get(f"/oproepen/{ids[0]}").status_code == 404  # a draft is not public
    assert "gesloten" in client.get(f"/oproepen/{ids[1]}").get_data(as_text=True)


def test_editors_see_per_call_what_came_in(app: Flask) -> None:
    with app.app_context():
        call = calls.save_call(None, {"title": "Thuiszitters", "published": True})
        for status in ("submitted", "submitted", "published"):
            db.session.add(
                Submission(
                    token_hash=f"{status}{db.session.query(Submission).count()}",
                    status=status,
                    title="Voorbeeld",
                    call_id=call.id,
                )
            )
        db.session.commit()
        assert calls.response_counts() == {call.id: {"submitted": 2, "published": 1}}
    html = _editor(app).get("/redactie/oproepen/").get_data(as_text=True)
    assert "Thuiszitters" in html and ">3<" in html and ">1<" in html


def test_only_editors_manage_calls(app: Flask) -> None:
    assert app.test_client().get("/redactie/oproepen/").status_code == 302
    member = app.test_client()
    login(member, make_user(app).email)
    assert member.get("/redactie/oproepen/").status_code == 403
    assert member.get("/redactie/oproepen/nieuw").status_code == 403


def test_the_form_opened_from_a_call_is_filled_in_and_the_submission_remembers_it(
    app: Flask,
) -> None:
    from tests.support.accounts import submit, valid_submission

    with app.app_context():
        call = calls.save_call(
            None,
            {
                "title": "Thuiszitters",
                "published": True,
                "advice_number": "2",
                "theme_slug": "kansengelijkheid",
            },
        )
        call_id = call.id
    client = app.test_client()
    page = client.get(f"/voorbeeld-indienen?oproep={call_id}&advies=2&thema=kansengelijkheid")
    html = page.get_data(as_text=True)
    assert f'name="call" type="hidden" value="{call_id}"' in html
    assert re.search(r'<input checked[^>]*name="themes"[^>]*value="kansengelijkheid"', html)
    assert re.search(r'<input checked[^>]*name="advice"[^>]*value="2"', html)
    response = submit(client, valid_submission(call=str(call_id)))
    assert response.status_code in (200, 302, 303)
    with app.app_context():
        stored = db.session.scalar(db.select(Submission))
        assert stored.call_id == call_id
        assert calls.response_counts() == {call_id: {"submitted": 1}}
