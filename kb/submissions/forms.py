"""Forms for submissions: the region's form, its answer to a question, the editor's version."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from kb.forms import (
    INVALID_CHOICE,
    MARKDOWN_HINT,
    KBForm,
    MultiCheckboxField,
    line_field,
    no_line_breaks,
    text_field,
    themes_between_1_and_5,
)
from kb.models import Submission
from kb.submissions.vocabulary import FIELD_LABELS


class SubmissionFields(KBForm):
    """The practice-example fields, shared by the region's form and the editor's."""

    title = line_field("Titel", 200, what="de titel", message="Geef de titel van het voorbeeld op.")
    region = SelectField(
        "Regio",
        validators=[DataRequired("Kies de regio van het voorbeeld.")],
        invalid_choice_message=INVALID_CHOICE,
    )
    summary = text_field(
        "Samenvatting", maximum=1000, description="Twee of drie zinnen, platte tekst.",
        what="de samenvatting", message="Vat het voorbeeld samen in twee of drie zinnen.",
    )  # fmt: skip
    background = text_field(
        "Aanleiding", description=MARKDOWN_HINT, what="de aanleiding",
        message="Beschrijf de aanleiding: waarom begon u hiermee?",
    )  # fmt: skip
    approach = text_field(
        "Aanpak", description=MARKDOWN_HINT, what="de aanpak",
        message="Beschrijf de aanpak: wat doet u en met wie?",
    )  # fmt: skip
    results = text_field(
        "Resultaten", description=MARKDOWN_HINT, what="de resultaten",
        message="Beschrijf de resultaten, of schrijf dat ze nog niet bekend zijn.",
    )  # fmt: skip
    lessons = text_field(
        "Lessen", description=MARKDOWN_HINT, what="de lessen",
        message="Beschrijf de lessen: wat zou u een andere regio meegeven?",
    )  # fmt: skip
    partners = text_field(
        "Betrokken partners", maximum=5000, description=MARKDOWN_HINT,
        what="de betrokken partners", message="Noem de betrokken partners.",
    )  # fmt: skip
    themes = MultiCheckboxField("Thema's (één tot vijf)", validators=[themes_between_1_and_5])
    advice = MultiCheckboxField("Adviezen uit Mét andere ogen", validators=[Optional()])
    sectors = MultiCheckboxField("Sectoren", validators=[Optional()])
    contact_name = line_field(
        "Contactpersoon", what="de naam van de contactpersoon", render_kw={"autocomplete": "name"}
    )
    contact_email = EmailField(
        "E-mailadres contactpersoon",
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired("Vul het e-mailadres van de contactpersoon in."),
            Length(max=254, message="Een e-mailadres is hoogstens 254 tekens."),
            Email(
                "Vul een geldig e-mailadres in voor de contactpersoon, "
                "bijvoorbeeld naam@organisatie.nl."
            ),
        ],
    )
    organisation = line_field(
        "Organisatie", what="de naam van de organisatie", render_kw={"autocomplete": "organization"}
    )

    def validate_title(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_contact_name(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_organisation(self, field: StringField) -> None:
        no_line_breaks(self, field)


PUBLIC_ATTACHMENTS = (
    "De bestanden die ik nu kies, mogen als download bij het gepubliceerde artikel staan"
)


class SubmissionForm(SubmissionFields):
    """The region's form: fields, attachments, consent and the honeypot."""

    attachments = MultipleFileField("Bijlagen (PDF, DOCX of ODT)")
    attachments_public = BooleanField(PUBLIC_ATTACHMENTS)
    pending = HiddenField()
    # Made when the form is shown; the database stores one submission per key.
    idempotency_key = HiddenField()
    # The oproep (call for examples) the form was opened from, if any.
    call = HiddenField()
    consent = BooleanField(
        "Ik geef toestemming om dit voorbeeld, na redactie, te publiceren in de kennisbank.",
        validators=[
            DataRequired(
                "Vink de toestemming aan: zonder toestemming kunnen we het voorbeeld "
                "niet publiceren."
            )
        ],
    )
    # Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField("Laat dit veld leeg")


class ResubmitForm(SubmissionFields):
    """The region's answer to an editor's question, with the fields to improve."""

    answer = text_field(
        "Uw antwoord aan de redactie", maximum=5000, what="uw antwoord",
        message="Schrijf uw antwoord op de vraag van de redactie.",
    )  # fmt: skip
    attachments = MultipleFileField("Bijlagen toevoegen (PDF, DOCX of ODT)")
    attachments_public = BooleanField(PUBLIC_ATTACHMENTS)
    pending = HiddenField()


class EditorSubmissionForm(SubmissionFields):
    """The editor's version of the fields (no consent, honeypot or uploads)."""

    # The submission's version when the form was shown (optimistic locking).
    version = HiddenField()


class PublishForm(KBForm):
    """The confirmation of "Publiceren", for the version the editor saw summarised."""

    version = HiddenField()


class AssignForm(KBForm):
    """Give the submission to an editor, or to nobody."""

    assignee = SelectField("Toegewezen aan", invalid_choice_message=INVALID_CHOICE)


class CommentForm(KBForm):
    """A note for the other editors; the submitter never sees it."""

    body = text_field(
        "Notitie voor de redactie (de indiener ziet dit niet)", maximum=5000,
        what="de notitie", message="Schrijf een notitie voor de andere redacteuren.",
    )  # fmt: skip


def version_of(field: HiddenField) -> int | None:
    """Return the version a form carried, or None when it carried none (or nonsense)."""
    value = (field.data or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def form_data(form: SubmissionFields) -> dict[str, Any]:
    """Return the submission fields of a validated form as plain data."""
    return {name: form[name].data for name in FIELD_LABELS}


def initial_data(submission: Submission) -> dict[str, Any]:
    """Return a submission's fields in the shape the forms expect."""
    data = {name: getattr(submission, name) for name in FIELD_LABELS if name != "region"}
    data["region"] = submission.region.slug if submission.region else ""
    data["advice"] = [str(n) for n in submission.advice or []]
    return data
