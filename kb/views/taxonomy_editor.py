"""Editors shape the taxonomy under /redactie/taxonomie: themes, sectors, regions, adviezen,
synonyms, and the history of every change with "Ongedaan maken"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb import taxonomy
from kb.accounts import require_role
from kb.forms import ActionForm, choices
from kb.taxonomy import TaxonomyError

bp = Blueprint("taxonomy_editor", __name__, url_prefix="/redactie/taxonomie")
SEGMENTS = "any(thema, sector, regio, advies)"


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _subject(segment: str) -> taxonomy.Subject:
    return taxonomy.BY_SEGMENT[segment]


def _row(subject: taxonomy.Subject, key: str):
    return taxonomy.find(subject, key) or abort(404)


def _key(subject: taxonomy.Subject, row) -> str:
    return str(row.number if subject.name == "advice" else row.slug)


def _show_error(form, error: TaxonomyError) -> None:
    field = form[error.field] if error.field and error.field in form._fields else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


@bp.get("/")
def overview():
    """List every vocabulary with its published article counts (one grouped query)."""
    lists = [(s, taxonomy.rows(s)) for s in taxonomy.SUBJECTS.values()]
    return render_template("taxonomy/overview.html", lists=lists,
                           counts=taxonomy.article_counts())  # fmt: skip


@bp.route(f"/<{SEGMENTS}:segment>/nieuw", methods=["GET", "POST"])
def add(segment: str):
    """Add a theme, sector or region."""
    subject = _subject(segment)
    if subject.name == "advice":
        abort(404)
    form = taxonomy.form_for(subject)
    if form.validate_on_submit():
        try:
            row = taxonomy.add(subject, taxonomy.form_data(form), current_user.row)
        except TaxonomyError as error:
            _show_error(form, error)
        else:
            flash(f"{subject.singular.capitalize()} toegevoegd.", "success")
            return redirect(url_for(".edit", segment=segment, key=row.slug), code=303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("taxonomy/edit.html", subject=subject, row=None, form=form,
                           merge=None, action=ActionForm()), status  # fmt: skip


@bp.route(f"/<{SEGMENTS}:segment>/<key>", methods=["GET", "POST"])
def edit(segment: str, key: str):
    """Rename a row (its old address redirects), or change its details."""
    subject = _subject(segment)
    row = _row(subject, key)
    form = taxonomy.form_for(subject, row)
    if form.validate_on_submit():
        try:
            changed = taxonomy.edit(subject, row, taxonomy.form_data(form), current_user.row)
        except TaxonomyError as error:
            _show_error(form, error)
        else:
            flash("Opgeslagen." if changed else "Er was niets veranderd.", "success")
            return redirect(url_for(".edit", segment=segment, key=_key(subject, row)), code=303)
    status = 400 if form.errors or form.form_errors else 200
    merge = _merge_form(subject, row)
    return render_template("taxonomy/edit.html", subject=subject, row=row, form=form,
                           merge=merge, action=ActionForm()), status  # fmt: skip


def _merge_form(subject: taxonomy.Subject, row) -> taxonomy.MergeForm | None:
    if subject.name != "theme":
        return None
    form = taxonomy.MergeForm(prefix="samenvoegen")
    others = [(t.slug, t.label) for t in taxonomy.rows(subject) if t.id != row.id]
    form.target.choices = choices([("", "— kies een thema —"), *others])
    return form


@bp.post(f"/<{SEGMENTS}:segment>/<key>/<any(uitfaseren, terugzetten):change>")
def retire(segment: str, key: str, change: str):
    """Retire a row (no longer offered; articles keep it), or take it into use again."""
    subject = _subject(segment)
    row = _row(subject, key)
    if ActionForm().validate_on_submit():
        try:
            taxonomy.set_retired(subject, row, change == "uitfaseren", current_user.row)
            flash("Uitgefaseerd." if change == "uitfaseren" else "Weer in gebruik.", "success")
        except TaxonomyError as error:
            flash(str(error), "error")
    return redirect(url_for(".edit", segment=segment, key=key), code=303)


@bp.post("/thema/<key>/samenvoegen")
def merge(key: str):
    """Merge this theme into another: every article retagged, the old address redirects."""
    subject = taxonomy.SUBJECTS["theme"]
    source = _row(subject, key)
    form = _merge_form(subject, source)
    target = taxonomy.find_theme(form.target.data or "") if form.validate_on_submit() else None
    if target is None:
        flash("Kies het thema om mee samen te voegen.", "error")
        return redirect(url_for(".edit", segment="thema", key=key) + "#samenvoegen", code=303)
    label = source.label
    count = taxonomy.merge(source, target, current_user.row)
    flash(f"‘{label}’ is samengevoegd met ‘{target.label}’: {count} artikelen kregen het "
          "thema erbij. Het oude adres stuurt door.", "success")  # fmt: skip
    return redirect(url_for(".edit", segment="thema", key=target.slug), code=303)


# --- synonyms ---------------------------------------------------------------------------------


@bp.get("/synoniemen")
def synonyms():
    """List the synonym and abbreviation groups."""
    return render_template("taxonomy/synonyms.html", groups=taxonomy.synonym_groups())


@bp.route("/synoniemen/nieuw", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/synoniemen/<int:group_id>", methods=["GET", "POST"])
def synonym(group_id: int | None):
    """Add or change a group; "Voorbeeld" shows what queries will also search on first."""
    row = None if group_id is None else taxonomy.synonym_group(group_id) or abort(404)
    term = request.args.get("term", "").strip()[:200]
    initial = "\n".join(row.terms) if row else term
    form = taxonomy.SynonymForm(data={"terms": initial, "probe": term})
    preview = None
    if form.validate_on_submit():
        terms = taxonomy.parse_terms(form.terms.data)
        try:
            taxonomy.check_terms(terms, group_id)
            if request.form.get("actie") != "voorbeeld":
                saved = taxonomy.save_synonyms(row, terms, current_user.row)
                flash("Synoniemen opgeslagen; de zoekfunctie gebruikt ze meteen.", "success")
                return redirect(url_for(".synonym", group_id=saved.id), code=303)
        except TaxonomyError as error:
            _show_error(form, error)
        preview = taxonomy.preview(terms, group_id, form.probe.data or "")
    elif request.method == "GET" and (row is not None or term):
        # What the query searches on today: the starting point for the editor.
        preview = taxonomy.preview(list(row.terms) if row else [term], group_id, term)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("taxonomy/synonym.html", row=row, form=form, preview=preview,
                           action=ActionForm()), status  # fmt: skip


@bp.get("/synoniemen/voorbeeld")
def synonym_preview():
    """Return the preview as JSON, for the live preview while typing."""
    group_id = request.args.get("groep", type=int)
    terms = taxonomy.parse_terms(request.args.get("termen", "")[:6000])
    rows = taxonomy.preview(terms, group_id, request.args.get("zoekvraag", "")[:200])
    return {"rows": [{"query": r.query, "now": r.now, "after": r.after} for r in rows]}


@bp.post("/synoniemen/<int:group_id>/verwijderen")
def synonym_delete(group_id: int):
    """Delete a group; search stops treating its terms as the same at once."""
    row = taxonomy.synonym_group(group_id) or abort(404)
    if ActionForm().validate_on_submit():
        taxonomy.delete_synonyms(row, current_user.row)
        flash("Synoniemgroep verwijderd.", "success")
    return redirect(url_for(".synonyms"), code=303)


# --- history ----------------------------------------------------------------------------------


@bp.get("/geschiedenis")
def history():
    """Show every taxonomy change: who, when, before and after, with "Ongedaan maken"."""
    return render_template("taxonomy/history.html", entries=taxonomy.entries(),
                           actions=taxonomy.ACTIONS, can_undo=taxonomy.can_undo,
                           action=ActionForm())  # fmt: skip


@bp.post("/geschiedenis/<int:entry_id>/ongedaan")
def undo(entry_id: int):
    """Undo one change (one POST per entry)."""
    entry = taxonomy.entry(entry_id) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            taxonomy.undo(entry, current_user.row)
            flash("De wijziging is ongedaan gemaakt.", "success")
        except TaxonomyError as error:
            flash(str(error), "error")
    return redirect(url_for(".history"), code=303)
