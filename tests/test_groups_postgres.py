"""The groups on PostgreSQL: the migration, the access rule, and parallel replies in one topic
(each in its own connection) counted exactly and stored in order under the topic's row lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade
from sqlalchemy import select

from kb import groups
from kb.models import User, db
from tests.support.accounts import make_user
from tests.support.app import build_app

pytestmark = pytest.mark.postgres
# Below the connection pool's 15 (5 + 10 overflow): every thread holds a connection at once.
REPLIES = 12


@pytest.fixture
def app(postgres_url: str, tmp_path: Path, content_dir: Path):
    application = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url,
                            GROUP_FIRST_POST_REVIEW_HOURS=0)  # fmt: skip
    yield application
    with application.app_context():
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the server goes away


def test_parallel_replies_on_postgresql(app: Flask) -> None:
    guide = make_user(app, "editor")
    members = [make_user(app, name=f"Lid {n}") for n in range(REPLIES)]
    outsider = make_user(app)
    with app.app_context():
        group = groups.create_group(
            "PG-groep", "", "free", "closed", db.session.get(User, guide.id)
        )
        for member in members:
            groups.add_member(group, db.session.get(User, member.id))
        topic = groups.start_topic(group, db.session.get(User, guide.id), "Tegelijk", "Start.", [])
        topic_id, group_id = topic.id, group.id
        assert groups.visible_group_ids(db.session.get(User, outsider.id)) == set()
        assert groups.visible_group_ids(db.session.get(User, members[0].id)) == {group_id}
    barrier = threading.Barrier(REPLIES)
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            with app.app_context():
                author = db.session.get(User, members[n].id)
                row = db.session.get(groups.Topic, topic_id)
                barrier.wait(timeout=30)
                groups.reply(row, author, f"Reactie {n:02d}", [])
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(REPLIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        posts = db.session.execute(
            select(groups.Post.body, groups.Post.created_at)
            .where(groups.Post.topic_id == topic_id)
            .order_by(groups.Post.id)
        ).all()
        topic = db.session.get(groups.Topic, topic_id)
        assert sorted(body for body, _at in posts[1:]) == [
            f"Reactie {n:02d}" for n in range(REPLIES)
        ]
        assert topic.post_count == len(posts) == REPLIES + 1
        times = [at for _body, at in posts]
        assert times == sorted(times) and topic.last_activity_at == times[-1]
