"""Submission versions: each content change keeps the fields as they became, for diffs.

The number of a version is the submission's `version` right after the change, so the form's
version (optimistic locking) and the versions listed on the diff page use one counter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.models import Submission, SubmissionVersion, User, db, utcnow


def record(submission: Submission, state: dict[str, Any], actor: User | None, note: str) -> None:
    """Keep the submission's current fields as version `submission.version` (caller commits)."""
    db.session.add(
        SubmissionVersion(
            submission_id=submission.id,
            number=submission.version,
            actor_id=actor.id if actor else None,
            note=note,
            data=state,
            created_at=utcnow(),
        )
    )


def history(submission_id: int) -> list[SubmissionVersion]:
    """Return a submission's kept versions, oldest first, with their actors loaded."""
    return list(
        db.session.scalars(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .options(selectinload(SubmissionVersion.actor))
            .order_by(SubmissionVersion.number)
        )
    )


def latest(submission_id: int) -> SubmissionVersion | None:
    """Return the newest kept version of a submission, if any."""
    return db.session.scalar(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(SubmissionVersion.number.desc())
        .limit(1)
    )
