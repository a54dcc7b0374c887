"""Numbers no id can be, and bytes that are not UTF-8, get the Dutch 400/404 page, never a 500.

The routes come from app.url_map, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from kb import create_app
from kb.models import Article, Kind, Region, Theme, db
from tests.support.accounts import login, make_user
from tests.support.app import make_app, make_content_dir
from tests.support.server import start_server

HUGE = "99999999999999999999"  # above 64 bits
ABOVE_32_BITS = str(2**40)  # fits SQLite's 64-bit integers, not PostgreSQL's INTEGER
ERROR_PAGE = ("Ongeldig verzoek", "Pagina niet gevonden")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("bad-input"))


@pytest.fixture(scope="module")
def admin(app: Flask) -> FlaskClient:
    """An admin's client: every guarded route is reached, so its own parsing runs."""
    user = make_user(app, role="admin")
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _slugs(app: Flask) -> dict[str, str]:
    with app.app_context():
        first = {model: db.session.scalar(select(model.slug).limit(1))
                 for model in (Article, Kind, Region, Theme)}  # fmt: skip
    return {"soort": first[Kind], "regio": first[Region], "thema": first[Theme]} | {
        "": first[Article]
    }


def _rules(converter: str | None = None) -> list[Rule]:
    # An app only for its URL map, built at collection time: nothing touches its database.
    app = create_app({"SECRET_KEY": "url-map-only", "TESTING": True})
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    if converter is None:
        return rules
    return [r for r in rules if any(type(c).__name__ == converter
                                    for c in r._converters.values())]  # fmt: skip


def _url(rule: Rule, slugs: dict[str, str], number: str) -> str:
    path = rule.rule
    section = path.strip("/").split("/")[0]
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        value = number if kind == "BoundedIntConverter" else slugs.get(section, slugs[""])
        path = path.replace(f"<{'int:' if kind == 'BoundedIntConverter' else ''}{name}>", value)
    return path


INT_RULES = _rules("BoundedIntConverter")


def test_every_int_route_uses_the_bounded_converter() -> None:
    assert len(INT_RULES) >= 10
    assert not _rules("IntegerConverter")


@pytest.mark.parametrize("number", [HUGE, ABOVE_32_BITS])
@pytest.mark.parametrize("rule", INT_RULES, ids=lambda r: r.rule)
def test_ids_beyond_any_row_are_a_dutch_404(
    app: Flask, admin: FlaskClient, rule: Rule, number: str
) -> None:
    url = _url(rule, _slugs(app), number)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        response = admin.open(url, method=method)
        # 405 where a sibling rule takes another method: werkzeug answers that before the
        # converter's bound; it is the same Dutch error page.
        assert response.status_code in (400, 404, 405), (method, url, response.status_code)
        text = response.get_data(as_text=True)
        assert any(title in text for title in ERROR_PAGE) or response.is_json


GET_RULES = [r for r in _rules() if "GET" in r.methods]


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.rule)
def test_huge_page_numbers_in_the_query_are_never_a_500(
    app: Flask, admin: FlaskClient, rule: Rule
) -> None:
    url = _url(rule, _slugs(app), "1")
    response = admin.get(f"{url}?page={HUGE}&pagina={HUGE}&per_page={HUGE}&q=zorg")
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/articles?page={HUGE}",
        f"/api/v1/articles?per_page={HUGE}",
        f"/api/v1/search?q=zorg&page={HUGE}",
        f"/zoeken?q=zorg&pagina={HUGE}",
        f"/zoeken?q=zorg&page={'9' * 5000}",
    ],
    ids=lambda url: url[:40],
)
def test_the_page_helper_refuses_numbers_beyond_any_page(app: Flask, url: str) -> None:
    response = app.test_client().get(url)
    assert response.status_code == 400


def test_soort_page_with_a_huge_number_is_a_dutch_400(app: Flask) -> None:
    kind = _slugs(app)["soort"]
    response = app.test_client().get(f"/soort/{kind}?pagina={HUGE}")
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.get_data(as_text=True)


def test_ordinary_page_numbers_still_work(app: Flask) -> None:
    kind = _slugs(app)["soort"]
    assert app.test_client().get(f"/soort/{kind}?pagina=1").status_code == 200
    assert app.test_client().get("/api/v1/articles?page=2&per_page=1").get_json()["page"] == 2


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.rule)
def test_raw_non_utf8_query_bytes_are_a_dutch_400(
    app: Flask, admin: FlaskClient, rule: Rule
) -> None:
    url = _url(rule, _slugs(app), "1")
    # Sent raw, as a client that does not percent-encode would: the WSGI string carries the
    # bytes 0xFF 0xFE (latin-1 code points, as PEP 3333 passes them).
    response = admin.get(url, environ_overrides={"QUERY_STRING": "q=\xff\xfe"})
    assert response.status_code == 400, (url, response.status_code)
    if not url.startswith("/api/"):
        assert "Ongeldig verzoek" in response.get_data(as_text=True)


def test_raw_bytes_against_gunicorn_are_a_400(tmp_path: Path) -> None:
    """The same over a real socket: the bytes go out exactly as typed."""
    server = start_server(tmp_path, make_content_dir(tmp_path / "content"), workers=1)
    try:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"GET /zoeken?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
    finally:
        server.stop()
    assert reply.startswith(b"HTTP/1.1 400")
    assert b"Ongeldig verzoek" in reply
