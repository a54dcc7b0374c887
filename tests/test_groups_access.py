"""The access matrix: role × group visibility × every group route, with 0 leaks.

Routes are collected from app.url_map (every endpoint of a groups blueprint), so a new route
without an entry in LEVELS fails `test_every_group_route_is_in_the_matrix`. Each group has a
topic whose post (and attachment) holds a marker word unique to that group; whoever may not
read the group never gets it in a body: not from a page, a refused form, an attachment, the
"In mijn groepen" search or an e-mail. Refused POSTs carry a valid CSRF token (so the access
check, not CSRF, is what refuses them) and change nothing.

The expected answer follows the one rule (kb.groups.access): anonymous visitors go to the login
page; a group they may not see listed (closed, not a member) answers 404 so it does not reveal
itself; a listed group whose content or action they may not have answers 403.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from kb import groups, submissions
from kb.models import User, db
from kb.views.group_moderation import POST_ACTIONS, TOPIC_ACTIONS
from kb.views.groups import MEMBER_ACTIONS
from tests.support.accounts import CSRF, PDF_BYTES, login
from tests.support.app import build_app, load_content, make_content_dir
from tests.support.group_world import GROUP_CONFIG, World, make_world
from tests.support.mail import Mailbox, mail_config, running_mailbox

MARKER = "vuurvlinder"  # the closed group's post says "vuurvlinderclosed", and so on
ROLES = ("anonymous", "outsider", "member", "facilitator", "editor", "admin")
VISIBILITIES = ("open", "request", "closed")
GROUP_BLUEPRINTS = ("groups", "group_topics", "group_moderation", "groups_admin", "group_mail")

# What each route needs. "login": any logged-in person; "author": the post's own author (the
# begeleider wrote it); "author+moderate": its author or a moderator; "staff": editors and
# admins (/redactie); "mail": active members only (editors read every group, but get its
# mail only as members); "token": an invitation link (not tied to the group in the URL).
LEVELS = {
    "groups.index": "login",
    "groups.group": "list",
    "groups.join": "list",
    "groups.leave": "list",
    "groups.members": "read",
    "groups.member_action": "moderate",
    "groups.invite": "invite",
    "groups.invitation": "token",
    "group_topics.new_topic": "post",
    "group_topics.topic": "read",
    "group_topics.edit": "author",
    "group_topics.history": "author+moderate",
    "group_topics.delete": "read",
    "group_topics.report": "report",
    "group_topics.attachment": "read",
    "group_moderation.overview": "moderate",
    "group_moderation.post_action": "moderate",
    "group_moderation.topic_action": "moderate",
    "group_moderation.draft": "moderate",
    "groups_admin.manage": "staff",
    "groups_admin.edit": "staff",
    "groups_admin.archive": "staff",
    "groups_admin.cop_groups": "staff",
    "group_mail.choose": "mail",
}
# The rule, written out (the oracle must not be the code it checks): per role and visibility,
# what the person may do. Outsiders see open and on-request groups listed; closed ones not.
_READER = {"list", "read", "post", "report"}
_MEMBER = _READER | {"mail"}
_FACILITATOR = _MEMBER | {"moderate", "invite", "author", "author+moderate"}
_STAFF = _READER | {"moderate", "invite", "manage", "staff", "author+moderate"}
CAN = {
    "outsider": {"open": {"list"}, "request": {"list"}, "closed": set()},
    "member": dict.fromkeys(VISIBILITIES, _MEMBER),
    "facilitator": dict.fromkeys(VISIBILITIES, _FACILITATOR),
    "editor": dict.fromkeys(VISIBILITIES, _STAFF),
    "admin": dict.fromkeys(VISIBILITIES, _STAFF),
}
# The endpoints whose answer for an allowed GET is the content itself (positive controls).
SHOWS_POST = {"group_topics.topic", "group_topics.attachment", "group_topics.history",
              "group_topics.edit"}  # fmt: skip


class Matrix:
    """The app, its groups and a logged-in client per role, built once for the module."""

    def __init__(self, app: Flask, world: World, mailbox: Mailbox) -> None:
        self.app, self.world, self.mailbox = app, world, mailbox
        self.clients: dict[str, FlaskClient] = {}
        self.attachments: dict[str, int] = {}
        self.member_ids: dict[str, int] = {}
        self.slugs: dict[str, str] = {}

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.app.test_client()
            if role != "anonymous":
                assert login(client, getattr(self.world, role).email).status_code == 302
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    tmp = tmp_path_factory.mktemp("access")
    with running_mailbox() as mailbox:
        app = build_app(tmp, make_content_dir(tmp / "content"), **GROUP_CONFIG,
                        **mail_config(mailbox))  # fmt: skip
        load_content(app)
        world = make_world(app, MARKER)
        built = Matrix(app, world, mailbox)
        with app.test_request_context("/"):
            author = db.session.get(User, world.facilitator.id)
            for visibility, group_id in world.group_ids.items():
                group = db.session.get(groups.Group, group_id)
                built.slugs[visibility] = group.slug
                pdf = PDF_BYTES.replace(b"%%EOF", f"% {MARKER}{visibility}\n%%EOF".encode())
                upload = FileStorage(io.BytesIO(pdf), f"verslag-{visibility}.pdf",
                                     content_type="application/pdf")  # fmt: skip
                checked, errors = submissions.check_files([upload])
                assert not errors, errors
                topic = db.session.get(groups.Topic, world.topic_ids[visibility])
                post = groups.reply(topic, author, f"Bijlage bij {MARKER}{visibility}", checked)
                built.attachments[visibility] = post.attachments[0].id
                built.member_ids[visibility] = db.session.scalar(
                    select(groups.GroupMember.id).where(
                        groups.GroupMember.group_id == group_id,
                        groups.GroupMember.user_id == world.member.id))  # fmt: skip
        yield built


def group_rules(app: Flask) -> list:
    """Return every URL rule of the groups' blueprints."""
    return [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in GROUP_BLUEPRINTS]


