"""The review workflow for a team: assigning, editors' notes, confirming a publish, the diff
between versions, and two editors saving the same submission (optimistic locking)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade
from sqlalchemy import func, select

from kb import diff
from kb.models import Article, Submission, SubmissionVersion, User, db
from tests.support.accounts import (
    CSRF,
    PDF_BYTES,
    VERSION,
    csrf,
    login,
    make_user,
    publish,
    status_token,
    submit,
    valid_submission,
)
from tests.support.app import build_app, load_content, make_app
from tests.support.mail import Mailbox, body, mail_config

SECRET = "Alleen-voor-de-redactie-7431"


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


def _editor(app: Flask, name: str) -> tuple[FlaskClient, User]:
    user = make_user(app, role="editor", name=name)
    client = app.test_client()
    login(client, user.email)
    return client, user


@pytest.fixture
def eva(app: Flask) -> tuple[FlaskClient, User]:
    return _editor(app, "Eva Redacteur")


@pytest.fixture
def bram(app: Flask) -> tuple[FlaskClient, User]:
    return _editor(app, "Bram Redacteur")


def _submit(app: Flask, client: FlaskClient | None = None, **changes: object) -> tuple[int, str]:
    page = submit(client or app.test_client(), valid_submission(**changes))
    token = status_token(page.get_data(as_text=True))
    with app.app_context():
        return db.session.scalar(select(func.max(Submission.id))), token


def _post(client: FlaskClient, url: str, **data: object):
    return client.post(url, data={"csrf_token": csrf(client, "/redactie/"), **data})


def _edit_data(page: str, **changes: object) -> dict[str, object]:
    """The review page's edit form as a browser would send it, with changes."""
    data: dict[str, object] = valid_submission(**changes)
    data.pop("consent"), data.pop("actie")
    data["version"] = VERSION.search(page).group(1)
    data["csrf_token"] = CSRF.search(page).group(1)
    return data


# --- assigning and "Mijn werk" ----------------------------------------------------------------


