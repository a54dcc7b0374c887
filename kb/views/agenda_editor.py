"""Editors manage news and bijeenkomsten under /redactie/nieuws and /redactie/bijeenkomsten."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from kb import agenda
from kb.accounts import require_role
from kb.agenda.forms import EventForm, NewsForm
from kb.forms import ActionForm, choices
from kb.models import Event, NewsItem, db

bp = Blueprint("agenda_editor", __name__, url_prefix="/redactie")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


@bp.get("/nieuws")
def news_list():
    """List the news items with links to edit them."""
    return render_template("agenda/editor_news.html", items=agenda.latest(), form=ActionForm())


@bp.route("/nieuws/nieuw", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/nieuws/<int:item_id>", methods=["GET", "POST"])
def news_edit(item_id: int | None):
    """Write or change a news item."""
    item = db.session.get(NewsItem, item_id) if item_id else None
    if item_id and item is None:
        abort(404)
    form = NewsForm(obj=item)
    if form.validate_on_submit():
        saved = agenda.save_news(item, form.data)
        flash(f"Nieuwsbericht “{saved.title}” opgeslagen.", "success")
        return redirect(url_for("agenda_editor.news_list"), code=303)
    return render_template("agenda/editor_news_form.html", form=form, item=item), \
        400 if form.errors else 200  # fmt: skip


@bp.post("/nieuws/<int:item_id>/verwijderen")
def news_delete(item_id: int):
    """Remove a news item."""
    item = db.session.get(NewsItem, item_id) or abort(404)
    if ActionForm().validate_on_submit():
        agenda.delete_news(item)
        flash("Nieuwsbericht verwijderd.", "success")
    return redirect(url_for("agenda_editor.news_list"), code=303)


@bp.get("/bijeenkomsten")
def events_list():
    """List every bijeenkomst with its sign-ups."""
    return render_template("agenda/editor_events.html", events=agenda.all_events(),
                           when=agenda.when)  # fmt: skip


@bp.route("/bijeenkomsten/nieuw", methods=["GET", "POST"], defaults={"event_id": None})
@bp.route("/bijeenkomsten/<int:event_id>", methods=["GET", "POST"])
def event_edit(event_id: int | None):
    """Plan or change a bijeenkomst; the page also lists who signed up."""
    event = db.session.get(Event, event_id) if event_id else None
    if event_id and event is None:
        abort(404)
    form = EventForm(obj=event)
    form.cop_slug.choices = choices([("", "Geen (algemene bijeenkomst)"),
                                     *sorted(agenda.cops().items(), key=lambda p: p[1])])
    if form.validate_on_submit():
        saved = agenda.save_event(event, form.data)
        flash(f"Bijeenkomst “{saved.title}” opgeslagen.", "success")
        return redirect(url_for("agenda_editor.event_edit", event_id=saved.id), code=303)
    return render_template("agenda/editor_event_form.html", form=form, event=event,
                           when=agenda.when), 400 if form.errors else 200  # fmt: skip
