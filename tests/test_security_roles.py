"""Every /redactie and /beheer route × every role, with the expected status; plus CSRF and headers.

The app and its users are built once for the module; state-changing routes are posted with a
valid CSRF token, so what is tested is the role check alone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from kb import agenda, calls, collections, groups, taxonomy
from kb.models import Article, ArticleRevision, Attachment, Submission, User, db
from kb.publishing import edit_article
from tests.support.accounts import PDF_BYTES, csrf, login, make_user, submit, valid_submission
from tests.support.app import make_app

ROLES = ("anonymous", "member", "editor", "admin")
OK = {200, 303}
# (method, path template, lowest role allowed)
ROUTES = [
    ("GET", "/redactie/", "editor"),
    ("GET", "/redactie/?status=gepubliceerd", "editor"),
    ("GET", "/redactie/inzending/{submission}", "editor"),
    ("POST", "/redactie/inzending/{submission}", "editor"),
    ("GET", "/redactie/bijlage/{attachment}", "editor"),
    ("POST", "/redactie/inzending/{submission}/terugsturen", "editor"),
    ("POST", "/redactie/inzending/{submission}/afwijzen", "editor"),
    ("POST", "/redactie/inzending/{submission}/publiceren", "editor"),
    ("GET", "/redactie/inzending/{submission}/publiceren", "editor"),
    ("GET", "/redactie/inzending/{submission}/versies", "editor"),
    ("GET", "/redactie/inzending/{submission}/versies?van=1&naar=1", "editor"),
    ("POST", "/redactie/inzending/{submission}/toewijzen", "editor"),
    ("POST", "/redactie/inzending/{submission}/notities", "editor"),
    ("POST", "/redactie/inzending/{submission}/bijlagen", "editor"),
    ("GET", "/redactie/mijn-werk", "editor"),
    ("GET", "/redactie/artikelen/", "editor"),
    ("GET", "/redactie/artikelen/{slug}", "editor"),
    ("POST", "/redactie/artikelen/{slug}", "editor"),
    ("GET", "/redactie/artikelen/{slug}/versies", "editor"),
    ("GET", "/redactie/artikelen/{slug}/versies/{revision}", "editor"),
    ("GET", "/redactie/artikelen/{slug}/versies/vergelijk", "editor"),
    ("POST", "/redactie/artikelen/{slug}/versies/{revision}/herstellen", "editor"),
    ("POST", "/redactie/artikelen/{slug}/status", "editor"),
    ("GET", "/redactie/zoekanalyse/", "editor"),
    ("GET", "/redactie/zoekanalyse/?periode=aangepast&van=2026-01-01&tot=2026-12-31", "editor"),
    ("GET", "/redactie/controle/", "editor"),
    ("POST", "/redactie/controle/{article}", "editor"),
    ("GET", "/redactie/oproepen/", "editor"),
    ("GET", "/redactie/oproepen/nieuw", "editor"),
    ("GET", "/redactie/oproepen/{call}", "editor"),
    ("GET", "/redactie/leeslijsten/", "editor"),
    ("GET", "/redactie/leeslijsten/{collection}", "editor"),
    ("POST", "/redactie/leeslijsten/{collection}/items/{item}/omlaag", "editor"),
    ("POST", "/redactie/leeslijsten/{collection}/items/{item}/notitie", "editor"),
    ("GET", "/redactie/taxonomie/", "editor"),
    ("GET", "/redactie/taxonomie/{segment}/nieuw", "editor"),
    ("GET", "/redactie/taxonomie/{segment}/{theme}", "editor"),
    ("GET", "/redactie/taxonomie/advies/1", "editor"),
    ("GET", "/redactie/taxonomie/regio/almere", "editor"),
    ("POST", "/redactie/taxonomie/sector/vavo/uitfaseren", "editor"),
    ("GET", "/redactie/taxonomie/synoniemen", "editor"),
    ("GET", "/redactie/taxonomie/synoniemen/nieuw?term=oogo", "editor"),
    ("GET", "/redactie/taxonomie/synoniemen/{synonym}", "editor"),
    ("GET", "/redactie/taxonomie/synoniemen/voorbeeld?termen=a%0Ab", "editor"),
    ("GET", "/redactie/taxonomie/geschiedenis", "editor"),
    ("POST", "/redactie/taxonomie/geschiedenis/{change}/ongedaan", "editor"),
    ("GET", "/redactie/nieuws", "editor"),
    ("GET", "/redactie/nieuws/nieuw", "editor"),
    ("GET", "/redactie/nieuws/{news}", "editor"),
    ("GET", "/redactie/bijeenkomsten", "editor"),
    ("GET", "/redactie/bijeenkomsten/nieuw", "editor"),
    ("GET", "/redactie/bijeenkomsten/{event}", "editor"),
    ("GET", "/redactie/groepen/", "editor"),
    ("GET", "/redactie/groepen/{group}/bewerken", "editor"),
    ("POST", "/redactie/groepen/cop-groepen", "editor"),
    ("GET", "/beheer/", "admin"),
    ("POST", "/beheer/gebruiker/{target}/rol", "admin"),
    ("POST", "/beheer/gebruiker/{target}/blokkeren", "admin"),
]
RANK = {"anonymous": 0, "member": 1, "editor": 2, "admin": 3}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One app with a submission, an attachment, an article revision and a user per role."""
    app = make_app(tmp_path_factory.mktemp("roles"))
    submit(app.test_client(), valid_submission(), files=[(PDF_BYTES, "a.pdf")])
    users = {role: make_user(app, role=role) for role in ("member", "editor", "admin")}
    target = make_user(app, role="member", email_address="doelwit@example.nl")
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        editor = db.session.get(User, users["editor"].id)
        state = {"title": article.title + " (bewerkt)", "body_md": article.body_md,
                 "summary": article.summary, "kind": article.kind.slug,
                 "themes": [t.slug for t in article.themes]}  # fmt: skip
        edit_article(article, state, editor)
        start = datetime(2030, 5, 1, 13, 0)
        event = agenda.save_event(None, {"title": "Bijeenkomst", "starts_at": start,
                                         "ends_at": start + timedelta(hours=2),
                                         "location": "Utrecht"})  # fmt: skip
        news = agenda.save_news(None, {"title": "Nieuws"})
        call = calls.save_call(None, {"title": "Oproep", "published": True})
        collection = collections.save_collection(None, {"title": "Lijst"})
        item = collections.add_item(collection, "oogo-test")
        synonyms = taxonomy.save_synonyms(None, ["rolcontrole", "rollencheck"], editor)
        change = taxonomy.entries()[0]
        group = groups.create_group("Groep", "", "free", "closed", None)
        ids = {
            "event": event.id,
            "news": news.id,
            "call": call.id,
            "collection": collection.slug,
            "item": item.id,
            "article": article.id,
            "submission": db.session.scalar(select(Submission.id)),
            "attachment": db.session.scalar(select(Attachment.id)),
            "revision": db.session.scalar(select(ArticleRevision.id)),
            "slug": "oogo-test",
            "segment": "thema",
            "theme": "monitoring",
            "synonym": synonyms.id,
            "change": change.id,
            "target": target.id,
            "group": group.slug,
        }
    return {"app": app, "users": users, "ids": ids}


