"""The editors' team work on submissions: who takes one on, and notes among themselves.

Comments live in their own table, apart from the events that the submitter's status page and
e-mails show: nothing that lists or mails events can ever pick one up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb import changes
from kb.models import Attachment, Submission, SubmissionComment, User, db, utcnow

EDITOR_ROLES = ("editor", "admin")
COMMENT_MAX = 5000


class TeamError(ValueError):
    """A team step that cannot be done; the message is Dutch."""


def editors() -> list[User]:
    """Return the accounts that can take on a submission, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(EDITOR_ROLES), User.is_blocked.is_(False))
            .order_by(User.name, User.id)
        )
    )


def assign(submission: Submission, assignee_id: int | None) -> User | None:
    """Give the submission to an editor (None: to nobody); return the assignee."""
    assignee = None
    if assignee_id is not None:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or assignee.role not in EDITOR_ROLES or assignee.is_blocked:
            raise TeamError("Kies een redacteur uit de lijst.")
    submission.assignee = assignee
    db.session.commit()
    return assignee


def add_comment(submission: Submission, author: User, body: str) -> SubmissionComment:
    """Add an editors-only note to the submission."""
    text = (body or "").strip()
    if not text:
        raise TeamError("Schrijf een notitie voor de andere redacteuren.")
    if len(text) > COMMENT_MAX:
        raise TeamError(f"Maak de notitie korter: hoogstens {COMMENT_MAX} tekens.")
    comment = SubmissionComment(
        submission_id=submission.id, author_id=author.id, body=text, created_at=utcnow()
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def comments(submission_id: int) -> list[SubmissionComment]:
    """Return the editors' notes on a submission, oldest first, with their authors."""
    return list(
        db.session.scalars(
            select(SubmissionComment)
            .where(SubmissionComment.submission_id == submission_id)
            .options(selectinload(SubmissionComment.author))
            .order_by(SubmissionComment.created_at, SubmissionComment.id)
        )
    )


def assigned_to(user_id: int) -> list[Submission]:
    """Return the open submissions assigned to this editor, oldest first ("Mijn werk")."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.assignee_id == user_id, Submission.status.in_(("submitted", "returned"))
            )
            .options(selectinload(Submission.region))
            .order_by(Submission.created_at, Submission.id)
        )
    )


def confirm_attachments(submission: Submission, confirmed_ids: set[int]) -> list[Attachment]:
    """Confirm for publication the attachments in confirmed_ids that the submitter allowed.

    Return the confirmed ones. Others are (or become) private; the article page changes with it.
    """
    for item in submission.attachments:
        item.confirmed = item.may_publish and item.id in confirmed_ids
    changes.bump()  # the article page (cached on the counter) lists the confirmed ones
    db.session.commit()
    return [a for a in submission.attachments if a.confirmed]