def test_every_group_route_is_in_the_matrix(matrix: Matrix) -> None:
    assert {r.endpoint for r in group_rules(matrix.app)} == set(LEVELS)


def _url(matrix: Matrix, rule, visibility: str) -> str:
    world = matrix.world
    values = {
        "slug": matrix.slugs[visibility],
        "topic_id": world.topic_ids[visibility],
        "post_id": world.post_ids[visibility],
        "attachment_id": matrix.attachments[visibility],
        "member_id": matrix.member_ids[visibility],
        "token": "geen-geldige-uitnodiging",
        "step": "archiveren",
        "action": {"groups.member_action": "verwijderen",
                   "group_moderation.post_action": "verbergen",
                   "group_moderation.topic_action": "sluiten"}.get(rule.endpoint, ""),
    }  # fmt: skip
    assert "verwijderen" in MEMBER_ACTIONS and "verbergen" in POST_ACTIONS
    assert "sluiten" in TOPIC_ACTIONS
    with matrix.app.test_request_context("/"):
        from flask import url_for

        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _allowed(role: str, level: str, visibility: str) -> bool:
    """Tell from the written rule (not from the code under test) whether role may do level."""
    if role == "anonymous":
        return False
    if level in ("login", "token"):
        return True
    return level in CAN[role][visibility]


def _state(matrix: Matrix) -> tuple:
    """What a refused POST must not change: posts, topics, members, reports, drafts."""
    with matrix.app.app_context():
        return (
            db.session.execute(select(groups.Post.id, groups.Post.hidden_at,
                                      groups.Post.deleted_at).order_by(groups.Post.id)).all(),
            db.session.execute(select(groups.Topic.id, groups.Topic.locked,
                                      groups.Topic.pinned).order_by(groups.Topic.id)).all(),
            db.session.execute(select(groups.GroupMember.id, groups.GroupMember.state,
                                      groups.GroupMember.role, groups.GroupMember.notify)
                               .order_by(groups.GroupMember.id)).all(),
            db.session.scalar(select(func.count(groups.PostReport.id))),
            db.session.execute(select(groups.Group.id, groups.Group.archived_at)).all(),
        )  # fmt: skip


