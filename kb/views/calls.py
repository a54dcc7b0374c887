"""Oproepen: the public calls for examples (/oproepen), each opening the submission form."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for

from kb import calls, queries
from kb.models import Call, db

bp = Blueprint("calls", __name__)


@bp.get("/oproepen")
def open_calls():
    """List the open calls for examples."""
    labels = queries.facet_labels()
    return render_template("calls/list.html", calls=calls.open_calls(), labels=labels)


@bp.get("/oproepen/<int:call_id>")
def call(call_id: int):
    """Show one published call with the link that opens the submission form for it."""
    row = db.session.get(Call, call_id)
    if row is None or not row.published:
        abort(404)
    return render_template("calls/call.html", call=row, open=calls.is_open(row),
                           form_url=url_for("submit.submit", **calls.form_args(row)),
                           labels=queries.facet_labels())  # fmt: skip