def _client(world: dict, role: str) -> FlaskClient:
    client = world["app"].test_client()
    if role != "anonymous":
        login(client, world["users"][role].email)
    return client


def _form(path: str) -> dict[str, str]:
    if path.endswith("/rol"):
        return {"role": "member"}
    if path.endswith("/blokkeren"):
        return {"blokkeren": "0"}
    if path.endswith("/terugsturen"):
        return {"vraag-message": "Een vraag"}
    if path.endswith("/afwijzen"):
        return {"reden-message": "Een reden"}
    if path.endswith("/status"):
        return {"status": "published"}
    if path.endswith("/notitie"):
        return {"note": "Waarom lezen"}
    if path.endswith("/notities"):
        return {"notitie-body": "Een notitie voor de redactie"}
    return {}


def _pattern(path: str) -> str:
    """A route's shape: variable parts (ids, slugs, query strings) as <>."""
    path = path.split("?", 1)[0]
    return re.sub(r"\{[^}]+\}|<[^>]+>", "<>", path)


def test_every_editor_and_admin_page_is_in_the_matrix(world: dict) -> None:
    covered = {_pattern(template) for method, template, _ in ROUTES if method == "GET"}
    pages = {
        _pattern(rule.rule)
        for rule in world["app"].url_map.iter_rules()
        if rule.rule.startswith(("/redactie", "/beheer")) and "GET" in rule.methods
    }
    assert pages <= covered, sorted(pages - covered)


