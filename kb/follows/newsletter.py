"""The visitors' newsletter: double opt-in, nothing is sent before the address is confirmed.

The answer on screen is the same whether or not an address is known; only its owner learns
more, by mail.
"""

from __future__ import annotations

from flask import current_app, render_template, url_for
from sqlalchemy import delete, select

from kb import mail
from kb.accounts import client_address, limit_reached, record_attempt
from kb.follows import links
from kb.models import DigestState, Subscriber, db, utcnow


def subscribe(email: str) -> None:
    """Register an address and mail it a confirmation link (unless limited); commits."""
    config = current_app.config
    address = client_address()
    window = config["RATE_WINDOW_SECONDS"]
    if limit_reached("newsletter-address", address, config["REGISTRATIONS_PER_ADDRESS"], window) \
            or limit_reached("newsletter-email", email, 3, window):  # fmt: skip
        return  # the same answer on screen; nothing mailed
    record_attempt("newsletter-address", address)
    record_attempt("newsletter-email", email)
    row = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
    if row is not None and row.confirmed_at is not None:
        db.session.commit()
        return  # already subscribed: nothing to confirm, nothing revealed
    token, hashed = links.new_confirm_token()
    if row is None:
        row = Subscriber(email=email)
        db.session.add(row)
    row.confirm_hash = hashed
    db.session.commit()
    confirm = config["BASE_URL"].rstrip("/") + url_for("follows.confirm", token=token)
    mail.send_mail(email, "Bevestig uw aanmelding voor de nieuwsbrief",
                   render_template("mail/newsletter_confirm.txt", confirm=confirm))


def confirm(token: str) -> bool:
    """Confirm the address this token was sent to; False for an unknown or used token."""
    row = db.session.scalar(
        select(Subscriber).where(Subscriber.confirm_hash == links.token_hash(token))
    )
    if row is None:
        return False
    row.confirmed_at, row.confirm_hash = utcnow(), None
    db.session.commit()
    return True


def remove_subscriber(subscriber_id: int) -> None:
    """Forget a subscriber entirely (address and digest state); commits."""
    db.session.execute(delete(DigestState).where(
        DigestState.recipient == f"subscriber:{subscriber_id}"))  # fmt: skip
    db.session.execute(delete(Subscriber).where(Subscriber.id == subscriber_id))
    db.session.commit()
