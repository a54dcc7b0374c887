"""The editors' team work (/redactie): "Mijn werk", assigning, confirming attachments, versions.

The review page itself lives in `curation`; this module adds what a team needs around it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb import diff, submissions
from kb.accounts import require_role
from kb.forms import ActionForm, choices
from kb.models import Submission, db
from kb.security import query_int

bp = Blueprint("curation_team", __name__, url_prefix="/redactie")

NOBODY = ("", "— niemand —")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _load(submission_id: int) -> Submission:
    return db.session.get(Submission, submission_id) or abort(404)


def assign_form(submission: Submission, formdata: Any = None) -> submissions.AssignForm:
    """Return the assignment form with every editor as a choice, set to the current assignee."""
    form = submissions.AssignForm(formdata=formdata)
    form.assignee.choices = choices([NOBODY, *((u.id, u.name) for u in submissions.editors())])
    if formdata is None:
        form.assignee.data = str(submission.assignee_id or "")
    return form


def review_context(submission: Submission, **forms: Any) -> dict[str, Any]:
    """Return what the review page shows of the team work: assignee, notes, attachments."""
    return {
        "assign_form": assign_form(submission),
        "comment_form": forms.get("comment_form")
        or submissions.CommentForm(formdata=None, prefix="notitie"),
        "comments": submissions.comments(submission.id),
        "conflict": forms.get("conflict") is not None,
        "conflict_diffs": diff.compare(
            submissions.state_of(submission), forms["conflict"], field_labels()
        )
        if forms.get("conflict") is not None
        else [],
        "attachment_form": ActionForm(formdata=None),
        "type_label": submissions.type_label,
        "readable_size": submissions.readable_size,
    }


def field_labels() -> list[tuple[str, str]]:
    """Return (field name, label) of a submission's fields, for a diff."""
    return [(name, label[:1].upper() + label[1:]) for name, label in
            submissions.FIELD_LABELS.items()]  # fmt: skip


def taxonomy_labels(submission: Submission) -> dict[str, list[str]]:
    """Return the submission's region, themes, adviezen and sectors as their labels."""
    state = submissions.state_of(submission)
    return {name: diff.labels(name, state[name]) for name in
            ("region", "themes", "advice", "sectors")}  # fmt: skip


@bp.get("/mijn-werk")
def my_work():
    """List the open submissions assigned to the logged-in editor."""
    return render_template(
        "curation/my_work.html",
        submissions=submissions.assigned_to(current_user.id),
        status_labels=submissions.STATUS_LABELS,
    )


@bp.post("/inzending/<int:submission_id>/toewijzen")
def assign(submission_id: int):
    """Give the submission to an editor (or to nobody)."""
    submission = _load(submission_id)
    form = assign_form(submission, request.form)
    if not form.validate_on_submit():
        flash("Niet toegewezen: kies een redacteur uit de lijst.", "error")
        return redirect(url_for("curation.review", submission_id=submission_id), code=303)
    value = form.assignee.data
    try:
        assignee = submissions.assign(submission, int(value) if value else None)
    except submissions.TeamError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Toegewezen aan {assignee.name}." if assignee else "Toewijzing opgeheven.",
              "success")  # fmt: skip
    return redirect(url_for("curation.review", submission_id=submission_id), code=303)


@bp.post("/inzending/<int:submission_id>/bijlagen")
def confirm_attachments(submission_id: int):
    """Confirm which attachments (of those the submitter allowed) the article may offer."""
    submission = _load(submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = {int(v) for v in request.form.getlist("publiceer_bijlage") if v.isdigit()}
    confirmed = submissions.confirm_attachments(submission, chosen)
    flash(f"Bijlagen bij het artikel: {len(confirmed)} bevestigd.", "success")
    url = url_for("curation.review", submission_id=submission_id)
    return redirect(url + "#bijlagen-kop", code=303)


@bp.get("/inzending/<int:submission_id>/versies")
def versions(submission_id: int):
    """Compare any two versions of a submission's fields (default: the last two)."""
    submission = _load(submission_id)
    kept = submissions.history(submission.id)
    current = submissions.state_of(submission)
    numbers = [v.number for v in kept]
    by_number = {v.number: v.data for v in kept}
    if not numbers or numbers[-1] != submission.version:
        # The fields as they are now (a status step raises the version without a new copy).
        by_number[submission.version] = current
        numbers.append(submission.version)
    new = query_int("naar", numbers[-1])
    old = query_int("van", numbers[-2] if len(numbers) > 1 else numbers[-1])
    if old not in by_number or new not in by_number:
        abort(404)
    return render_template(
        "curation/versions.html",
        submission=submission,
        kept={v.number: v for v in kept},
        numbers=numbers,
        old=old,
        new=new,
        diffs=diff.compare(by_number[old], by_number[new], field_labels()),
    )
