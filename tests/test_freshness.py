"""Freshness: due dates per kind, "klopt nog", reminders once per cycle, the submitter's link."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask

from kb import freshness
from kb.models import Article, ArticleRevision, Submission, db, utcnow
from tests.support.accounts import csrf, login, make_user
from tests.support.mail import Mailbox


def _age(app: Flask, slug: str, months: int) -> None:
    """Pretend the article was last checked this many months ago."""
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == slug))
        moment = datetime.combine(freshness.add_months(utcnow().date(), -months),
                                  datetime.min.time())  # fmt: skip
        article.published_at = article.created_at = moment
        article.reviewed_at = article.edited_online_at = None
        db.session.commit()


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert freshness.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert freshness.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert freshness.add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)


def test_due_articles_follow_the_interval_of_their_kind(mail_app: Flask) -> None:
    _age(mail_app, "oke-op-school-test", 13)  # praktijkvoorbeeld: 12 months
    _age(mail_app, "oogo-test", 13)  # achtergrond: 24 months, not yet due
    with mail_app.app_context():
        due = {item.article.slug: item for item in freshness.due_articles()}
    assert "oke-op-school-test" in due and due["oke-op-school-test"].overdue
    assert "oogo-test" not in due
    with mail_app.app_context():
        assert freshness.due_count() == len(freshness.due_articles(soon_days=0)) == 1


def test_due_soon_is_listed_but_not_overdue(mail_app: Flask) -> None:
    with mail_app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oke-op-school-test"))
        article.published_at = datetime.combine(
            freshness.add_months(utcnow().date(), -12) + timedelta(days=10), datetime.min.time()
        )
        article.reviewed_at = article.edited_online_at = None
        db.session.commit()
        item = next(i for i in freshness.due_articles() if i.article.slug == "oke-op-school-test")
        assert not item.overdue
        now_due = freshness.due_articles(soon_days=0)
        assert all(i.article.slug != "oke-op-school-test" for i in now_due)


def test_klopt_nog_is_one_action_recorded_in_the_history(mail_app: Flask) -> None:
    _age(mail_app, "oke-op-school-test", 13)
    editor = mail_app.test_client()
    login(editor, make_user(mail_app, role="editor").email)
    page = editor.get("/redactie/controle/")
    assert page.status_code == 200 and "Gecontroleerd, klopt nog" in page.get_data(as_text=True)
    with mail_app.app_context():
        article_id = db.session.scalar(
            db.select(Article.id).where(Article.slug == "oke-op-school-test")
        )
    response = editor.post(
        f"/redactie/controle/{article_id}", data={"csrf_token": csrf(editor, "/redactie/controle/")}
    )
    assert response.status_code == 303
    with mail_app.app_context():
        article = db.session.get(Article, article_id)
        assert article.reviewed_at is not None
        notes = [
            r.note
            for r in db.session.scalars(
                db.select(ArticleRevision).where(ArticleRevision.article_id == article_id)
            )
        ]
        assert notes == ["Gecontroleerd, klopt nog"]
        assert all(i.article.id != article_id for i in freshness.due_articles())


def test_only_editors_see_the_review_list(mail_app: Flask) -> None:
    assert mail_app.test_client().get("/redactie/controle/").status_code == 302
    member = mail_app.test_client()
    login(member, make_user(mail_app).email)
    assert member.get("/redactie/controle/").status_code == 403


def test_reminders_go_once_per_cycle_to_editors_and_the_submitter(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    _age(mail_app, "oke-op-school-test", 13)
    with mail_app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oke-op-school-test"))
        db.session.add(Submission(token_hash="x" * 64, status="published", title=article.title,
                                  contact_name="Fatima", contact_email="fatima@school.nl",
                                  article_id=article.id))  # fmt: skip
        db.session.commit()
        article_id = article.id
        first = freshness.send_review_reminders()
        second = freshness.send_review_reminders()
    assert (first.articles, first.editor_mails, first.submitter_mails) == (1, 1, 1)
    assert second.articles == 0  # run twice, remind once
    editors = mailbox.to("redactie@kennisbank.test")
    assert len(editors) == 1 and "/artikel/oke-op-school-test" in editors[0].get_content()
    to_submitter = mailbox.to("fatima@school.nl")
    assert len(to_submitter) == 1
    link = re.search(r"https?://\S+/controle/\S+", to_submitter[0].get_content()).group(0)
    client = mail_app.test_client()
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    answer = client.post(
        path,
        data={"csrf_token": csrf(client, path), "changes": "Er is een tweede school bij gekomen."},
    )
    assert answer.status_code == 200
    change_mail = mailbox.wait_for(lambda m: "Wijziging voorgesteld" in m["Subject"])
    assert "tweede school" in change_mail.get_content()
    assert client.get(path).status_code == 404  # the check made the link void
    with mail_app.app_context():
        assert db.session.get(Article, article_id).reviewed_at is not None


def test_a_forged_review_link_does_nothing(mail_app: Flask) -> None:
    assert mail_app.test_client().get("/controle/vervalst").status_code == 404


def test_the_article_page_keeps_its_dates_apart(mail_app: Flask) -> None:
    _age(mail_app, "oke-op-school-test", 13)
    html = mail_app.test_client().get("/artikel/oke-op-school-test").get_data(as_text=True)
    assert "In de kennisbank sinds" in html and "Laatst gecontroleerd:" in html
    assert "Laatst bijgewerkt" not in html
