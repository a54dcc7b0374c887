"""Public submission pages: the form with preview and "Lijkt op", and the private status page."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from kb import accounts, calls, submissions
from kb.accounts import login_redirect
from kb.forms import fill_choices
from kb.models import Attachment, Submission, db

log = logging.getLogger(__name__)
bp = Blueprint("submit", __name__)

BUSY = "De kennisbank is even bezet; probeer het zo opnieuw."
# The status link of the submission just sent, held in the session for one display.
_DONE_KEY = "kb_submitted"
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _private(response: Response) -> Response:
    # The status link is a secret: keep it out of caches and out of Referer headers.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _render_form(form: submissions.SubmissionForm, pending: list, preview: bool, status: int = 200):
    similar = submissions.similar_articles(f"{form.title.data or ''} {form.summary.data or ''}")
    sections, removed = (
        submissions.rendered_sections(lambda name: form[name].data) if preview else (None, [])
    )
    page = render_template(
        "submit/form.html",
        form=form,
        pending=pending,
        preview=sections,
        removed=removed,
        similar=similar,
    )
    return page, status


def _idempotency_key(form: submissions.SubmissionForm) -> str:
    """Return the form's key, or make one (a form shown before keys existed, or a bare POST)."""
    key = form.idempotency_key.data or ""
    if not _KEY_PATTERN.match(key):
        key = secrets.token_urlsafe(24)
        form.idempotency_key.data = key
    return key


def _store(form: submissions.SubmissionForm, pending: list, key: str):
    """Store the submission; on success or duplicate redirect to 'Bedankt', else re-show."""
    address = accounts.client_address()
    submitter = current_user.row if current_user.is_authenticated else None
    try:
        accounts.record_attempt("submit", address)
        call = calls.call_for_submission(form.call.data)
        _submission, token = submissions.create(
            submissions.form_data(form), pending, submitter, idempotency_key=key,
            call_id=call.id if call else None,
        )
    except submissions.DuplicateSubmission:
        # A concurrent copy of this form (double click) was stored first: its files are there.
        for item in pending:
            submissions.discard_pending(item)
        return redirect(url_for("submit.done"), code=303)
    except OperationalError:  # the database is locked by another writer: keep everything
        db.session.rollback()
        log.warning("Inzending niet opgeslagen: database bezet (adres %s)", address)
        form.form_errors.append(BUSY)
        return _render_form(form, pending, preview=False, status=503)
    session[_DONE_KEY] = {"key": key, "url": url_for("submit.status", token=token, _external=True)}
    return redirect(url_for("submit.done"), code=303)


def _prefill(form: submissions.SubmissionForm) -> None:
    """Fill advies, theme and region from the link that opened the form (matrix, oproep)."""
    args = request.args
    for name, arg in (("advice", "advies"), ("themes", "thema"), ("region", "regio")):
        value = args.get(arg, "")
        if value and value in {choice.value for choice in form[name].choices}:
            form[name].data = value if name == "region" else [value]
    call = calls.call_for_submission(args.get("oproep"))
    if call is not None:
        form.call.data = str(call.id)


@bp.route("/voorbeeld-indienen", methods=["GET", "POST"])
def submit():
    """Show the submission form; preview it, or store it and redirect to 'Bedankt'."""
    if not current_user.is_authenticated and not current_app.config["ANONYMOUS_SUBMISSIONS"]:
        flash("Log in om een praktijkvoorbeeld in te dienen.", "info")
        return login_redirect()
    form = fill_choices(submissions.SubmissionForm())
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
        if current_user.is_authenticated:
            form.contact_name.data = current_user.name
            form.contact_email.data = current_user.email
            form.organisation.data = current_user.organisation
            form.region.data = current_user.region.slug if current_user.region else ""
        _prefill(form)
        return _render_form(form, [], preview=False)
    config, address = current_app.config, accounts.client_address()
    if form.website.data:
        log.info("Inzending met ingevuld lokveld genegeerd (adres %s)", address)
        return redirect(url_for("submit.done"), code=303)
    valid = form.validate_on_submit()
    key = _idempotency_key(form)
    if valid and submissions.by_idempotency_key(key) is not None:
        return redirect(url_for("submit.done"), code=303)  # a reload or retry of a stored form
    # Validate and apply the address's limit before any attachment is written to disk.
    limited = valid and accounts.limit_reached(
        "submit", address, config["SUBMISSIONS_PER_ADDRESS"], config["RATE_WINDOW_SECONDS"]
    )
    pending, upload_errors = submissions.collect_uploads(
        form, keep_new=valid and not limited, owner=submissions.pending_owner(address)
    )
    if limited:
        form.form_errors.append(
            "Er zijn vanaf dit adres het afgelopen uur al veel voorbeelden ingediend. Uw tekst "
            "staat hieronder nog; probeer het over een uur opnieuw."
        )
        return _render_form(form, pending, preview=False, status=429)
    if request.form.get("actie") == "voorbeeld" or not valid or upload_errors:
        return _render_form(form, pending, preview=request.form.get("actie") == "voorbeeld")
    return _store(form, pending, key)


