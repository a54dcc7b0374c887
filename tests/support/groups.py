"""Helpers for the group tests: groups, members, topics and form posts through the real pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from kb import groups, publishing
from kb.models import User, db
from tests.support.accounts import csrf


def make_group(
    app: Flask, creator: User | None = None, visibility: str = "request", name: str = "Testgroep",
    kind: str = "free",
) -> str:  # fmt: skip
    """Create a group (the creator becomes begeleider) and return its slug."""
    with app.app_context():
        row = db.session.get(User, creator.id) if creator else None
        return groups.create_group(name, "Een groep om te **testen**.", kind, visibility, row).slug


def add_member(app: Flask, slug: str, user: User, role: str = "member") -> None:
    """Make the user an active member of the group directly."""
    with app.app_context():
        groups.add_member(groups.by_slug(slug), db.session.get(User, user.id), role)


def form_token(client: FlaskClient, url: str, name: str = "client_key") -> dict[str, str]:
    """Return the CSRF token (and the form's client key) from a page with a form."""
    text = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf(client, url)}
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', text)
    if match:
        data[name] = match.group(1)
    return data


def start_topic(client: FlaskClient, slug: str, title: str, body: str, **files: Any) -> Any:
    """Open a topic through the form; return the response."""
    data: dict[str, Any] = form_token(client, f"/groepen/{slug}/nieuw-onderwerp")
    data.update(title=title, body=body, **files)
    return client.post(f"/groepen/{slug}/nieuw-onderwerp", data=data,
                       content_type="multipart/form-data")  # fmt: skip


def reply(client: FlaskClient, slug: str, topic_id: int, body: str, **extra: Any) -> Any:
    """Reply in a topic through the form; return the response."""
    url = f"/groepen/{slug}/onderwerp/{topic_id}"
    data: dict[str, Any] = form_token(client, url)
    data.update(body=body, **extra)
    return client.post(url, data=data, content_type="multipart/form-data")


def topic_id_from(response: Any) -> int:
    """Return the topic id a post redirected to."""
    match = re.search(r"/onderwerp/(\d+)", response.location)
    assert match, response.location
    return int(match.group(1))


def action(client: FlaskClient, url: str, page: str, **data: str) -> Any:
    """POST a button's form (CSRF from `page`); return the response."""
    return client.post(url, data={"csrf_token": csrf(client, page), **data})


def make_cop_article(app: Flask, slug: str = "cop-testen") -> int:
    """Publish a Community of Practice article through kb.publishing; return its id."""
    with app.app_context():
        article = publishing.create_article(slug, "editor", {
            "title": "Community of Practice Testen", "kind": "community-of-practice",
            "summary": "Een lerend netwerk over testen.", "body_md": "## Thema\n\nTesten.",
            "reference_date": "2020-06", "themes": ["monitoring"], "advice": [], "sectors": [],
            "regions": [], "related": [], "citations": [],
        })  # fmt: skip
        publishing.commit_and_index()
        return article.id


def member_id(app: Flask, slug: str, user: User) -> int:
    """Return the id of the user's membership row in the group."""
    with app.app_context():
        row = groups.membership(db.session.get(User, user.id), groups.by_slug(slug))
        assert row is not None
        return row.id
