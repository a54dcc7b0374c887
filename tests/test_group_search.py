"""Search inside groups: members find their groups' posts; nobody else ever sees them.

Each group's post holds a unique marker word. The tests look for it in every public surface
(search page, feeds, the API, suggestions, open data, digests) as every kind of visitor, and in
the "In mijn groepen" tab as people outside the group; only members (and editors and admins,
who may read every group by the access rule) find it there, and only there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import follows, groups, search
from kb.models import User, db, utcnow
from tests.support.accounts import login, make_user
from tests.support.app import build_app, load_content
from tests.support.group_world import (
    GROUP_CONFIG,
    SHARED_WORD,
    World,
    add_member,
    make_group,
    make_world,
    set_member,
    start_topic,
)
from tests.support.mail import Mailbox, mail_config

MARKER = "zwoelkrabbel"  # + the group's visibility: "zwoelkrabbelclosed" is in the closed group
CLOSED = f"{MARKER}closed"
# Searched for a word the posts share: the marker must not come along.
PUBLIC_SURFACES = [
    "/",
    f"/zoeken?q={SHARED_WORD}",
    f"/zoeken/feed?q={SHARED_WORD}",
    f"/zoeken/feed?q={SHARED_WORD}&in=groepen",
    f"/api/v1/search?q={SHARED_WORD}",
    f"/api/v1/search?q={SHARED_WORD}&in=groepen",
    f"/api/v1/suggest?q={SHARED_WORD[:5]}",
    f"/api/v1/suggest?q={MARKER[:5]}",
    f"/api/v1/articles?q={SHARED_WORD}",
    "/feed",
    "/artikelen.json",
    "/artikelen.csv",
    "/sitemap.xml",
]


@pytest.fixture
def app(tmp_path: Path, content_dir: Path, mailbox: Mailbox) -> Flask:
    application = build_app(tmp_path, content_dir, **GROUP_CONFIG, **mail_config(mailbox))
    load_content(application)
    return application


@pytest.fixture
def world(app: Flask) -> World:
    return make_world(app, MARKER)


def _client(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        assert login(client, user.email).status_code == 302
    return client


def _body(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    return response.get_data(as_text=True).lower()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "facilitator", "editor"])
def test_group_posts_never_reach_a_public_surface(app: Flask, world: World, who: str) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    client = _client(app, user)
    for url in PUBLIC_SURFACES:
        assert MARKER not in _body(client, url), url
    # Searched for the marker itself (which the pages echo): nothing found, nothing suggested.
    for q in (CLOSED, SHARED_WORD):
        found = client.get(f"/api/v1/search?q={q}&in=groepen").get_json()
        assert (
            found["total"] == 0
            and found["results"] == []
            and not any(found["facets"][name] for name in found["facets"])
        ), q
        assert client.get(f"/api/v1/suggest?q={q}").get_json()["suggestions"] == []
        assert "<entry" not in _body(client, f"/zoeken/feed?q={q}")
        assert 'class="result-count"' not in _body(client, f"/zoeken?q={q}")


def test_group_posts_never_enter_the_public_index(app: Flask, world: World) -> None:
    with app.app_context():
        assert search.search(CLOSED).total == 0
        assert search.complete_titles(CLOSED[:6], limit=10) == []
        assert search.known_terms(CLOSED, limit=10) == []


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outsiders_find_nothing_in_my_groups(app: Flask, world: World, who: str) -> None:
    client = _client(app, None if who == "anonymous" else world.outsider)
    response = client.get(f"/zoeken?in=groepen&q={MARKER}closed")
    if who == "anonymous":
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Geen berichten" in page
    words = client.get(f"/zoeken?in=groepen&q={SHARED_WORD}").get_data(as_text=True).lower()
    assert MARKER not in words and "<mark>" not in words


def test_a_member_finds_posts_of_their_groups_with_escaped_snippets(
    app: Flask, world: World
) -> None:
    start_topic(app, world.group_ids["closed"], world.facilitator, "Veilig",
                f"<script>alert(1)</script> over {CLOSED} en <b>vet</b>")  # fmt: skip
    page = _client(app, world.member).get(f"/zoeken?in=groepen&q={CLOSED}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 berichten" in text
    assert f"<mark>{CLOSED}</mark>" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "Groep closed" in text


def test_a_removed_member_finds_nothing_any_more(app: Flask, world: World) -> None:
    set_member(app, world.group_ids["closed"], world.member, state="removed")
    page = _client(app, world.member).get(f"/zoeken?in=groepen&q={CLOSED}")
    assert "Geen berichten" in page.get_data(as_text=True)
    assert f"<mark>{CLOSED}</mark>" not in page.get_data(as_text=True)


def test_the_group_search_uses_the_dutch_analysis_and_exclusions(app: Flask, world: World) -> None:
    group_id = world.group_ids["closed"]
    start_topic(app, group_id, world.facilitator, "Arrangementen",
                "Het onderwijszorgarrangement in de wijk loopt.")  # fmt: skip
    start_topic(app, group_id, world.facilitator, "Anders", "Een zorgarrangement zonder wijk.")
    with app.test_request_context("/"):
        member = db.session.get(User, world.member.id)
        both = groups.search_posts(member, "zorgarrangementen")
        assert both.total == 2
        assert groups.search_posts(member, "zorgarrangement -onderwijs").total == 1
        assert groups.search_posts(member, "onderwijs zorgarrangement").total == 1
        assert groups.search_posts(member, "100%_").total == 0  # LIKE wildcards are literal
        assert groups.search_posts(member, "").total == 0


def test_the_search_counts_only_groups_the_user_may_read(app: Flask, world: World) -> None:
    with app.test_request_context("/"):
        outsider = db.session.get(User, world.outsider.id)
        member = db.session.get(User, world.member.id)
        editor = db.session.get(User, world.editor.id)
        assert groups.search_posts(outsider, MARKER).total == 0
        assert groups.search_posts(None, CLOSED).total == 0
        assert groups.search_posts(member, CLOSED).total == 1
        assert groups.search_posts(editor, CLOSED).total == 1  # editors may read every group
        # the marker words are whole terms: a prefix of them finds nothing
        assert groups.search_posts(member, MARKER).total == 0


def test_a_saved_search_digest_never_carries_group_posts(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    with app.app_context():
        for user in (world.member, world.outsider):
            follows.follow(db.session.get(User, user.id), "search", f"q={CLOSED}", "daily",
                           "Mijn markering")  # fmt: skip
    with app.app_context():
        follows.send_digests(now=utcnow().replace(year=utcnow().year + 1))
    for message in mailbox.messages:
        if "X-Envelope-To" in message and "lid@groep.test" in message["X-Envelope-To"]:
            continue  # the member's own group mail (notify "each") may carry it
        assert MARKER not in message.as_string().lower()


def test_the_tab_is_offered_to_logged_in_members_only(app: Flask, world: World) -> None:
    anonymous = app.test_client().get("/zoeken?q=school").get_data(as_text=True)
    assert "In mijn groepen" not in anonymous
    member = _client(app, world.member).get("/zoeken?q=school").get_data(as_text=True)
    assert "In mijn groepen" in member and "in=groepen" in member


@pytest.mark.postgres
def test_group_search_runs_on_postgresql(tmp_path: Path, content_dir: Path,
                                         postgres_url: str) -> None:  # fmt: skip
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url, **GROUP_CONFIG)
    load_content(app)
    bea = make_user(app, email_address="bea@pg.test", name="Bea")
    lid = make_user(app, email_address="lid@pg.test", name="Lid")
    other = make_user(app, email_address="ander@pg.test")
    group_id = make_group(app, "closed", bea)
    add_member(app, group_id, lid, notify="none")
    start_topic(app, group_id, bea, "Postgres", f"Over {CLOSED} en 100% zeker.")
    with app.test_request_context("/"):
        member = db.session.get(User, lid.id)
        assert groups.search_posts(member, CLOSED).total == 1
        assert groups.search_posts(member, f"{CLOSED} -zeker").total == 0
        assert groups.search_posts(member, "100%").total == 1
        assert groups.search_posts(db.session.get(User, other.id), CLOSED).total == 0
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the server goes away