@bp.get("/voorbeeld-indienen/bedankt")
def done():
    """The 'Bedankt' page after sending; the status link is shown once, then only e-mailed."""
    sent = session.pop(_DONE_KEY, None) or {}
    page = render_template("submit/done.html", submission=True, status_url=sent.get("url"))
    return _private(make_response(page))


@bp.get("/voorbeeld-indienen/lijkt-op")
def similar():
    """Return published articles like the typed title, as JSON for the form's live hint."""
    text = (request.args.get("titel") or "")[:300]
    return {
        "results": [
            {"title": a.title, "kind": a.kind.label, "url": url_for("public.article", slug=a.slug)}
            for a in submissions.similar_articles(text)
        ]
    }


def _status_page(
    submission: Submission, self_url: str, attachment_url: Callable[[Attachment], str]
) -> Response:
    """Show where a submission stands; when it was sent back, let the region answer."""
    form, pending = None, []
    if submission.status == "returned":
        form = fill_choices(submissions.ResubmitForm(data=submissions.initial_data(submission)))
        if request.method == "POST":
            valid = form.validate_on_submit()
            owner = submissions.pending_owner(accounts.client_address())
            pending, upload_errors = submissions.collect_uploads(form, valid, owner)
            if valid and not upload_errors:
                try:
                    submissions.resubmit(
                        submission, submissions.form_data(form), form.answer.data, pending
                    )
                except submissions.TransitionError as exc:
                    flash(str(exc), "error")
                except OperationalError:
                    db.session.rollback()
                    form.form_errors.append(BUSY)
                    return _status_form(submission, self_url, attachment_url, form, pending, 503)
                else:
                    flash("Dank u. Uw inzending staat weer bij de redactie.", "success")
                return redirect(self_url, code=303)
    elif request.method == "POST":
        flash("Deze inzending kan nu niet worden aangevuld.", "error")
        return redirect(self_url, code=303)
    return _status_form(submission, self_url, attachment_url, form, pending)


def _status_form(
    submission: Submission,
    self_url: str,
    attachment_url: Callable[[Attachment], str],
    form: submissions.ResubmitForm | None,
    pending: list,
    status: int = 200,
) -> Response:
    """Render the status page (with the answer form when the submission was sent back)."""
    sections, removed = submissions.rendered_sections(lambda name: getattr(submission, name))
    page = render_template(
        "submit/status.html",
        submission=submission,
        self_url=self_url,
        attachment_url=attachment_url,
        form=form,
        pending=pending,
        sections=sections,
        removed=removed,
        status_label=submissions.STATUS_LABELS[submission.status],
        action_labels=submissions.ACTION_LABELS,
    )
    return _private(make_response(page, status))


def _download(submission: Submission, attachment_id: int) -> Response:
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.submission_id != submission.id:
        abort(404)
    return _private(submissions.download(item))


@bp.route("/inzending/<token>", methods=["GET", "POST"])
def status(token: str):
    """The private status page, reached with the link from the confirmation."""
    submission = submissions.by_token(token) or abort(404)
    return _status_page(
        submission,
        url_for("submit.status", token=token),
        lambda a: url_for("submit.attachment", token=token, attachment_id=a.id),
    )


@bp.get("/inzending/<token>/bijlage/<int:attachment_id>")
def attachment(token: str, attachment_id: int):
    """Download one of the submission's own attachments."""
    return _download(submissions.by_token(token) or abort(404), attachment_id)


def _own(submission_id: int) -> Submission:
    """Return a submission of the logged-in member (404 for anyone else's: no probing)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.submitter_id != current_user.id:
        abort(404)
    return submission


@bp.get("/mijn-inzendingen")
def mine():
    """List the logged-in member's own submissions, newest first."""
    if not current_user.is_authenticated:
        return login_redirect()
    rows = db.session.scalars(
        select(Submission)
        .where(Submission.submitter_id == current_user.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    ).all()
    return render_template(
        "submit/mine.html", submissions=rows, status_labels=submissions.STATUS_LABELS
    )


@bp.route("/mijn-inzendingen/<int:submission_id>", methods=["GET", "POST"])
def own_status(submission_id: int):
    """The status page of one of the member's own submissions (no token needed)."""
    if not current_user.is_authenticated:
        return login_redirect()
    submission = _own(submission_id)
    return _status_page(
        submission,
        url_for("submit.own_status", submission_id=submission_id),
        lambda a: url_for("submit.own_attachment", submission_id=submission_id, attachment_id=a.id),
    )


@bp.get("/mijn-inzendingen/<int:submission_id>/bijlage/<int:attachment_id>")
def own_attachment(submission_id: int, attachment_id: int):
    """Download an attachment of one of the member's own submissions."""
    if not current_user.is_authenticated:
        return login_redirect()
    return _download(_own(submission_id), attachment_id)
