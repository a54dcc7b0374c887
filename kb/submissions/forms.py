"""Forms for submissions: the region's form, its answer to a question, the editor's version."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from kb.forms import (
    INVALID_CHOICE,
    MARKDOWN_HINT,
    REQUIRED,
    KBForm,
    MultiCheckboxField,
    line_field,
    no_line_breaks,
    text_field,
    themes_between_1_and_5,
)
from kb.models import Submission
from kb.submissions.workflow import FIELD_LABELS


class SubmissionFields(KBForm):
    """The practice-example fields, shared by the region's form and the editor's."""

    title = line_field("Titel", 200)
    region = SelectField(
        "Regio",
        validators=[DataRequired("Kies een regio.")],
        invalid_choice_message=INVALID_CHOICE,
    )
    summary = text_field(
        "Samenvatting", maximum=1000, description="Twee of drie zinnen, platte tekst."
    )
    background = text_field("Aanleiding", description=MARKDOWN_HINT)
    approach = text_field("Aanpak", description=MARKDOWN_HINT)
    results = text_field("Resultaten", description=MARKDOWN_HINT)
    lessons = text_field("Lessen", description=MARKDOWN_HINT)
    partners = text_field("Betrokken partners", maximum=5000, description=MARKDOWN_HINT)
    themes = MultiCheckboxField("Thema's (één tot vijf)", validators=[themes_between_1_and_5])
    advice = MultiCheckboxField("Adviezen uit Mét andere ogen", validators=[Optional()])
    sectors = MultiCheckboxField("Sectoren", validators=[Optional()])
    contact_name = line_field("Contactpersoon")
    contact_email = StringField(
        "E-mailadres contactpersoon",
        validators=[
            DataRequired(REQUIRED),
            Length(max=254, message="Hoogstens 254 tekens."),
            Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        ],
    )
    organisation = line_field("Organisatie")

    def validate_title(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_contact_name(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_organisation(self, field: StringField) -> None:
        no_line_breaks(self, field)


class SubmissionForm(SubmissionFields):
    """The region's form: fields, attachments, consent and the honeypot."""

    attachments = MultipleFileField("Bijlagen (PDF, DOCX of ODT)")
    pending = HiddenField()
    # Made when the form is shown; the database stores one submission per key.
    idempotency_key = HiddenField()
    # The oproep (call for examples) the form was opened from, if any.
    call = HiddenField()
    consent = BooleanField(
        "Ik geef toestemming om dit voorbeeld, na redactie, te publiceren in de kennisbank.",
        validators=[DataRequired("Zonder toestemming kunnen we het voorbeeld niet publiceren.")],
    )
    # Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField("Laat dit veld leeg")


class ResubmitForm(SubmissionFields):
    """The region's answer to an editor's question, with the fields to improve."""

    answer = text_field("Uw antwoord aan de redactie", maximum=5000)
    attachments = MultipleFileField("Bijlagen toevoegen (PDF, DOCX of ODT)")
    pending = HiddenField()


class EditorSubmissionForm(SubmissionFields):
    """The editor's version of the fields (no consent, honeypot or uploads)."""


def form_data(form: SubmissionFields) -> dict[str, Any]:
    """Return the submission fields of a validated form as plain data."""
    return {name: form[name].data for name in FIELD_LABELS}


def initial_data(submission: Submission) -> dict[str, Any]:
    """Return a submission's fields in the shape the forms expect."""
    data = {name: getattr(submission, name) for name in FIELD_LABELS if name != "region"}
    data["region"] = submission.region.slug if submission.region else ""
    data["advice"] = [str(n) for n in submission.advice or []]
    return data