def test_assign_to_me_shows_in_my_work_and_the_queue_then_unassign(
    app: Flask, eva: tuple[FlaskClient, User], bram: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(app, title="Voorbeeld voor Eva")
    client, user = eva
    url = f"/redactie/inzending/{submission_id}/toewijzen"
    assert _post(client, url, assignee=str(user.id)).status_code == 303
    assert "Toegewezen aan: <strong>Eva Redacteur</strong> (u)" in client.get(
        f"/redactie/inzending/{submission_id}"
    ).get_data(as_text=True)
    assert "Voorbeeld voor Eva" in client.get("/redactie/mijn-werk").get_data(as_text=True)
    other = bram[0].get("/redactie/mijn-werk").get_data(as_text=True)
    assert "Voorbeeld voor Eva" not in other and "geen open inzending" in other
    queue = unescape(client.get("/redactie/").get_data(as_text=True))
    assert re.search(r"Voorbeeld voor Eva.*?Eva Redacteur", queue, re.S)

    # Bram takes it over; then nobody has it.
    _post(bram[0], url, assignee=str(bram[1].id))
    assert "Voorbeeld voor Eva" not in client.get("/redactie/mijn-werk").get_data(as_text=True)
    assert "Voorbeeld voor Eva" in bram[0].get("/redactie/mijn-werk").get_data(as_text=True)
    _post(bram[0], url, assignee="")
    with app.app_context():
        assert db.session.get(Submission, submission_id).assignee_id is None


def test_only_an_editor_can_be_assigned(app: Flask, eva: tuple[FlaskClient, User]) -> None:
    submission_id, _ = _submit(app)
    member = make_user(app, role="member", name="Geen Redacteur")
    response = _post(eva[0], f"/redactie/inzending/{submission_id}/toewijzen",
                     assignee=str(member.id))  # fmt: skip
    assert response.status_code == 303
    page = eva[0].get(f"/redactie/inzending/{submission_id}").get_data(as_text=True)
    assert "Niet toegewezen: kies een redacteur uit de lijst." in page
    with app.app_context():
        assert db.session.get(Submission, submission_id).assignee_id is None


# --- editors' notes ---------------------------------------------------------------------------


def test_notes_are_for_editors_and_never_reach_the_submitter(
    app: Flask, mailbox: Mailbox, eva: tuple[FlaskClient, User]
) -> None:
    member = make_user(app, role="member", email_address="jet@regio-utrecht.nl")
    region = app.test_client()
    login(region, member.email)
    submission_id, token = _submit(app, region)
    page = f"/redactie/inzending/{submission_id}"
    client = eva[0]
    response = _post(client, f"{page}/notities", **{"notitie-body": f"Let op: {SECRET}"})
    assert response.status_code == 303
    assert SECRET in client.get(page).get_data(as_text=True)

    # Every step that mails the submitter or shows them their submission, after the note.
    _post(client, f"{page}/terugsturen", **{"vraag-message": "Hoeveel scholen doen mee?"})
    mailbox.wait_for(lambda m: m["Subject"].startswith("Vraag over"))
    answer = valid_submission(answer="Twaalf scholen.")
    answer.pop("consent"), answer.pop("actie")
    status_page = f"/inzending/{token}"
    region.post(status_page, data={"csrf_token": csrf(region, status_page), **answer})
    _post(client, f"{page}/notities", **{"notitie-body": f"Nog een: {SECRET}"})
    assert publish(client, submission_id).status_code == 303
    mailbox.wait_for(lambda m: m["Subject"].startswith("Gepubliceerd"))
    with app.app_context():
        slug = db.session.get(Submission, submission_id).article.slug

    seen = {
        "status page": app.test_client().get(status_page),
        "own status page": region.get(f"/mijn-inzendingen/{submission_id}"),
        "own list": region.get("/mijn-inzendingen"),
        "article": app.test_client().get(f"/artikel/{slug}"),
        "API": app.test_client().get(f"/api/v1/articles/{slug}"),
        "API list": app.test_client().get("/api/v1/articles?per_page=50"),
        "feed": app.test_client().get("/feed"),
        "theme feed": app.test_client().get("/thema/financiering/feed"),
    }
    for name, response in seen.items():
        assert response.status_code == 200, name
        assert SECRET not in response.get_data(as_text=True), name
    assert len(mailbox.messages) >= 4
    for message in mailbox.messages:
        assert SECRET not in body(message), message["Subject"]
        assert SECRET not in str(message["Subject"])


def test_an_empty_note_is_refused_with_a_message(app: Flask, eva: tuple[FlaskClient, User]) -> None:
    submission_id, _ = _submit(app)
    response = _post(eva[0], f"/redactie/inzending/{submission_id}/notities",
                     **{"notitie-body": "  "})  # fmt: skip
    assert response.status_code == 200
    assert "Schrijf een notitie voor de andere redacteuren." in response.get_data(as_text=True)


# --- the two message fields and the confirmation before publishing ---------------------------


def test_question_and_reason_have_their_own_labels(
    app: Flask, eva: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(app)
    page = eva[0].get(f"/redactie/inzending/{submission_id}").get_data(as_text=True)
    labels = re.findall(r'<label class="utrecht-form-label" for="(?:vraag|reden)-message">([^<]+)',
                        page)  # fmt: skip
    assert labels == ["Uw vraag aan de indiener", "Reden van afwijzing (voor de indiener)"]
    empty = _post(eva[0], f"/redactie/inzending/{submission_id}/terugsturen",
                  **{"vraag-message": ""})  # fmt: skip
    assert "Schrijf uw vraag aan de indiener." in empty.get_data(as_text=True)


def test_publishing_asks_for_confirmation_with_a_labelled_summary(
    app: Flask, eva: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(app, themes=["financiering"], advice=["2"])
    url = f"/redactie/inzending/{submission_id}/publiceren"
    client = eva[0]
    # A bare POST (no confirmed version) publishes nothing: it leads to the confirmation.
    bare = _post(client, url)
    assert bare.status_code == 303 and bare.location.endswith(url)
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "submitted"
    confirm = unescape(client.get(url).get_data(as_text=True))
    assert "Publiceren bevestigen" in confirm and "Ja, publiceren" in confirm
    assert "Utrecht" in confirm and "Financiering" in confirm and "financiering" not in confirm
    assert "Advies 2:" in confirm
    assert publish(client, submission_id).status_code == 303
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "published"


def test_a_change_after_the_confirmation_page_stops_the_publish(
    app: Flask, eva: tuple[FlaskClient, User], bram: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(app)
    url = f"/redactie/inzending/{submission_id}/publiceren"
    confirm = eva[0].get(url).get_data(as_text=True)
    review = bram[0].get(f"/redactie/inzending/{submission_id}").get_data(as_text=True)
    saved = bram[0].post(f"/redactie/inzending/{submission_id}",
                         data=_edit_data(review, title="Een andere titel"))  # fmt: skip
    assert saved.status_code == 303
    response = eva[0].post(url, data={"csrf_token": CSRF.search(confirm).group(1),
                                      "version": VERSION.search(confirm).group(1)})  # fmt: skip
    assert response.status_code == 303 and response.location.endswith(url)
    again = eva[0].get(url).get_data(as_text=True)
    assert "Niet gepubliceerd: Deze inzending is intussen gewijzigd door Bram Redacteur" in again
    assert "Een andere titel" in again  # the page now summarises what would be published
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "submitted"


# --- versions and their diff ------------------------------------------------------------------


def test_every_change_is_a_version_and_any_two_compare_with_labels(
    app: Flask, eva: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(
        app, themes=["financiering"], approach="Een vaste werker per school."
    )
    client = eva[0]
    review = f"/redactie/inzending/{submission_id}"
    page = client.get(review).get_data(as_text=True)
    changes = {"themes": ["financiering", "interprofessioneel-samenwerken"],
               "approach": "Een vaste werker per school, twee dagen per week.",
               "region": "lekstroom"}  # fmt: skip
    assert client.post(review, data=_edit_data(page, **changes)).status_code == 303
    page = client.get(review).get_data(as_text=True)
    assert (
        client.post(review, data=_edit_data(page, **changes, title="Derde titel")).status_code
        == 303
    )
    with app.app_context():
        numbers = db.session.scalars(
            select(SubmissionVersion.number)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(SubmissionVersion.number)
        ).all()
    assert numbers == [1, 2, 3]

    html = client.get(f"{review}/versies?van=1&naar=2").get_data(as_text=True)
    assert "Van versie 1 naar versie 2" in html
    assert "<ins>Interprofessioneel samenwerken</ins>" in html
    assert "ongewijzigd:</span> Financiering" in html
    assert "<del>Utrecht</del>" in html and "<ins>Lekstroom</ins>" in html
    assert "interprofessioneel-samenwerken" not in html.split("<h2", 1)[1]  # labels, not slugs
    # Inside the changed line only the new words are marked.
    assert "<ins>, twee dagen per week.</ins>" in html or "<ins>school, twee" in html
    assert "Derde titel" not in html.split("<h2", 1)[1]
    # Default: the last two; and any pair, also backwards.
    latest = client.get(f"{review}/versies").get_data(as_text=True)
    assert "Van versie 2 naar versie 3" in latest and "<ins>Derde titel</ins>" in latest
    back = client.get(f"{review}/versies?van=3&naar=1").get_data(as_text=True)
    assert "<del>Derde titel</del>" in back
    assert client.get(f"{review}/versies?van=9&naar=1").status_code == 404


# --- two editors, one submission --------------------------------------------------------------


def test_two_editors_save_the_same_submission_one_wins_the_other_keeps_her_text(
    app: Flask, eva: tuple[FlaskClient, User], bram: tuple[FlaskClient, User]
) -> None:
    submission_id, _ = _submit(app)
    review = f"/redactie/inzending/{submission_id}"
    # Both open the review page (two real sessions), both at version 1.
    eva_page = eva[0].get(review).get_data(as_text=True)
    bram_page = bram[0].get(review).get_data(as_text=True)
    assert VERSION.search(eva_page).group(1) == VERSION.search(bram_page).group(1) == "1"

    first = eva[0].post(review, data=_edit_data(eva_page, lessons="Eva's lessen."))
    assert first.status_code == 303
    typed = "Bram's lessen, met <veel> zorg getypt."
    second = bram[0].post(review, data=_edit_data(bram_page, lessons=typed, title="Bram's titel"))
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Deze inzending is intussen gewijzigd door Eva Redacteur" in html
    assert "Er is niets overschreven." in html
    # Bram's text is still in his form, and the page shows it against the current version.
    assert "Bram&#39;s lessen, met &lt;veel&gt; zorg getypt.</textarea>" in html
    assert 'value="Bram&#39;s titel"' in html
    assert re.search(r"kb-diff__line--removed[^>]*>.*?<del>Eva&#39;s lessen.</del>", html)
    assert re.search(r"kb-diff__line--added[^>]*>.*?<ins>Bram&#39;s lessen, met &lt;veel&gt;", html)
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.lessons == "Eva's lessen." and row.version == 2
        assert row.title == valid_submission()["title"]

    # Saving again from the conflict page (it now carries version 2) keeps Bram's text.
    assert VERSION.search(html).group(1) == "2"
    again = bram[0].post(review, data=_edit_data(html, lessons=typed, title="Bram's titel"))
    assert again.status_code == 303
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.lessons == typed and row.version == 3


def test_a_returned_and_resubmitted_submission_conflicts_with_an_old_form(
    app: Flask, eva: tuple[FlaskClient, User]
) -> None:
    submission_id, token = _submit(app)
    review = f"/redactie/inzending/{submission_id}"
    old_page = eva[0].get(review).get_data(as_text=True)
    _post(eva[0], f"{review}/terugsturen", **{"vraag-message": "Welke resultaten?"})
    region = app.test_client()
    answer = valid_submission(answer="Zie hieronder.", results="Veertig leerlingen minder thuis.")
    answer.pop("consent"), answer.pop("actie")
    status_page = f"/inzending/{token}"
    region.post(status_page, data={"csrf_token": csrf(region, status_page), **answer})
    response = eva[0].post(review, data=_edit_data(old_page, results="Oude tekst van Eva."))
    assert response.status_code == 409
    with app.app_context():
        assert (
            db.session.get(Submission, submission_id).results == "Veertig leerlingen minder thuis."
        )


def test_attachments_on_the_review_page_say_what_the_submitter_chose(
    app: Flask, eva: tuple[FlaskClient, User]
) -> None:
    submit(app.test_client(), valid_submission(attachments_public="y"),
           [(PDF_BYTES, "openbaar.pdf")])  # fmt: skip
    with app.app_context():
        submission_id = db.session.scalar(select(func.max(Submission.id)))
    page = eva[0].get(f"/redactie/inzending/{submission_id}").get_data(as_text=True)
    assert "openbaar.pdf" in page and "bij het artikel publiceren" in page


# --- published articles: the same protection and the same diff -------------------------------

ARTICLE = "/redactie/artikelen/oogo-test"
BASE = re.compile(r'name="base" type="hidden" value="(\w+)"')


def _article_data(app: Flask, page: str, **changes: object) -> dict[str, object]:
    """The article edit form as shown on page (its token and checksum), with changes."""
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        data: dict[str, object] = {
            "title": article.title, "kind": article.kind.slug, "summary": article.summary,
            "body_md": article.body_md, "reference_date": article.reference_date,
            "themes": [t.slug for t in article.themes],
            "regions": [r.slug for r in article.regions],
        }  # fmt: skip
    data["csrf_token"] = CSRF.search(page).group(1)
    data["base"] = BASE.search(page).group(1)
    data.update(changes)
    return data


def test_two_editors_save_the_same_article_one_wins_the_other_keeps_her_text(
    app: Flask, eva: tuple[FlaskClient, User], bram: tuple[FlaskClient, User]
) -> None:
    eva_page = eva[0].get(ARTICLE).get_data(as_text=True)
    bram_page = bram[0].get(ARTICLE).get_data(as_text=True)
    first = eva[0].post(ARTICLE, data=_article_data(app, eva_page, title="OOGO volgens Eva"))
    assert first.status_code == 303
    second = bram[0].post(ARTICLE, data=_article_data(app, bram_page, title="OOGO volgens Bram"))
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "dit artikel is intussen door iemand anders gewijzigd" in html
    assert 'value="OOGO volgens Bram"' in html
    with app.app_context():
        assert db.session.scalar(select(Article.title).where(Article.slug == "oogo-test")) == (
            "OOGO volgens Eva"
        )
    again = bram[0].post(ARTICLE, data=_article_data(app, html, title="OOGO volgens Bram"))
    assert again.status_code == 303


def test_article_revisions_compare_with_labels(app: Flask, eva: tuple[FlaskClient, User]) -> None:
    page = eva[0].get(ARTICLE).get_data(as_text=True)
    data = _article_data(app, page, title="OOGO, nieuw", themes=["financiering"])
    assert eva[0].post(ARTICLE, data=data).status_code == 303
    html = eva[0].get(f"{ARTICLE}/versies/vergelijk").get_data(as_text=True)
    assert "Huidige versie" in html and "<ins>Financiering en poreuze randen</ins>" in html
    assert "<ins>OOGO, nieuw</ins>" in html or "<ins>, nieuw</ins>" in html
    assert eva[0].get(f"{ARTICLE}/versies/vergelijk?van=999").status_code == 404


def test_long_unchanged_text_folds_around_a_change_and_line_endings_do_not_count() -> None:
    old = "\n".join(f"regel {n}" for n in range(10))
    new = old.replace("regel 5", "regel vijf")
    ops = [op for op, _ in diff.text_lines(old, new)]
    assert ops == ["skip", "same", "same", "removed", "added", "same", "same", "skip"]
    assert diff.text_lines(old, new)[0][1][0].text == "… 3 ongewijzigde regels"
    fields = [("body_md", "Tekst")]
    assert (
        diff.compare({"body_md": old}, {"body_md": old.replace("\n", "\r\n") + " "}, fields) == []
    )


@pytest.mark.postgres
def test_on_postgresql_the_second_save_conflicts_and_a_confirmed_file_is_served(
    postgres_url: str, tmp_path: Path, content_dir: Path
) -> None:
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url)
    load_content(app)
    try:
        submit(app.test_client(), valid_submission(attachments_public="y"),
               [(PDF_BYTES, "werkwijze.pdf")])  # fmt: skip
        eva, bram = _editor(app, "Eva Redacteur")[0], _editor(app, "Bram Redacteur")[0]
        with app.app_context():
            submission_id = db.session.scalar(select(func.max(Submission.id)))
        review = f"/redactie/inzending/{submission_id}"
        eva_page, bram_page = eva.get(review).get_data(as_text=True), bram.get(review).text
        assert eva.post(review, data=_edit_data(eva_page, lessons="Eva.")).status_code == 303
        assert bram.post(review, data=_edit_data(bram_page, lessons="Bram.")).status_code == 409
        with app.app_context():
            attachment = db.session.get(Submission, submission_id).attachments[0].id
        eva.post(f"{review}/bijlagen", data={"csrf_token": csrf(eva, review),
                                             "publiceer_bijlage": str(attachment)})  # fmt: skip
        assert publish(eva, submission_id).status_code == 303
        with app.app_context():
            slug = db.session.get(Submission, submission_id).article.slug
        download = app.test_client().get(f"/artikel/{slug}/bijlage/{attachment}")
        assert download.status_code == 200 and download.data == PDF_BYTES
        download.close()
        assert "werkwijze.pdf" in app.test_client().get(f"/artikel/{slug}").text
    finally:
        with app.app_context():
            downgrade(revision="base")
            db.session.remove()
            db.engine.dispose()
