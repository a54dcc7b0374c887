"""The submission workflow: create, edit, send back, resubmit, reject and publish.

Every step changes the rows and records a SubmissionEvent in one transaction, commits, and only
then sends e-mail (a mail failure is logged, never a lost submission). Status changes use a
conditional UPDATE, so two editors (or two workers) cannot both publish the same submission.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from kb import publishing, queries, render, slugs
from kb.models import Article, Region, Submission, SubmissionEvent, User, db, utcnow
from kb.submissions import notifications, uploads, versions
from kb.submissions.versions import state_of
from kb.submissions.vocabulary import (
    FIELD_LABELS,
    OPEN,
    SECTIONS,
    STATUS_LABELS,
    TransitionError,
)

log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    """Return the SHA-256 of a status token: the only form in which it is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def by_token(token: str) -> Submission | None:
    """Return the submission a private status token belongs to."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Submission).where(Submission.token_hash == hash_token(token)))


def _notify(send: Callable[..., None], *args: Any) -> None:
    # E-mail goes out after the commit; nothing about it may undo or hide what was saved.
    try:
        send(*args)
    except Exception:
        log.exception("Bericht %s niet verstuurd", send.__name__)


def apply_fields(submission: Submission, data: dict[str, Any]) -> list[str]:
    """Copy form data onto the submission; return the labels of the fields that changed."""
    changed = []
    for name in FIELD_LABELS:
        if name not in data:
            continue
        value = data[name]
        if name == "region":
            region = queries.by_slug(Region, value)
            if submission.region != region:
                submission.region = region
                changed.append(FIELD_LABELS[name])
            continue
        if name == "advice":
            value = sorted(int(n) for n in value or [])
        elif name in ("themes", "sectors"):
            value = list(value or [])
        else:
            value = (value or "").strip()
        if getattr(submission, name) != value:
            setattr(submission, name, value)
            changed.append(FIELD_LABELS[name])
    return changed


def _event(submission: Submission, action: str, actor: User | None, message: str = "") -> None:
    db.session.add(
        SubmissionEvent(
            submission=submission,
            action=action,
            actor_id=actor.id if actor else None,
            message=message,
            created_at=utcnow(),
        )
    )


def _transition(
    submission: Submission, allowed: tuple[str, ...], target: str, expected: int | None = None
) -> None:
    """Move to target only if the row is still in an allowed state (checked in the UPDATE).

    With expected, the row must also still be at that version (the page the editor confirmed).
    """
    where = [Submission.id == submission.id, Submission.status.in_(allowed)]
    if expected is not None:
        where.append(Submission.version == expected)
    try:
        result = db.session.execute(
            update(Submission)
            .where(*where)
            .values(status=target, updated_at=utcnow(), version=Submission.version + 1)
            .execution_options(synchronize_session=False)
        )
    except OperationalError:
        # The database is busy (locked by another writer): the caller shows its form again
        # with everything typed and "probeer het zo opnieuw"; a retry then meets the new state.
        db.session.rollback()
        raise
    if result.rowcount != 1:
        db.session.rollback()
        current = db.session.get(Submission, submission.id)
        db.session.refresh(current)
        if current.status in allowed:
            raise versions.conflict(submission.id)
        raise TransitionError(
            "Deze stap kan niet meer: de inzending is intussen "
            f"{STATUS_LABELS.get(current.status, '?')}."
        )
    submission.status = target
    set_committed_value(submission, "version", (submission.version or 1) + 1)


class DuplicateSubmission(Exception):
    """This form (its idempotency key) was already stored; carries the stored submission's id."""

    def __init__(self, submission_id: int | None) -> None:
        super().__init__(submission_id)
        self.submission_id = submission_id


def by_idempotency_key(key: str) -> Submission | None:
    """Return the submission a sent form's idempotency key already stored, if any."""
    return db.session.scalar(select(Submission).where(Submission.idempotency_key == key))


