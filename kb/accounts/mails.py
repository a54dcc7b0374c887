"""The e-mails the account pages send: activation, "someone tried your address", reset link."""

from __future__ import annotations

from flask import current_app, url_for

from kb.accounts.tokens import Registration, registration_token, reset_token
from kb.mail import send_mail
from kb.models import User

SIGNATURE = "Kennisbank Onderwijs · Zorg · Jeugd\n"


def absolute_url(endpoint: str, **values: str) -> str:
    """Return a full link for an e-mail (BASE_URL, not the request's host)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def mail_activation(registration: Registration) -> None:
    """Send the link that creates the account of a registration."""
    hours = current_app.config["REGISTRATION_MAX_AGE"] // 3600
    link = absolute_url("auth.activate", token=registration_token(registration))
    # No name from the form in the greeting: whoever typed the address is not yet known to be
    # its owner, and this mail must not carry their words to someone else.
    send_mail(
        registration.email,
        "Bevestig uw account bij de kennisbank",
        "Goedendag,\n\nMet dit e-mailadres is een account aangevraagd bij de Kennisbank "
        "Onderwijs · Zorg · Jeugd. Bevestig dat het uw adres is via deze link; daarna kunt u "
        f"inloggen met het wachtwoord dat u koos:\n\n{link}\n\nDe link werkt {hours} uur. "
        "Vroeg u geen account aan? Dan kunt u dit bericht negeren; er wordt niets bewaard.\n\n"
        + SIGNATURE,
    )


def mail_existing_account(user: User) -> None:
    """Tell an account's owner that someone tried to register their address (with a reset link)."""
    reset = ""
    if not user.is_blocked:
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        link = absolute_url("auth.reset_password", token=reset_token(user))
        reset = (
            "Was u het zelf en weet u uw wachtwoord niet meer? Kies dan een nieuw wachtwoord "
            f"via deze link (hij werkt {minutes} minuten en één keer):\n\n{link}\n\n"
        )
    send_mail(
        user.email,
        "Iemand wilde een account maken met uw e-mailadres",
        f"Beste {user.name},\n\nZojuist is met uw e-mailadres een nieuw account aangevraagd "
        "bij de Kennisbank Onderwijs · Zorg · Jeugd. U heeft daar al een account; er is niets "
        f"veranderd.\n\n{reset}Inloggen kan hier: {absolute_url('auth.login')}\n\n"
        "Was u het niet? Dan kunt u dit bericht negeren.\n\n" + SIGNATURE,
    )


def mail_reset_link(user: User) -> None:
    """Send a password-reset link (the caller checked the limits)."""
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    link = absolute_url("auth.reset_password", token=reset_token(user))
    send_mail(
        user.email,
        "Nieuw wachtwoord voor de kennisbank",
        f"Beste {user.name},\n\nU vroeg een nieuw wachtwoord aan voor de Kennisbank "
        "Onderwijs · Zorg · Jeugd. Kies een nieuw wachtwoord via deze link:\n\n"
        f"{link}\n\nDe link werkt {minutes} minuten en één keer. Vroeg u niets aan? Dan "
        "kunt u dit bericht negeren; uw wachtwoord blijft hetzelfde.\n\n" + SIGNATURE,
    )
