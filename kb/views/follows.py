"""Following: /mijn-kennisbank, follow buttons, saved searches, unsubscribe and the newsletter."""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb import csrf, follows
from kb.accounts import login_redirect, normalise_email
from kb.follows.forms import FollowForm, FrequencyForm, NewsletterForm, SaveSearchForm
from kb.forms import ActionForm

bp = Blueprint("follows", __name__)


@bp.app_context_processor
def follow_helpers() -> dict:
    """Let page templates draw a follow button that knows whether it is already followed."""

    def follow_of(kind: str, target: str):
        if not current_user.is_authenticated:
            return None
        return follows.find(current_user, kind, str(target))

    return {"follow_of": follow_of, "follow_form": FollowForm, "save_search_form": SaveSearchForm,
            "follow_frequencies": follows.FREQUENCIES}


def _member_only():
    return None if current_user.is_authenticated else login_redirect()


@bp.get("/mijn-kennisbank")
def mine():
    """Show what the member follows and what is new in each since their last visit."""
    if (refused := _member_only()) is not None:
        return refused
    items = follows.overview(current_user)
    page = render_template("follows/mine.html", items=items, frequencies=follows.FREQUENCIES,
                           kind_labels=follows.KIND_LABELS, form=FrequencyForm())  # fmt: skip
    follows.mark_seen(current_user)
    return page


@bp.post("/volgen")
def follow():
    """Follow a theme, region, advies or kind, then go back to its page."""
    if (refused := _member_only()) is not None:
        return refused
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    described = follows.label_and_url(form.kind.data, form.target.data or "")
    if described is None or form.kind.data == "search":
        abort(404)
    try:
        follows.follow(current_user, form.kind.data, form.target.data, form.frequency.data)
    except follows.FollowError as error:
        flash(str(error), "error")
        return redirect(described[1], code=303)
    flash(f"U volgt nu {described[0]}. Nieuwe artikelen ziet u op Mijn kennisbank.", "success")
    return redirect(described[1], code=303)  # the target's own page: never a URL from the request


@bp.post("/zoekopdracht-bewaren")
def save_search():
    """Save the search the member is looking at, under a name."""
    if (refused := _member_only()) is not None:
        return refused
    form = SaveSearchForm()
    back = url_for("search.search_page") + "?" + follows.normalise_search(
        parse_qs(form.query.data or ""))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(back, code=303)
    try:
        follows.follow(current_user, "search", form.query.data or "", form.frequency.data,
                       form.name.data)  # fmt: skip
    except follows.FollowError as error:
        flash(str(error), "error")
        return redirect(back, code=303)
    flash(f"Zoekopdracht “{form.name.data.strip()}” bewaard.", "success")
    return redirect(url_for("follows.mine"), code=303)


@bp.post("/mijn-kennisbank/<int:follow_id>/e-mail")
def frequency(follow_id: int):
    """Change how often one follow is mailed."""
    if (refused := _member_only()) is not None:
        return refused
    row = follows.owned(current_user, follow_id) or abort(404)
    form = FrequencyForm()
    if form.validate_on_submit():
        follows.set_frequency(row, form.frequency.data)
        flash("Uw keuze voor e-mail is opgeslagen.", "success")
    else:
        flash("Kies hoe vaak u e-mail wilt ontvangen.", "error")
    return redirect(url_for("follows.mine"), code=303)


@bp.post("/mijn-kennisbank/<int:follow_id>/verwijderen")
def unfollow(follow_id: int):
    """Stop following one item or saved search."""
    if (refused := _member_only()) is not None:
        return refused
    row = follows.owned(current_user, follow_id) or abort(404)
    if ActionForm().validate_on_submit():
        follows.remove(row)
        flash("U volgt dit niet meer.", "success")
    return redirect(url_for("follows.mine"), code=303)


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts without a session; the signature is the check
def unsubscribe(token: str):
    """One-click unsubscribe from a mail: GET asks, POST (or the mail client's POST) does it."""
    target = follows.read_unsubscribe(token) or abort(404)
    if request.method == "POST":
        follows.unsubscribe(*target)
        return render_template("follows/unsubscribed.html")
    return render_template("follows/unsubscribe.html", token=token)


@bp.route("/nieuwsbrief", methods=["GET", "POST"])
def newsletter():
    """Sign a visitor up for the weekly newsletter (a confirmation mail is sent first)."""
    form = NewsletterForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        follows.subscribe(email)
        return render_template("follows/newsletter_sent.html", email=email)
    return render_template("follows/newsletter.html", form=form), 400 if form.errors else 200


@bp.route("/nieuwsbrief/bevestigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm a newsletter address: GET shows a button (link scanners must not confirm)."""
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        confirmed = follows.confirm(token)
        return render_template("follows/confirmed.html", confirmed=confirmed), \
            200 if confirmed else 404  # fmt: skip
    return render_template("follows/confirm.html", form=form)
