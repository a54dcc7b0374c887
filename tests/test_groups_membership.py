"""Groups and membership: open, on request and closed groups, joining, approving, removing,
the overview at /groepen, CoP groups and the link from a CoP article."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from kb import groups
from kb.models import User, db
from tests.support.accounts import login, make_user
from tests.support.groups import action, add_member, make_cop_article, make_group, member_id


def test_the_overview_needs_a_login(app: Flask) -> None:
    response = app.test_client().get("/groepen")
    assert response.status_code == 302 and "/inloggen" in response.location


def test_open_request_and_closed_groups(app: Flask) -> None:
    editor = make_user(app, "editor", name="Els Redacteur")
    member = make_user(app, name="Mo Lid")
    open_slug = make_group(app, editor, "open", "Open groep")
    request_slug = make_group(app, editor, "request", "Aanvraaggroep")
    closed_slug = make_group(app, editor, "closed", "Besloten groep")
    client = app.test_client()
    login(client, member.email)

    page = client.get("/groepen").get_data(as_text=True)
    assert "Open groep" in page and "Aanvraaggroep" in page
    assert "Besloten groep" not in page  # a closed group does not even show that it exists
    assert client.get(f"/groepen/{closed_slug}").status_code == 404
    assert client.get(f"/groepen/{open_slug}/leden").status_code == 403

    response = action(client, f"/groepen/{open_slug}/lid-worden", f"/groepen/{open_slug}")
    assert response.status_code == 303
    assert client.get(f"/groepen/{open_slug}/leden").status_code == 200
    assert "Open groep" in client.get("/groepen").get_data(as_text=True).split("Andere groepen")[0]

    action(client, f"/groepen/{request_slug}/lid-worden", f"/groepen/{request_slug}")
    page = client.get(f"/groepen/{request_slug}").get_data(as_text=True)
    assert "Uw aanvraag wacht" in page
    assert client.get(f"/groepen/{request_slug}/leden").status_code == 403

    # The begeleider approves the request; then the member reads the group.
    facilitator = app.test_client()
    login(facilitator, editor.email)
    requested = member_id(app, request_slug, member)
    with app.app_context():
        assert db.session.get(groups.GroupMember, requested).state == "requested"
    members_page = f"/groepen/{request_slug}/leden"
    assert "Mo Lid" in facilitator.get(members_page).get_data(as_text=True)
    response = action(facilitator, f"{members_page}/{requested}/goedkeuren", members_page)
    assert response.status_code == 303
    assert client.get(members_page).status_code == 200


def test_a_removed_member_loses_access_and_cannot_rejoin(app: Flask) -> None:
    editor = make_user(app, "editor")
    member = make_user(app, name="Weg Gestuurd")
    slug = make_group(app, editor, "open")
    add_member(app, slug, member)
    client = app.test_client()
    login(client, member.email)
    assert client.get(f"/groepen/{slug}/leden").status_code == 200

    facilitator = app.test_client()
    login(facilitator, editor.email)
    page = f"/groepen/{slug}/leden"
    removed = member_id(app, slug, member)
    assert action(facilitator, f"{page}/{removed}/verwijderen", page).status_code == 303

    assert client.get(f"/groepen/{slug}/leden").status_code == 403
    response = action(client, f"/groepen/{slug}/lid-worden", f"/groepen/{slug}")
    assert response.status_code == 303
    assert client.get(f"/groepen/{slug}/leden").status_code == 403
    with app.app_context():
        log = db.session.scalars(select(groups.ModerationAction.action)).all()
        assert "remove_member" in log


def test_a_plain_member_cannot_manage_members(app: Flask) -> None:
    editor = make_user(app, "editor")
    one, other = make_user(app), make_user(app)
    slug = make_group(app, editor, "open")
    add_member(app, slug, one)
    add_member(app, slug, other)
    client = app.test_client()
    login(client, one.email)
    other_id = member_id(app, slug, other)
    page = f"/groepen/{slug}/leden"
    assert action(client, f"{page}/{other_id}/verwijderen", page).status_code == 403
    assert client.get(f"/groepen/{slug}/uitnodigen").status_code == 403
    assert client.get(f"/groepen/{slug}/moderatie").status_code == 403


def test_a_begeleider_given_per_group_manages_it(app: Flask) -> None:
    editor = make_user(app, "editor")
    guide, member = make_user(app, name="Bea Begeleider"), make_user(app)
    slug = make_group(app, editor, "open")
    add_member(app, slug, guide, role="facilitator")
    add_member(app, slug, member)
    client = app.test_client()
    login(client, guide.email)
    assert client.get(f"/groepen/{slug}/moderatie").status_code == 200
    row = member_id(app, slug, member)
    page = f"/groepen/{slug}/leden"
    # Appointing begeleiders is for editors; removing a member is for the begeleider.
    assert action(client, f"{page}/{row}/begeleider", page).status_code == 403
    assert action(client, f"{page}/{row}/verwijderen", page).status_code == 303


def test_cop_groups_are_made_once_and_linked_from_the_article(app: Flask) -> None:
    make_cop_article(app, "cop-monitoring")
    with app.app_context():
        made = groups.ensure_cop_groups()
        assert [g.article.slug for g in made] == ["cop-monitoring"]
        assert groups.ensure_cop_groups() == []  # idempotent
        slug = made[0].slug
    result = app.test_cli_runner().invoke(args=["kb", "create-cop-groups"])
    assert "aangemaakt: 0" in result.output
    page = app.test_client().get("/artikel/cop-monitoring").get_data(as_text=True)
    assert f'href="/groepen/{slug}"' in page


def test_editors_create_groups_under_redactie(app: Flask) -> None:
    editor = make_user(app, "editor")
    member = make_user(app)
    client = app.test_client()
    login(client, member.email)
    assert client.get("/redactie/groepen/").status_code == 403
    login(client, editor.email)
    page = "/redactie/groepen/"
    response = action(
        client,
        page,
        page,
        name="CoP Nieuw",
        description="Over *iets*",
        kind="cop",
        visibility="closed",
        article="",
    )
    assert response.status_code == 303
    with app.app_context():
        group = groups.by_slug("cop-nieuw")
        assert group.visibility == "closed" and group.kind == "cop"
        creator = db.session.get(User, editor.id)
        assert groups.membership(creator, group).role == "facilitator"
    # Bad input keeps what was typed and says what is wrong, in Dutch.
    response = action(
        client,
        page,
        page,
        name="",
        description="Blijft staan",
        kind="cop",
        visibility="open",
        article="",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Geef de groep een naam." in text
    assert "Blijft staan" in text


def test_editors_change_a_group_and_its_cop_article(app: Flask) -> None:
    editor = make_user(app, "editor")
    article_id = make_cop_article(app, "cop-wijzigen")
    slug = make_group(app, editor, "open", "Te wijzigen")
    client = app.test_client()
    login(client, editor.email)
    page = f"/redactie/groepen/{slug}/bewerken"
    assert '<option selected value="open">' in client.get(page).get_data(as_text=True)
    response = action(client, page, page, name="Gewijzigd", description="", kind="cop",
                      visibility="closed", article=str(article_id))  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        group = groups.by_slug(slug)
        assert (group.name, group.visibility, group.article_id) == ("Gewijzigd", "closed",
                                                                    article_id)  # fmt: skip
    assert f'<option selected value="{article_id}">' in client.get(page).get_data(as_text=True)
    assert f'href="/groepen/{slug}"' in client.get("/artikel/cop-wijzigen").get_data(as_text=True)
