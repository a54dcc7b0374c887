"""The Dutch e-mails of the submission workflow. Called after the commit; failures only log."""

from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy import select

from kb.mail import send_mail
from kb.models import Submission, User, db

log = logging.getLogger(__name__)

SIGNATURE = "\n\nMet vriendelijke groet,\nde redactie van de Kennisbank Onderwijs · Zorg · Jeugd\n"


def absolute(endpoint: str, **values: object) -> str:
    """Return a link for an e-mail, on the configured public base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def editor_addresses() -> list[str]:
    """Return KB_EDITOR_EMAILS plus every active editor's and admin's address, once each."""
    configured = current_app.config.get("EDITOR_EMAILS") or ""
    if isinstance(configured, str):
        configured = configured.replace(";", ",").split(",")
    addresses = [a.strip() for a in configured if a and a.strip()]
    users = db.session.scalars(
        select(User.email).where(User.role.in_(("editor", "admin")), User.is_blocked.is_(False))
    )
    addresses.extend(users)
    return list(dict.fromkeys(a.lower() for a in addresses))


def _region_recipients(submission: Submission) -> list[str]:
    addresses = [submission.contact_email]
    if submission.submitter is not None:
        addresses.append(submission.submitter.email)
    return list(dict.fromkeys(a.lower() for a in addresses if a))


def _status_hint(link: str | None) -> str:
    if link:
        return f"Volg uw inzending via deze persoonlijke link (bewaar hem goed):\n{link}"
    return (
        "U vindt de stand van zaken via de persoonlijke statuslink uit onze eerste e-mail "
        "(de bevestiging van uw inzending)."
    )


def submission_received(submission: Submission, token: str) -> None:
    """Confirm a new submission to the region, with the private status link."""
    link = absolute("submit.status", token=token)
    send_mail(
        _region_recipients(submission),
        f"Ontvangen: {submission.title}",
        f"Beste {submission.contact_name},\n\nBedankt voor uw praktijkvoorbeeld "
        f"‘{submission.title}’. Een redacteur bekijkt het en neemt zo nodig contact met u op."
        f"\n\n{_status_hint(link)}{SIGNATURE}",
    )


def editors_new_submission(submission: Submission, resubmitted: bool = False) -> None:
    """Tell the editors that a submission is waiting in the queue."""
    what = "aangevuld en opnieuw ingediend" if resubmitted else "ingediend"
    send_mail(
        editor_addresses(),
        f"{'Aangevuld' if resubmitted else 'Nieuwe inzending'}: {submission.title}",
        f"Er is een praktijkvoorbeeld {what} door {submission.organisation} "
        f"({submission.contact_name}).\n\nTitel: {submission.title}\n\n"
        f"Beoordelen: {absolute('curation.review', submission_id=submission.id)}\n"
        f"Wachtrij: {absolute('curation.queue')}\n",
    )


def region_update(submission: Submission, subject: str, text: str) -> None:
    """Tell the region about an editor's step on its submission."""
    # Only the token's hash is stored, so the private link cannot be sent again; a member
    # who submitted while logged in can follow it under "Mijn inzendingen" instead.
    hint = _status_hint(None)
    if submission.submitter_id is not None:
        own = absolute("submit.own_status", submission_id=submission.id)
        hint += f"\nIngelogd kunt u haar ook volgen via Mijn inzendingen:\n{own}"
    send_mail(
        _region_recipients(submission),
        f"{subject}: {submission.title}",
        f"Beste {submission.contact_name},\n\n{text}\n\n{hint}{SIGNATURE}",
    )


def returned(submission: Submission, question: str) -> None:
    """Send the editor's question to the region."""
    region_update(
        submission,
        "Vraag over uw inzending",
        "De redactie heeft een vraag over uw praktijkvoorbeeld ‘"
        f"{submission.title}’:\n\n{question}\n\nU kunt antwoorden, uw inzending aanvullen en "
        "haar opnieuw indienen op de statuspagina.",
    )


def published(submission: Submission) -> None:
    """Tell the region its example is published, with the article link."""
    link = absolute("public.article", slug=submission.article.slug) if submission.article else ""
    region_update(
        submission,
        "Gepubliceerd",
        f"Uw praktijkvoorbeeld ‘{submission.title}’ is gepubliceerd in de kennisbank:\n{link}\n\n"
        "Dank voor het delen!",
    )


def rejected(submission: Submission, reason: str) -> None:
    """Tell the region its example will not be published, and why."""
    region_update(
        submission,
        "Niet gepubliceerd",
        f"De redactie publiceert uw praktijkvoorbeeld ‘{submission.title}’ niet. De reden:"
        f"\n\n{reason}",
    )


def edited(submission: Submission, fields: list[str]) -> None:
    """Tell the region which fields an editor changed."""
    region_update(
        submission,
        "Bewerkt door de redactie",
        "De redactie heeft uw praktijkvoorbeeld bewerkt. Gewijzigd: " + ", ".join(fields) + ".",
    )
