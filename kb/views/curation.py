"""The editors' side (/redactie): the submission queue, review, edit, publish, send back, reject."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from kb import dashboard, queries, submissions
from kb.accounts import require_role
from kb.forms import ActionForm, MessageForm, fill_choices
from kb.models import Attachment, Submission, db
from kb.security import query_int

bp = Blueprint("curation", __name__, url_prefix="/redactie")

# Queue tabs: URL value -> (label, statuses shown)
TABS = {
    "open": ("Te beoordelen", ("submitted",)),
    "teruggestuurd": ("Teruggestuurd", ("returned",)),
    "gepubliceerd": ("Gepubliceerd", ("published",)),
    "afgewezen": ("Afgewezen", ("rejected",)),
}


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


@bp.get("/")
def queue():
    """List submissions, oldest first, with a count per status."""
    tab = request.args.get("status", "open")
    if tab not in TABS:
        tab = "open"
    by_status = select(Submission.status, func.count()).group_by(Submission.status)
    counts = dict(db.session.execute(by_status).all())
    totals = {key: sum(counts.get(s, 0) for s in tab_statuses)
              for key, (_, tab_statuses) in TABS.items()}  # fmt: skip
    per_page = current_app.config["EDITOR_QUEUE_PER_PAGE"]
    page = queries.Page(items=[], total=totals[tab], page=query_int("pagina", 1),
                        per_page=per_page)  # fmt: skip
    rows = db.session.scalars(
        select(Submission)
        .where(Submission.status.in_(TABS[tab][1]))
        .order_by(Submission.created_at, Submission.id)
        .limit(per_page).offset((page.page - 1) * per_page)
    ).all()
    return render_template(
        "curation/queue.html",
        tabs=TABS,
        tab=tab,
        counts=totals,
        page=page,
        submissions=rows,
        status_labels=submissions.STATUS_LABELS,
        dash=dashboard.dashboard(),
    )


def _load(submission_id: int) -> Submission:
    return db.session.get(Submission, submission_id) or abort(404)


def _review_page(
    submission: Submission, form: submissions.EditorSubmissionForm | None = None, **forms
):
    form = form or fill_choices(
        submissions.EditorSubmissionForm(formdata=None, data=submissions.initial_data(submission)),
        keep_retired=True,
    )
    sections, removed = submissions.rendered_sections(lambda name: getattr(submission, name))
    return render_template(
        "curation/review.html",
        submission=submission,
        form=form,
        action_form=forms.get("action_form") or ActionForm(formdata=None),
        return_form=forms.get("return_form") or MessageForm(formdata=None, prefix="vraag"),
        reject_form=forms.get("reject_form") or MessageForm(formdata=None, prefix="reden"),
        summary=submission.summary,
        sections=sections,
        removed=removed,
        similar=[
            a
            for a in submissions.similar_articles(f"{submission.title} {submission.summary}")
            if a.id != submission.article_id
        ],
        problems=submissions.publish_problems(submission),
        status_label=submissions.STATUS_LABELS[submission.status],
        action_labels=submissions.ACTION_LABELS,
        is_open=submission.status in submissions.OPEN,
    )


@bp.get("/inzending/<int:submission_id>")
def review(submission_id: int):
    """Show a submission: sanitised preview, attachments, history, edit form and actions."""
    return _review_page(_load(submission_id))


@bp.post("/inzending/<int:submission_id>")
def save(submission_id: int):
    """Save an editor's changes to the fields and taxonomy."""
    submission = _load(submission_id)
    form = fill_choices(submissions.EditorSubmissionForm(), keep_retired=True)
    if not form.validate_on_submit():
        flash("Niet opgeslagen: verbeter de velden met een melding.", "error")
        return _review_page(submission, form), 200
    try:
        changed = submissions.edit(submission, current_user.row, submissions.form_data(form))
    except submissions.TransitionError as exc:
        flash(str(exc), "error")
    else:
        flash("Opgeslagen: " + ", ".join(changed) if changed else "Niets gewijzigd.", "success")
    return redirect(url_for("curation.review", submission_id=submission_id), code=303)


@bp.post("/inzending/<int:submission_id>/publiceren")
def publish(submission_id: int):
    """Publish the submission as an article."""
    submission = _load(submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        article = submissions.publish(submission, current_user.row)
    except submissions.TransitionError as exc:
        flash(f"Niet gepubliceerd: {exc}", "error")
        return redirect(url_for("curation.review", submission_id=submission_id), code=303)
    flash(f"Gepubliceerd als artikel ‘{article.title}’.", "success")
    return redirect(url_for("curation.review", submission_id=submission_id), code=303)


@bp.post("/inzending/<int:submission_id>/terugsturen")
def send_back(submission_id: int):
    """Send the submission back to the region with a question."""
    return _message_step(
        submission_id, "vraag", "return_form", submissions.send_back,
        "Teruggestuurd; de indiener krijgt uw vraag per e-mail.",
    )  # fmt: skip


@bp.post("/inzending/<int:submission_id>/afwijzen")
def reject(submission_id: int):
    """Reject the submission with a reason."""
    return _message_step(
        submission_id, "reden", "reject_form", submissions.reject,
        "Afgewezen; de indiener krijgt de reden per e-mail.",
    )  # fmt: skip


def _message_step(submission_id: int, prefix: str, form_name: str, step, done: str):
    """Run a review step that needs a message (question or reason) from the editor."""
    submission = _load(submission_id)
    form = MessageForm(prefix=prefix)
    if not form.validate_on_submit():
        # Show the review page again with the editor's text and the error next to it.
        return _review_page(submission, **{form_name: form}), 200
    try:
        step(submission, current_user.row, form.message.data)
    except submissions.TransitionError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("curation.review", submission_id=submission_id), code=303)


@bp.get("/bijlage/<int:attachment_id>")
def attachment(attachment_id: int):
    """Download a submitted attachment."""
    return submissions.download(db.session.get(Attachment, attachment_id) or abort(404))
