"""50 members post at once in one topic, over real HTTP against gunicorn with several workers:
every post is stored once, in order, none lost; post_count and last activity stay exact."""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import groups
from kb.models import User, db
from tests.support.accounts import CSRF, PASSWORD, make_user
from tests.support.app import build_app, make_content_dir
from tests.support.server import LiveServer, start_server

MEMBERS = 50


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    content = make_content_dir(tmp_path / "content")
    live = start_server(tmp_path, content, workers=4, extra_env={
        "KB_GROUP_FIRST_POST_REVIEW_HOURS": "0",
    })  # fmt: skip
    try:
        yield live
    finally:
        live.stop()


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _page(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=60) as response:
        return response.read().decode()


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def _setup(server: LiveServer) -> tuple[str, int, list[User]]:
    """Members, a group and a topic, written straight into the server's database."""
    app = build_app(server.tmp, Path(server.env["KB_CONTENT_DIR"]),
                    **{k.removeprefix("KB_"): v for k, v in server.env.items()
                       if k in ("KB_DATABASE_URL", "KB_INDEX_DIR", "KB_UPLOAD_DIR")})  # fmt: skip
    guide = make_user(app, "editor", name="Begeleider")
    members = [make_user(app, name=f"Lid {n:02d}") for n in range(MEMBERS)]
    with app.app_context():
        group = groups.create_group("Drukke groep", "", "free", "closed",
                                    db.session.get(User, guide.id))  # fmt: skip
        for member in members:
            groups.add_member(group, db.session.get(User, member.id))
        topic = groups.start_topic(group, db.session.get(User, guide.id), "Iedereen tegelijk",
                                   "Reageer allemaal nu.", [])  # fmt: skip
        return group.slug, topic.id, members


def test_fifty_members_post_at_once_and_every_post_is_stored_once_in_order(
    server: LiveServer,
) -> None:
    slug, topic_id, members = _setup(server)
    topic_url = f"{server.url}/groepen/{slug}/onderwerp/{topic_id}"
    barrier = threading.Barrier(MEMBERS)
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            opener = _opener()
            login_page = _page(opener, server.url + "/inloggen")
            form = {"csrf_token": CSRF.search(login_page).group(1),
                    "email": members[n].email, "password": PASSWORD}  # fmt: skip
            opener.open(server.url + "/inloggen", urllib.parse.urlencode(form).encode(),
                        timeout=60).close()  # fmt: skip
            page = _page(opener, topic_url)
            data = {"csrf_token": _hidden(page, "csrf_token"),
                    "client_key": _hidden(page, "client_key"),
                    "body": f"Bericht van lid {n:02d}"}  # fmt: skip
            barrier.wait(timeout=120)  # everyone posts at the same moment
            request = urllib.request.Request(  # noqa: S310 (loopback test server)
                topic_url, data=urllib.parse.urlencode(data).encode()
            )
            with opener.open(request, timeout=120) as response:
                results[n] = response.status
        except urllib.error.HTTPError as exc:
            results[n] = exc.code
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(MEMBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert results == {n: 200 for n in range(MEMBERS)}  # 303 followed to the topic page

    database = server.env["KB_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        posts = connection.execute(
            "SELECT id, body, created_at FROM group_post WHERE topic_id = ? ORDER BY id",
            (topic_id,),
        ).fetchall()
        count, last = connection.execute(
            "SELECT post_count, last_activity_at FROM group_topic WHERE id = ?", (topic_id,)
        ).fetchone()
    connection.close()
    bodies = [body for _id, body, _at in posts[1:]]
    assert sorted(bodies) == [f"Bericht van lid {n:02d}" for n in range(MEMBERS)]  # each once
    assert count == len(posts) == MEMBERS + 1
    times = [at for _id, _body, at in posts]
    assert times == sorted(times)  # stored in order: ids and times agree
    assert last == times[-1]
