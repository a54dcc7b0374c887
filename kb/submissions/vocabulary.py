"""The words of the submission workflow (statuses, steps, fields, sections) and its errors."""

from __future__ import annotations

STATUS_LABELS = {
    "submitted": "ingediend",
    "returned": "teruggestuurd met een vraag",
    "published": "gepubliceerd",
    "rejected": "afgewezen",
}
ACTION_LABELS = {
    "submitted": "Ingediend",
    "resubmitted": "Aangevuld en opnieuw ingediend",
    "edited": "Bewerkt door de redactie",
    "returned": "Teruggestuurd met een vraag",
    "published": "Gepubliceerd",
    "rejected": "Afgewezen",
}
FIELD_LABELS = {
    "title": "titel",
    "region": "regio",
    "summary": "samenvatting",
    "background": "aanleiding",
    "approach": "aanpak",
    "results": "resultaten",
    "lessons": "lessen",
    "partners": "betrokken partners",
    "themes": "thema's",
    "advice": "adviezen",
    "sectors": "sectoren",
    "contact_name": "contactpersoon",
    "contact_email": "e-mailadres contactpersoon",
    "organisation": "organisatie",
}
# The practice-example sections, in the order of the kind's required_sections.
SECTIONS = (
    ("Aanleiding", "background"),
    ("Aanpak", "approach"),
    ("Resultaten", "results"),
    ("Lessen", "lessons"),
    ("Betrokken partners", "partners"),
)
OPEN = ("submitted", "returned")


class TransitionError(Exception):
    """The submission is not (or no longer) in a state that allows this step."""


class EditConflict(TransitionError):
    """Someone changed the submission after the form was shown; carries the current version."""

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version
