"""Editors manage the groups under /redactie/groepen: create, change, archive, CoP groups."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb import groups, queries
from kb.accounts import require_role
from kb.forms import ActionForm, choices
from kb.models import db

bp = Blueprint("groups_admin", __name__, url_prefix="/redactie/groepen")


@bp.before_request
def _editors_only():
    # One guard for the whole blueprint, so no route can be added without it.
    return require_role("editor")


def _form(group: groups.Group | None = None) -> groups.forms.GroupForm:
    form = groups.forms.GroupForm(obj=group)
    cops = db.session.scalars(queries.filtered({"kind": [queries.COP_KIND]})).unique()
    form.article.choices = choices([("", "—"), *((str(a.id), a.title) for a in cops)])
    if group is not None and request.method == "GET":
        form.article.data = str(group.article_id or "")  # obj= gave the Article row itself
    return form


def _article_id(form: groups.forms.GroupForm) -> int | None:
    value = form.article.data or ""
    return int(value) if value.isdigit() else None


@bp.route("/", methods=["GET", "POST"])
def manage():
    """All groups (also closed ones: editors manage them), and a form for a new one."""
    form = _form()
    if form.validate_on_submit():
        group = groups.create_group(
            form.name.data, form.description.data or "", form.kind.data, form.visibility.data,
            current_user.row, _article_id(form),
        )  # fmt: skip
        flash(f"Groep ‘{group.name}’ aangemaakt. U bent er begeleider van.", "success")
        return redirect(url_for("groups.group", slug=group.slug), code=303)
    rows = groups.all_groups()
    return render_template(
        "groups/admin.html", groups_=rows, form=form, action=ActionForm(),
        kinds=groups.KIND_LABELS, visibilities=groups.VISIBILITY_LABELS,
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/<slug>/bewerken", methods=["GET", "POST"])
def edit(slug: str):
    """Change a group's name, description and access."""
    group = groups.by_slug(slug) or abort(404)
    form = _form(group)
    if form.validate_on_submit():
        groups.update_group(group, current_user.row, form.name.data,
                            form.description.data or "", form.visibility.data,
                            _article_id(form))  # fmt: skip
        flash("De groep is opgeslagen.", "success")
        return redirect(url_for("groups.group", slug=slug), code=303)
    return render_template("groups/admin_edit.html", group=group, form=form,
                           action=ActionForm()), 400 if form.errors else 200  # fmt: skip


@bp.post("/<slug>/<any(archiveren, terughalen):step>")
def archive(slug: str, step: str):
    """Archive a group (read-only for its members) or bring it back."""
    group = groups.by_slug(slug) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    groups.set_archived(group, current_user.row, step == "archiveren")
    flash("De groep is gearchiveerd." if step == "archiveren" else "De groep is weer actief.",
          "success")  # fmt: skip
    return redirect(url_for("groups_admin.manage"), code=303)


@bp.post("/cop-groepen")
def cop_groups():
    """Make a group for every Community of Practice that has none yet."""
    if not ActionForm().validate_on_submit():
        abort(400)
    made = groups.ensure_cop_groups()
    flash(f"{len(made)} CoP-groep(en) aangemaakt." if made else "Elke CoP heeft al een groep.",
          "success")  # fmt: skip
    return redirect(url_for("groups_admin.manage"), code=303)
