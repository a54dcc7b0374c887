"""Freshness: when an article was last checked, when it is due again, and the reminders.

Three dates are kept apart: the content date (the situation described, `reference_date`),
the publication, and the last check by an editor or the submitter ("laatst gecontroleerd").
An article's review falls due a kind-specific number of months after its last check (or its
publication, or its last online edit, whichever is latest known).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, func, or_, select, update

from kb import mail, publishing
from kb.models import Article, Kind, Submission, User, db, utcnow
from kb.submissions.notifications import editor_addresses


def add_months(moment: date, months: int) -> date:
    """Return the same day months later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(moment.day, calendar.monthrange(year, month)[1]))


def interval(kind_slug: str) -> int:
    """Return the review interval in months for a kind."""
    config = current_app.config
    return int(config["REVIEW_INTERVAL_MONTHS"].get(kind_slug,
                                                    config["REVIEW_INTERVAL_DEFAULT_MONTHS"]))


def _last_checked_column():
    return func.coalesce(Article.reviewed_at, Article.edited_online_at, Article.published_at,
                         Article.created_at)  # fmt: skip


def last_checked(article: Article) -> datetime:
    """Return when the article was last known to be right (check, edit or publication)."""
    candidates = [article.reviewed_at, article.edited_online_at, article.published_at]
    return next((c for c in candidates if c is not None), article.created_at)


def due_on(article: Article) -> date:
    """Return the date the article's next review is due."""
    return add_months(last_checked(article).date(), interval(article.kind.slug))


@dataclass
class DueArticle:
    """An article to review, with its due date and whether it is already overdue."""

    article: Article
    due: date
    overdue: bool


def _due_select(today: date, soon_days: int):
    horizon = today + timedelta(days=soon_days)
    kinds = list(db.session.scalars(select(Kind.slug)))
    cutoffs = [(Kind.slug == k, _checked_before(horizon, k)) for k in kinds]
    default = _checked_before(horizon, "")
    cutoff = case(*cutoffs, else_=default) if cutoffs else default
    return (
        select(Article).join(Kind, Article.kind_id == Kind.id)
        .where(Article.status == "published", _last_checked_column() < cutoff)
    )  # fmt: skip


def due_articles(
    today: date | None = None, soon_days: int | None = None, limit: int | None = None
) -> list[DueArticle]:
    """Return published articles due within soon_days, longest unchecked first; one query."""
    today = today or utcnow().date()
    soon = soon_days if soon_days is not None else current_app.config["REVIEW_DUE_SOON_DAYS"]
    stmt = _due_select(today, soon).order_by(_last_checked_column(), Article.id)
    rows = db.session.scalars(stmt.limit(limit) if limit else stmt).unique()
    items = [DueArticle(a, due_on(a), due_on(a) <= today) for a in rows]
    return sorted(items, key=lambda item: item.due)


def overdue(limit: int, today: date | None = None) -> tuple[list[DueArticle], int]:
    """Return the longest-unchecked overdue articles and how many are overdue.

    Two statements on purpose: a windowed count would sort every due row with its body.
    """
    return due_articles(today, 0, limit), due_count(today)


def due_count(today: date | None = None, soon_days: int = 0) -> int:
    """Count the published articles due within soon_days (0: overdue today)."""
    stmt = _due_select(today or utcnow().date(), soon_days).with_only_columns(func.count())
    return int(db.session.scalar(stmt) or 0)


def _checked_before(horizon: date, kind_slug: str) -> datetime:
    """Return the moment before which a last check makes an article of this kind due."""
    last_day = add_months(horizon, -interval(kind_slug))
    return datetime.combine(last_day + timedelta(days=1), datetime.min.time())


def mark_reviewed(article: Article, reviewer: User | None, note: str = "") -> None:
    """Record that the article still holds ("gecontroleerd, klopt nog"), in its history; commits."""
    publishing.snapshot_revision(article, reviewer, note or "Gecontroleerd, klopt nog")
    article.reviewed_at = utcnow()
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kb-review")


def review_token(article: Article) -> str:
    """Return a signed link token for the submitter to confirm or amend an article."""
    return _serializer().dumps({"a": article.id, "c": last_checked(article).isoformat()})


def article_for_review_token(token: str) -> Article | None:
    """Return the article of a valid, unused token (a new check makes old links void)."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["REVIEW_LINK_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    article = db.session.get(Article, data.get("a")) if isinstance(data, dict) else None
    if article is None or article.status != "published":
        return None
    return article if last_checked(article).isoformat() == data.get("c") else None


@dataclass
class ReminderReport:
    """What `kb send-review-reminders` did."""

    articles: int = 0
    editor_mails: int = 0
    submitter_mails: int = 0


def send_review_reminders(today: date | None = None) -> ReminderReport:
    """Mail the editors (and submitters of submitted articles) about overdue reviews, once."""
    today = today or utcnow().date()
    report = ReminderReport()
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        claimed = [item for item in due_articles(today, 0) if _claim(item.article)]
        if not claimed:
            return report
        report.articles = len(claimed)
        body = render_template("mail/review_editors.txt", items=claimed, base=base,
                               list_url=base + url_for("freshness.review_list"))  # fmt: skip
        if mail.send_mail(editor_addresses(), f"Te controleren: {len(claimed)} artikelen", body):
            report.editor_mails = 1
        else:
            _release(claimed)
            return ReminderReport()
        for item in claimed:
            report.submitter_mails += _mail_submitter(item.article, base)
    return report


def _claim(article: Article) -> bool:
    """Mark one article as reminded for its current cycle; False if already reminded."""
    claimed = db.session.execute(
        update(Article)
        .where(Article.id == article.id,
               or_(Article.review_reminded_at.is_(None),
                   Article.review_reminded_at < _last_checked_column()))
        .values(review_reminded_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    db.session.commit()
    return claimed == 1


def _release(items: list[DueArticle]) -> None:
    db.session.execute(
        update(Article).where(Article.id.in_([i.article.id for i in items]))
        .values(review_reminded_at=None).execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.commit()


def _mail_submitter(article: Article, base: str) -> int:
    submission = db.session.scalar(select(Submission).where(Submission.article_id == article.id))
    if submission is None or not submission.contact_email:
        return 0
    link = base + url_for("review_link.confirm", token=review_token(article))
    body = render_template("mail/review_submitter.txt", article=article,
                           name=submission.contact_name, link=link)  # fmt: skip
    return 1 if mail.send_mail(submission.contact_email,
                               f"Klopt uw voorbeeld nog? {article.title}", body) else 0
