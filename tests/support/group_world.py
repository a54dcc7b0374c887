"""Groups for the mail, search and access tests: made through kb.groups, as the pages do."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from kb import groups
from kb.models import User, db
from tests.support.accounts import make_user

# A word in every world post besides its marker: searching it must not bring the marker along.
SHARED_WORD = "kwartelkoning"
# First posts of new members would wait for review; these tests are about what happens after.
GROUP_CONFIG = {"GROUP_FIRST_POST_REVIEW_HOURS": 0, "GROUP_POSTS_PER_WINDOW": 1000}


def user_row(user_id: int) -> User:
    """Return a user in the current session."""
    return db.session.get(User, user_id)


def make_group(app: Flask, visibility: str, creator: User, name: str | None = None) -> int:
    """Create a group with creator as its begeleider; return its id."""
    with app.app_context():
        group = groups.create_group(name or f"Groep {visibility}", "Over samenwerken.",
                                    "cop", visibility, user_row(creator.id))  # fmt: skip
        return group.id


def add_member(app: Flask, group_id: int, user: User, notify: str = "daily",
               role: str = "member") -> int:  # fmt: skip
    """Make user an active member with a mail choice; return the membership id."""
    with app.app_context():
        group = db.session.get(groups.Group, group_id)
        member = groups.add_member(group, user_row(user.id), role)
        member.notify = notify
        db.session.commit()
        return member.id


def set_member(app: Flask, group_id: int, user: User, **values: object) -> None:
    """Change a membership row directly (state, notify)."""
    with app.app_context():
        member = db.session.scalar(
            select(groups.GroupMember).where(
                groups.GroupMember.group_id == group_id, groups.GroupMember.user_id == user.id
            )
        )
        for name, value in values.items():
            setattr(member, name, value)
        db.session.commit()


def start_topic(app: Flask, group_id: int, author: User, title: str, body: str) -> tuple[int, int]:
    """Open a topic as author (mail goes out as after a real request); return (topic, post) ids."""
    with app.test_request_context("/"):
        group = db.session.get(groups.Group, group_id)
        topic = groups.start_topic(group, user_row(author.id), title, body, [])
        post_id = db.session.scalar(select(groups.Post.id).where(groups.Post.topic_id == topic.id))
        return topic.id, post_id


def reply(app: Flask, topic_id: int, author: User, body: str) -> int:
    """Reply in a topic as author; return the post id."""
    with app.test_request_context("/"):
        topic = db.session.get(groups.Topic, topic_id)
        return groups.reply(topic, user_row(author.id), body, []).id


@dataclass
class World:
    """One group of each visibility with a begeleider, a member and people outside it."""

    facilitator: User
    member: User
    outsider: User
    editor: User
    admin: User
    group_ids: dict[str, int] = field(default_factory=dict)
    topic_ids: dict[str, int] = field(default_factory=dict)
    post_ids: dict[str, int] = field(default_factory=dict)


def make_world(app: Flask, marker: str = "") -> World:
    """Build the three groups, each with a topic whose post holds marker + its visibility."""
    world = World(
        facilitator=make_user(app, email_address="begeleider@groep.test", name="Bea Begeleider"),
        member=make_user(app, email_address="lid@groep.test", name="Lars Lid"),
        outsider=make_user(app, email_address="buiten@groep.test", name="Bram Buiten"),
        editor=make_user(app, role="editor", email_address="redacteur@groep.test"),
        admin=make_user(app, role="admin", email_address="beheer@groep.test"),
    )
    for visibility in ("open", "request", "closed"):
        group_id = make_group(app, visibility, world.facilitator)
        add_member(app, group_id, world.member, notify="each")
        world.group_ids[visibility] = group_id
        word = f"{marker}{visibility}" if marker else "overleg"
        topic_id, post_id = start_topic(
            app,
            group_id,
            world.facilitator,
            f"Onderwerp {visibility}",
            f"Wij bespreken {word} met de {SHARED_WORD}.",
        )
        world.topic_ids[visibility], world.post_ids[visibility] = topic_id, post_id
    return world
