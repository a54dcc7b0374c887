"""The editors' side of oproepen (/redactie/oproepen): write calls, see what came in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from kb import calls, queries
from kb.accounts import require_role
from kb.forms import KBForm, choices, line_field
from kb.models import Call, db

bp = Blueprint("calls_editor", __name__, url_prefix="/redactie/oproepen")


class CallForm(KBForm):
    """An oproep: what it asks for and until when."""

    title = line_field("Titel", 300)
    text_md = TextAreaField("Tekst (Markdown)", validators=[Optional(), Length(max=10_000)])
    advice_number = SelectField("Advies", validators=[Optional()])
    theme_slug = SelectField("Thema", validators=[Optional()])
    region_slug = SelectField("Regio", validators=[Optional()])
    closes_on = DateField("Sluit op (niet verplicht)", validators=[Optional()])
    from_query = line_field("Naar aanleiding van zoekvraag (niet verplicht)", 500, required=False)
    published = BooleanField("Openbaar maken")


def _fill(form: CallForm) -> CallForm:
    form.advice_number.choices = choices(
        [("", "—")] + [(str(a.number), f"Advies {a.number}: {a.label}")
                       for a in queries.advice_list()])  # fmt: skip
    form.theme_slug.choices = choices([("", "—")] + [(t.slug, t.label) for t in queries.themes()])
    form.region_slug.choices = choices([("", "—")] + [(r.slug, r.name) for r in queries.regions()])
    return form


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


@bp.get("/")
def manage():
    """List every call with what came in per status."""
    return render_template("calls/manage.html", calls=calls.all_calls(),
                           counts=calls.response_counts())  # fmt: skip


@bp.route("/nieuw", methods=["GET", "POST"], defaults={"call_id": None})
@bp.route("/<int:call_id>", methods=["GET", "POST"])
def edit(call_id: int | None):
    """Write or change a call; a new one can start from a search gap or a matrix cell."""
    row = db.session.get(Call, call_id) if call_id else None
    if call_id and row is None:
        abort(404)
    form = _fill(CallForm(obj=row))
    if row is None and request.method == "GET":
        form.from_query.data = request.args.get("zoekvraag", "")[:500]
        form.advice_number.data = request.args.get("advies", "")
        form.theme_slug.data = request.args.get("thema", "")
        if form.from_query.data and not form.title.data:
            form.title.data = f"Gezocht: voorbeelden over “{form.from_query.data}”"
    elif row is not None and request.method == "GET":
        form.advice_number.data = str(row.advice_number or "")
    if form.validate_on_submit():
        saved = calls.save_call(row, form.data)
        flash(f"Oproep “{saved.title}” opgeslagen.", "success")
        return redirect(url_for("calls_editor.manage"), code=303)
    return render_template("calls/edit.html", form=form, call=row), 400 if form.errors else 200
