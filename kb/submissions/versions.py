"""Submission versions: each content change keeps the fields as they became, for diffs.

The number of a version is the submission's `version` right after the change, so the form's
version (optimistic locking) and the versions listed on the diff page use one counter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kb import formatting
from kb.models import Submission, SubmissionVersion, User, db, utcnow
from kb.submissions.vocabulary import FIELD_LABELS, EditConflict


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


def state_of(submission: Submission) -> dict[str, Any]:
    """Return the submission's fields as plain data (a kept version, the input of a diff)."""
    data = {name: getattr(submission, name) for name in FIELD_LABELS if name != "region"}
    data["region"] = submission.region.slug if submission.region else ""
    data["themes"], data["sectors"] = list(data["themes"] or []), list(data["sectors"] or [])
    data["advice"] = [int(n) for n in data["advice"] or []]
    return data


def typed_state(data: dict[str, Any]) -> dict[str, Any]:
    """Return form data in the shape of state_of (to compare what was typed with a version)."""
    state = {name: data.get(name) for name in FIELD_LABELS}
    for name in FIELD_LABELS:
        if name not in ("themes", "sectors", "advice"):
            state[name] = (state[name] or "").strip()
    state["themes"], state["sectors"] = list(state["themes"] or []), list(state["sectors"] or [])
    state["advice"] = sorted(int(n) for n in state["advice"] or [])
    return state


def conflict(submission_id: int) -> EditConflict:
    """Describe who changed the submission since the form was shown (after a rollback)."""
    current = db.session.get(Submission, submission_id)
    db.session.refresh(current)
    last = latest(submission_id)
    who = f" door {last.actor.name}" if last and last.actor else ""
    when = f" ({formatting.local_datetime(last.created_at)})" if last else ""
    return EditConflict(
        f"Deze inzending is intussen gewijzigd{who}{when}, nadat u het formulier opende. "
        "Er is niets overschreven.",
        current.version,
    )


def claim(submission: Submission, expected: int, **values: Any) -> None:
    """Raise the version from expected by one in one UPDATE; EditConflict if it moved on."""
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.version == expected)
        .values(version=expected + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise conflict(submission.id)
    # The row already holds the new version: record it without making the object dirty.
    set_committed_value(submission, "version", expected + 1)