def _token(client: FlaskClient) -> str:
    match = CSRF.search(client.get("/inloggen").get_data(as_text=True))
    if match is None:  # logged in: /inloggen sends on; any page with a form has a token
        match = CSRF.search(client.get("/groepen").get_data(as_text=True))
    assert match
    return match.group(1)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_role_by_visibility_by_route(matrix: Matrix, role: str, visibility: str) -> None:
    client = matrix.client(role)
    marker = f"{MARKER}{visibility}"
    before = _state(matrix)
    with matrix.app.test_request_context("/"):
        reader = _allowed(role, "read", visibility)
        listed = _allowed(role, "list", visibility)
        visited: set[str] = set()
        for rule in group_rules(matrix.app):
            level = LEVELS[rule.endpoint]
            url = _url(matrix, rule, visibility)
            allowed = _allowed(role, level, visibility)
            visited.add(rule.endpoint)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "POST" and allowed:
                    continue  # allowed actions are the groups' own tests; this is about refusal
                if method == "POST":
                    response = client.post(url, data={"csrf_token": _token(client),
                                                      "reason": f"Melding {marker}",
                                                      "note": "", "consent": "y",
                                                      "notify": "each"})  # fmt: skip
                else:
                    response = client.get(url)
                body = response.get_data()
                response.close()  # a served file stays open until the response is closed
                where = f"{role} {method} {url}"
                if not reader:
                    assert marker.encode() not in body, where
                if level == "token":
                    assert response.status_code in (302, 400, 404), where  # a bad link
                    continue
                if role == "anonymous":
                    assert response.status_code == 302, where
                    assert "/inloggen" in response.headers["Location"], where
                elif not allowed:
                    expected = 404 if not listed and level not in ("login", "staff") else 403
                    assert response.status_code == expected, where
                else:
                    assert response.status_code == 200, where
                    if rule.endpoint in SHOWS_POST:
                        assert marker.encode() in body, where  # the test can see a leak
        assert visited == set(LEVELS)
    assert _state(matrix) == before  # nothing refused changed anything


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_my_groups_search_by_role(matrix: Matrix, role: str, visibility: str) -> None:
    client = matrix.client(role)
    marker = f"{MARKER}{visibility}"
    response = client.get(f"/zoeken?in=groepen&q={marker}")
    reader = _allowed(role, "read", visibility)
    if role == "anonymous":
        assert response.status_code == 302
        return
    text = response.get_data(as_text=True)
    assert (f"<mark>{marker}</mark>" in text) is reader
    assert ("Geen berichten" in text) is not reader
    # The group list shows a closed group only to those who may see it listed.
    listing = client.get("/groepen").get_data(as_text=True)
    if visibility == "closed" and not reader:
        assert matrix.slugs["closed"] not in listing


def test_group_mail_reaches_members_only(matrix: Matrix) -> None:
    """Every mail that carries a group's marker went to someone who may read that group."""
    addresses = {w: set() for w in VISIBILITIES}
    world = matrix.world
    for visibility in VISIBILITIES:
        addresses[visibility] = {world.facilitator.email, world.member.email}
    assert matrix.mailbox.messages, "the world's posts mailed nobody: the check would be empty"
    for message in matrix.mailbox.messages:
        text = message.as_string()
        for visibility in VISIBILITIES:
            if f"{MARKER}{visibility}" in text:
                to = set(re.split(r",\s*", message["X-Envelope-To"]))
                assert to <= addresses[visibility], (visibility, to)


def test_the_matrix_sees_a_leak_when_there_is_one(matrix: Matrix, tmp_path: Path) -> None:
    """The marker does appear for a reader: the assertions above can fail for the right reason."""
    page = matrix.client("member").get(
        f"/groepen/{matrix.slugs['closed']}/onderwerp/{matrix.world.topic_ids['closed']}"
    )
    assert page.status_code == 200 and f"{MARKER}closed".encode() in page.get_data()
