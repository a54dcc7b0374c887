"""Editors shape leeslijsten under /redactie/leeslijsten: make, fill, annotate and reorder."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from kb import collections, queries
from kb.accounts import require_role
from kb.forms import ActionForm, KBForm, choices, line_field
from kb.models import CollectionItem, db

bp = Blueprint("collections_editor", __name__, url_prefix="/redactie/leeslijsten")


class CollectionForm(KBForm):
    """A leeslijst's title, description and where it belongs."""

    title = line_field("Titel", 300)
    description = TextAreaField("Beschrijving", validators=[Optional(), Length(max=2000)])
    context_kind = SelectField("Hoort bij", choices=choices(collections.CONTEXTS.items()))
    context_key = SelectField("Welke", validators=[Optional()])
    published = BooleanField("Openbaar", default=True)


def _fill(form: CollectionForm) -> CollectionForm:
    cops = [(a.slug, a.title) for a in db.session.scalars(
        queries.filtered({"kind": [queries.COP_KIND]})).unique()]  # fmt: skip
    options = [("", "—")]
    options += [(slug, f"CoP: {title}") for slug, title in cops]
    options += [(str(a.number), f"Advies {a.number}: {a.label}") for a in queries.advice_list()]
    options += [(t.slug, f"Thema: {t.label}") for t in queries.themes()]
    form.context_key.choices = choices(options)
    return form


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _collection(slug: str):
    return collections.by_slug(slug) or abort(404)


def _item(row, item_id: int) -> CollectionItem:
    item = db.session.get(CollectionItem, item_id)
    if item is None or item.collection_id != row.id:
        abort(404)
    return item


@bp.route("/", methods=["GET", "POST"])
def manage():
    """List the leeslijsten and make a new one."""
    form = _fill(CollectionForm())
    if form.validate_on_submit():
        try:
            row = collections.save_collection(None, form.data)
        except collections.CollectionError as error:
            form.title.errors.append(str(error))
        else:
            flash(f"Leeslijst “{row.title}” gemaakt. Voeg artikelen toe vanaf hun pagina of "
                  "vanuit de zoekresultaten.", "success")  # fmt: skip
            return redirect(url_for("collections_editor.edit", slug=row.slug), code=303)
    return render_template("collections/manage.html", collections=collections.all_collections(),
                           form=form), 400 if form.errors else 200  # fmt: skip


@bp.route("/<slug>", methods=["GET", "POST"])
def edit(slug: str):
    """Change a leeslijst's details, and its items' order and notes."""
    row = _collection(slug)
    form = _fill(CollectionForm(obj=row))
    if form.validate_on_submit():
        collections.save_collection(row, form.data)
        flash("Leeslijst opgeslagen.", "success")
        return redirect(url_for("collections_editor.edit", slug=slug), code=303)
    return render_template("collections/edit.html", collection=row, form=form,
                           entries=collections.entries(row), action=ActionForm()), \
        400 if form.errors else 200  # fmt: skip


@bp.post("/<slug>/toevoegen")
def add(slug: str):
    """Add an article (from its page or the search results) to a leeslijst."""
    # From an article page the editor picks the list in the form: the URL says "kies".
    row = _collection(request.form.get("collection", "") if slug == "kies" else slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    article_slug = request.form.get("article", "")
    try:
        collections.add_item(row, article_slug, request.form.get("note", ""))
        flash(f"Toegevoegd aan “{row.title}”.", "success")
    except collections.CollectionError as error:
        flash(str(error), "error")
    if request.form.get("back") == "article" and queries.article_by_slug(article_slug):
        return redirect(url_for("public.article", slug=article_slug), code=303)
    if request.form.get("back") == "search":
        return redirect(_back_to_search(request.form.get("search", ""), row.slug, article_slug),
                        code=303)  # fmt: skip
    return redirect(url_for("collections_editor.edit", slug=row.slug), code=303)


def _back_to_search(query: str, collection: str, article: str) -> str:
    # Only a query string is taken from the form, re-encoded: never a URL to redirect to.
    pairs = [(k, v) for k, v in parse_qsl(query[:4000]) if k != "leeslijst"]
    pairs.append(("leeslijst", collection))
    return f"{url_for('search.search_page')}?{urlencode(pairs)}#resultaat-{quote(article)}"


@bp.post("/<slug>/items/<int:item_id>/<any(omhoog, omlaag):direction>")
def move(slug: str, item_id: int, direction: str):
    """Move an item one place up or down (buttons: works with keyboard and without script)."""
    row = _collection(slug)
    item = _item(row, item_id)
    if ActionForm().validate_on_submit():
        collections.move(row, item.id, -1 if direction == "omhoog" else 1)
    return redirect(url_for("collections_editor.edit", slug=slug) + f"#item-{item_id}", code=303)


@bp.post("/<slug>/volgorde")
def reorder(slug: str):
    """Save the order the editor dragged the items into (sent by static/js/collections.js)."""
    row = _collection(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        collections.reorder(row, request.form.getlist("order", type=int))
    except collections.CollectionError as error:
        return str(error), 409, {"Content-Type": "text/plain; charset=utf-8"}
    return redirect(url_for("collections_editor.edit", slug=slug), code=303)


@bp.post("/<slug>/items/<int:item_id>/notitie")
def note(slug: str, item_id: int):
    """Change why an item is worth reading."""
    row = _collection(slug)
    item = _item(row, item_id)
    if ActionForm().validate_on_submit():
        collections.set_note(item, request.form.get("note", ""))
        flash("Toelichting opgeslagen.", "success")
    return redirect(url_for("collections_editor.edit", slug=slug) + f"#item-{item_id}", code=303)


@bp.post("/<slug>/items/<int:item_id>/verwijderen")
def remove(slug: str, item_id: int):
    """Take an item out of the leeslijst."""
    row = _collection(slug)
    item = _item(row, item_id)
    if ActionForm().validate_on_submit():
        collections.remove_item(item)
        flash("Uit de leeslijst gehaald.", "success")
    return redirect(url_for("collections_editor.edit", slug=slug), code=303)
