"""News and agenda: /nieuws, /agenda, an event's page with sign-up, and calendar files."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for

from kb import accounts, agenda, mail, queries
from kb.agenda.forms import SignupForm
from kb.models import Event, NewsItem, db

bp = Blueprint("agenda", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"


@bp.get("/nieuws")
def news():
    """List the news items, newest first."""
    return render_template("agenda/news.html", items=agenda.latest())


@bp.get("/nieuws/<int:item_id>")
def news_item(item_id: int):
    """Show one news item."""
    item = db.session.get(NewsItem, item_id) or abort(404)
    article = queries.article_by_slug(item.article_slug) if item.article_slug else None
    return render_template("agenda/news_item.html", item=item, article=article)


@bp.get("/agenda")
def events():
    """List the bijeenkomsten that have not ended yet."""
    return render_template("agenda/events.html", events=agenda.upcoming(), when=agenda.when,
                           cops=agenda.cops())  # fmt: skip


def _event_page(event: Event, form: SignupForm, status: int = 200):
    return render_template(
        "agenda/event.html", event=event, form=form, when=agenda.when,
        state=agenda.signup_state(event), cops=agenda.cops(),
    ), status  # fmt: skip


@bp.route("/agenda/<int:event_id>", methods=["GET", "POST"])
def event(event_id: int):
    """Show a bijeenkomst and take sign-ups (capacity and closing date respected)."""
    row = db.session.get(Event, event_id) or abort(404)
    form = SignupForm()
    if not form.is_submitted():
        return _event_page(row, form)
    if not form.validate():
        return _event_page(row, form, 400)
    config = current_app.config
    address = accounts.client_address()
    if accounts.limit_reached("event-signup", address, config["SUBMISSIONS_PER_ADDRESS"],
                              config["RATE_WINDOW_SECONDS"]):  # fmt: skip
        flash("U heeft zich vanaf dit adres al vaak aangemeld. Probeer het later opnieuw.", "error")
        return _event_page(row, form, 429)
    accounts.record_attempt("event-signup", address)
    email = accounts.normalise_email(form.email.data)
    try:
        agenda.sign_up(row, form.name.data, form.organisation.data, email)
    except agenda.SignupRefused as refused:
        flash(str(refused), "error")
        return _event_page(row, form, 409)
    _confirm_by_mail(row, email, form.name.data)
    flash(f"U bent aangemeld voor “{row.title}”. U krijgt een bevestiging per e-mail.", "success")
    return redirect(url_for("agenda.event", event_id=row.id), code=303)


def _confirm_by_mail(event: Event, email: str, name: str) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    body = render_template("mail/event_signup.txt", event=event, name=name, when=agenda.when,
                           page=base + url_for("agenda.event", event_id=event.id),
                           ics=base + url_for("agenda.event_ics", event_id=event.id))  # fmt: skip
    mail.send_mail(email, f"Aangemeld: {event.title}", body)


@bp.get("/agenda/<int:event_id>.ics")
def event_ics(event_id: int):
    """Download one bijeenkomst for a calendar program."""
    row = db.session.get(Event, event_id) or abort(404)
    response = Response(agenda.calendar([row], row.title), content_type=ICS_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="bijeenkomst-{row.id}.ics"'
    return response


@bp.get("/agenda/cop/<slug>.ics")
def cop_calendar(slug: str):
    """A calendar feed of one Community of Practice's bijeenkomsten (subscribe by URL)."""
    title = agenda.cops().get(slug) or abort(404)
    return Response(agenda.calendar(agenda.of_cop(slug), f"Bijeenkomsten {title}"),
                    content_type=ICS_TYPE)  # fmt: skip
