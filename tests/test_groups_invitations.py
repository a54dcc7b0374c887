"""Invitations: a signed link by e-mail that works once, until it expires, also for someone
without an account; forged, altered, expired and used links are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from kb import groups
from kb.models import User, db, utcnow
from tests.support.accounts import PASSWORD, csrf, login, make_user
from tests.support.app import make_app
from tests.support.groups import action, make_group
from tests.support.mail import Mailbox, body, mail_config

LINK = re.compile(r"https?://\S+/groepen/uitnodiging/(\S+)")


@pytest.fixture
def app(tmp_path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, BASE_URL="http://kennisbank.test", **mail_config(mailbox))


def _invite(app: Flask, mailbox: Mailbox, address: str) -> tuple[str, str, User]:
    editor = make_user(app, "editor", name="Els Begeleider")
    slug = make_group(app, editor, "closed", "Besloten CoP")
    client = app.test_client()
    login(client, editor.email)
    page = f"/groepen/{slug}/uitnodigen"
    response = action(client, page, page, emails=f"{address}\n")
    assert response.status_code == 303
    message = mailbox.wait_for(lambda m: address in m["To"])
    assert "Besloten CoP" in message["Subject"] and "Els Begeleider" in body(message)
    match = LINK.search(body(message))
    assert match, body(message)
    return slug, match.group(1), editor


def _register(client, token: str, **changes: str):
    url = f"/groepen/uitnodiging/{token}"
    page = client.get(url)
    token_page = url if page.status_code == 200 else "/inloggen"
    data = {"csrf_token": csrf(client, token_page), "name": "Nina Nieuw",
            "organisation": "Gemeente X", "region": "", "password": PASSWORD,
            "password_confirm": PASSWORD}  # fmt: skip
    data.update(changes)
    return client.post(url, data=data)


def test_someone_without_an_account_registers_through_the_invitation(
    app: Flask, mailbox: Mailbox
) -> None:
    slug, token, _editor = _invite(app, mailbox, "nina@gemeente.nl")
    client = app.test_client()
    page = client.get(f"/groepen/uitnodiging/{token}").get_data(as_text=True)
    assert "nina@gemeente.nl" in page and "Account maken en lid worden" in page
    # A weak password is refused; what was typed stays.
    response = _register(client, token, password="kort", password_confirm="kort")
    assert response.status_code == 200 and "Nina Nieuw" in response.get_data(as_text=True)
    response = _register(client, token)
    assert response.status_code == 303 and response.location.endswith(f"/groepen/{slug}")
    assert client.get(f"/groepen/{slug}/leden").status_code == 200  # logged in, and a member
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nina@gemeente.nl"))
        assert user.role == "member"
        invitation = db.session.scalar(select(groups.GroupInvitation))
        assert invitation.accepted_user_id == user.id
    # The link works once.
    again = app.test_client().get(f"/groepen/uitnodiging/{token}")
    assert again.status_code == 400 and "al gebruikt" in again.get_data(as_text=True)


def test_an_existing_account_logs_in_and_accepts(app: Flask, mailbox: Mailbox) -> None:
    member = make_user(app, email_address="bestaand@school.nl")
    slug, token, _editor = _invite(app, mailbox, "bestaand@school.nl")
    client = app.test_client()
    url = f"/groepen/uitnodiging/{token}"
    assert "Log in" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf(client)}).status_code == 200
    login(client, member.email)
    assert client.get(f"/groepen/{slug}").status_code == 404  # closed: not yet a member
    # A GET (a mail filter opening the link) joins nobody; the button does.
    client.get(url)
    assert client.get(f"/groepen/{slug}").status_code == 404
    response = action(client, url, url)
    assert response.status_code == 303
    assert client.get(f"/groepen/{slug}/leden").status_code == 200


def test_another_account_cannot_use_someone_elses_invitation(app: Flask, mailbox: Mailbox) -> None:
    slug, token, _editor = _invite(app, mailbox, "bedoeld@school.nl")
    other = make_user(app, email_address="ander@school.nl")
    client = app.test_client()
    login(client, other.email)
    url = f"/groepen/uitnodiging/{token}"
    assert "Log uit en log in met bedoeld@school.nl" in client.get(url).get_data(as_text=True)
    action(client, url, url)
    assert client.get(f"/groepen/{slug}").status_code == 404  # closed, and still not a member


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: "x" + token[1:],  # payload
        lambda token: "niet-een-token",
        lambda token: "",
    ],
)
def test_forged_or_altered_links_are_refused(app: Flask, mailbox: Mailbox, mangle) -> None:
    slug, token, _editor = _invite(app, mailbox, "nina@gemeente.nl")
    client = app.test_client()
    forged = mangle(token)
    response = client.get(f"/groepen/uitnodiging/{forged}") if forged else None
    if response is not None:
        assert response.status_code in (400, 404)
        assert "Account maken" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nina@gemeente.nl")) is None
        assert db.session.scalar(select(groups.GroupInvitation.accepted_at)) is None


def test_a_link_signed_with_another_key_is_refused(app: Flask, tmp_path, mailbox) -> None:
    slug, token, _editor = _invite(app, mailbox, "nina@gemeente.nl")
    other = make_app(tmp_path / "ander", SECRET_KEY="een-andere-sleutel", **mail_config(mailbox))
    with other.app_context(), pytest.raises(groups.InvitationError):
        groups.from_token(token)


def test_an_expired_link_is_refused(app: Flask, mailbox: Mailbox) -> None:
    slug, token, _editor = _invite(app, mailbox, "nina@gemeente.nl")
    # The row's own end date has passed (the signature is still young).
    with app.app_context():
        invitation = db.session.scalar(select(groups.GroupInvitation))
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    client = app.test_client()
    response = client.get(f"/groepen/uitnodiging/{token}")
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True)
    assert _register(client, token).status_code == 400
    # The signature's age is past the maximum (the row alone would still allow it).
    with app.app_context():
        invitation = db.session.scalar(select(groups.GroupInvitation))
        invitation.expires_at = utcnow() + timedelta(days=1)
        db.session.commit()
    app.config["GROUP_INVITATION_MAX_AGE"] = -1
    response = client.get(f"/groepen/uitnodiging/{token}")
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nina@gemeente.nl")) is None


def test_inviting_a_member_again_sends_nothing(app: Flask, mailbox: Mailbox) -> None:
    slug, token, editor = _invite(app, mailbox, "nina@gemeente.nl")
    _register(app.test_client(), token)
    client = app.test_client()
    login(client, editor.email)
    page = f"/groepen/{slug}/uitnodigen"
    count = len(mailbox.messages)
    response = action(client, page, page, emails="nina@gemeente.nl, geen-adres")
    assert response.status_code == 200 and "geen geldig e-mailadres" in response.get_data(
        as_text=True
    )
    action(client, page, page, emails="nina@gemeente.nl")
    assert len(mailbox.messages) == count