def create(
    data: dict[str, Any],
    pending: list[uploads.PendingFile],
    submitter: User | None,
    idempotency_key: str | None = None,
    call_id: int | None = None,
) -> tuple[Submission, str]:
    """Store a new submission with its attachments; return it and its private token.

    The row is flushed before any file moves: a second request with the same idempotency key
    fails on the unique index (DuplicateSubmission) without touching the files. When the
    database refuses the commit (locked, OperationalError) the files move back to the pending
    area, so the form can be shown again with them and nothing is orphaned.
    """
    token = secrets.token_urlsafe(32)
    submission = Submission(token_hash=hash_token(token), status="submitted", consent=True,
                            submitter=submitter, title="", call_id=call_id, version=1,
                            idempotency_key=idempotency_key)  # fmt: skip
    apply_fields(submission, data)
    submission.created_at = submission.updated_at = utcnow()
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        existing = by_idempotency_key(idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        raise DuplicateSubmission(existing.id) from exc
    except OperationalError:
        db.session.rollback()
        raise
    rows = uploads.attach(pending)
    try:
        submission.attachments = rows
        _event(submission, "submitted", submitter)
        versions.record(submission, state_of(submission), submitter, "Ingediend")
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.detach(rows, pending)
        raise
    uploads.settle(pending)
    _notify(notifications.submission_received, submission, token)
    _notify(notifications.editors_new_submission, submission)
    return submission, token


def edit(
    submission: Submission, editor: User, data: dict[str, Any], expected_version: int | None = None
) -> list[str]:
    """Save an editor's changes to an open submission; record and report which fields changed.

    expected_version is the version the editor's form was shown at: when another editor (or
    the region) saved in between, nothing is written and EditConflict says so.
    """
    if submission.status not in OPEN:
        raise TransitionError("Een gepubliceerde of afgewezen inzending is niet meer te bewerken.")
    expected = submission.version if expected_version is None else expected_version
    if submission.version != expected:
        raise versions.conflict(submission.id)
    changed = apply_fields(submission, data)
    if not changed:
        db.session.rollback()
        return []
    versions.claim(submission, expected)
    _event(submission, "edited", editor, "Gewijzigd: " + ", ".join(changed))
    versions.record(submission, state_of(submission), editor, "Gewijzigd: " + ", ".join(changed))
    db.session.commit()
    _notify(notifications.edited, submission, changed)
    return changed


def send_back(submission: Submission, editor: User, question: str) -> None:
    """Return the submission to the region with a question."""
    _transition(submission, ("submitted",), "returned")
    _event(submission, "returned", editor, question.strip())
    db.session.commit()
    _notify(notifications.returned, submission, question.strip())


def resubmit(
    submission: Submission,
    data: dict[str, Any],
    answer: str,
    pending: list[uploads.PendingFile],
) -> None:
    """Take the region's answer and changes, and put the submission back in the queue."""
    _transition(submission, ("returned",), "submitted")
    changed = apply_fields(submission, data)
    rows = uploads.attach(pending)
    submission.attachments.extend(rows)
    message = answer.strip()
    if changed:
        message += "\n\n(Aangepast: " + ", ".join(changed) + ".)"
    _event(submission, "resubmitted", submission.submitter, message)
    if changed:
        versions.record(submission, state_of(submission), submission.submitter,
                        "Aangevuld door de indiener: " + ", ".join(changed))  # fmt: skip
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.detach(rows, pending)
        raise
    uploads.settle(pending)
    _notify(notifications.editors_new_submission, submission, True)


def reject(submission: Submission, editor: User, reason: str) -> None:
    """Reject the submission with a reason the region will read."""
    _transition(submission, OPEN, "rejected")
    _event(submission, "rejected", editor, reason.strip())
    db.session.commit()
    _notify(notifications.rejected, submission, reason.strip())


def publish_problems(submission: Submission) -> list[str]:
    """Return what must be fixed before the submission can become an article."""
    problems = []
    if submission.region is None:
        problems.append("Kies een regio.")
    if not 1 <= len(submission.themes or []) <= 5:
        problems.append("Kies één tot vijf thema's.")
    if not submission.summary.strip():
        problems.append("Vul een samenvatting in.")
    return problems


def unique_slug(title: str) -> str:
    """Return a slug for the title that no article has yet."""
    return slugs.unique_slug(title, Article.slug, "praktijkvoorbeeld")


def rendered_sections(value: Callable[[str], str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Render each section field on its own; return (heading, html) pairs and removal notices.

    value(name) gives a field's Markdown. Each notice names its section ("Aanpak: ...").
    """
    sections, removed = [], []
    for heading, name in SECTIONS:
        html, notices = render.render_with_notices(value(name) or "")
        sections.append((heading, html))
        removed.extend(f"{heading}: {notice}" for notice in notices)
    return sections, removed


def as_article_state(submission: Submission) -> dict[str, Any]:
    """Return the article a submission becomes, as the plain data `publishing` takes."""
    # Each field is closed off on its own: a fence left open in one section must not run on
    # through the headings of the next ones once the fields become one article body.
    body = "\n\n".join(
        f"## {heading}\n\n{render.close_fences(getattr(submission, name))}"
        for heading, name in SECTIONS
        if getattr(submission, name).strip()
    )
    return {
        "title": submission.title,
        "kind": "praktijkvoorbeeld",
        "summary": submission.summary,
        "body_md": body,
        "reference_date": utcnow().strftime("%Y-%m"),
        "themes": list(submission.themes or []),
        "advice": list(submission.advice or []),
        "sectors": list(submission.sectors or []),
        "regions": [submission.region.slug] if submission.region else [],
        "related": [],
        "citations": [{"organisation": submission.organisation}],
    }


def publish(submission: Submission, editor: User, expected_version: int | None = None) -> Article:
    """Turn the submission into an ordinary published article, cited to its organisation.

    expected_version is the version the editor confirmed: a change since then is a conflict.
    """
    problems = publish_problems(submission)
    if problems:
        raise TransitionError(" ".join(problems))
    _transition(submission, OPEN, "published", expected_version)
    article = publishing.create_article(
        unique_slug(submission.title), "submission", as_article_state(submission)
    )
    submission.article = article
    _event(submission, "published", editor)
    publishing.commit_and_index()
    _notify(notifications.published, submission)
    return article