def test_every_editor_and_admin_blueprint_is_guarded_as_a_whole(world: dict) -> None:
    app = world["app"]
    prefixed = {
        name
        for name, bp in app.blueprints.items()
        if (bp.url_prefix or "").startswith(("/redactie", "/beheer"))
    }
    assert prefixed and all(app.before_request_funcs.get(name) for name in prefixed)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "minimum"), ROUTES)
def test_route_role_matrix(world: dict, method: str, template: str, minimum: str, role: str):
    path = template.format(**world["ids"])
    client = _client(world, role)
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf(client), **_form(path)})
    response.close()
    if role == "anonymous":
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/inloggen" and not location.netloc
        assert parse_qs(location.query)["next"] == [path]
    elif RANK[role] < RANK[minimum]:
        assert response.status_code == 403
    else:
        assert response.status_code in OK


@pytest.mark.parametrize(("method", "template", "minimum"), [r for r in ROUTES if r[0] == "POST"])
def test_state_changes_need_csrf_even_for_admins(world: dict, method: str, template: str, minimum):
    client = _client(world, "admin")
    response = client.post(template.format(**world["ids"]), data=_form(template))
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)


def test_admin_cannot_block_or_demote_themself(world: dict) -> None:
    client = _client(world, "admin")
    me = world["users"]["admin"].id
    client.post(f"/beheer/gebruiker/{me}/rol", data={"csrf_token": csrf(client), "role": "member"})
    client.post(f"/beheer/gebruiker/{me}/blokkeren",
                data={"csrf_token": csrf(client), "blokkeren": "1"})  # fmt: skip
    assert client.get("/beheer/").status_code == 200


def test_admin_changes_a_role_and_blocks_an_account(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    admin = make_user(app, role="admin")
    member = make_user(app, role="member")
    member_client = app.test_client()
    login(member_client, member.email)
    assert member_client.get("/redactie/").status_code == 403
    client = app.test_client()
    login(client, admin.email)
    url = f"/beheer/gebruiker/{member.id}"
    client.post(f"{url}/rol", data={"csrf_token": csrf(client), "role": "editor"})
    assert member_client.get("/redactie/").status_code == 200
    client.post(f"{url}/blokkeren", data={"csrf_token": csrf(client), "blokkeren": "1"})
    assert member_client.get("/redactie/").status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).is_blocked


PAGES = ["/inloggen", "/registreren", "/wachtwoord-vergeten", "/voorbeeld-indienen", "/uitloggen"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_the_security_headers_and_no_inline_script_or_style(
    world: dict, path: str
) -> None:
    response = world["app"].test_client().get(path)
    headers = response.headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]
    html = response.get_data(as_text=True)
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_editor_pages_have_no_inline_script_or_style(world: dict) -> None:
    client = _client(world, "admin")
    ids = world["ids"]
    article = f"/redactie/artikelen/{ids['slug']}"
    paths = [
        "/redactie/",
        f"/redactie/inzending/{ids['submission']}",
        "/redactie/artikelen/",
        article,
        f"{article}/versies",
        f"{article}/versies/{ids['revision']}",
        "/beheer/",
    ]
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert " style=" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
