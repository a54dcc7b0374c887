"""Forms for submissions (regions and editors) and for editing published articles online."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from kb.forms import INVALID_CHOICE, REQUIRED, KBForm, MultiCheckboxField, SelectChoice, choices
from kb.models import Advice, Kind, Region, Sector, Theme, db

TEXT_MAX = 20_000
MARKDOWN_HINT = "Markdown mag: **vet**, *cursief*, lijstjes met - en koppen met ##."


def _text(label: str, required: bool = True, maximum: int = TEXT_MAX, description: str = ""):
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    validators.append(Length(max=maximum, message=f"Hoogstens {maximum} tekens."))
    return TextAreaField(label, validators=validators, description=description)


def _line(label: str, maximum: int = 200, required: bool = True):
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    validators.append(Length(max=maximum, message=f"Hoogstens {maximum} tekens."))
    return StringField(label, validators=validators)


def _themes_between_1_and_5(form: KBForm, field: MultiCheckboxField) -> None:
    if not field.data:
        raise ValidationError("Kies minstens één thema.")
    if len(field.data) > 5:
        raise ValidationError("Kies hoogstens vijf thema's.")


def _no_line_breaks(form: KBForm, field: StringField) -> None:
    if field.data and ("\n" in field.data or "\r" in field.data):
        raise ValidationError("Eén regel, zonder regeleinden.")


def taxonomy_choices() -> dict[str, list[SelectChoice]]:
    """Return the choices of every taxonomy picker, read from the database."""
    regions = [(r.slug, r.name) for r in db.session.scalars(select(Region).order_by(Region.name))]
    themes = db.session.scalars(select(Theme).order_by(Theme.position))
    advice = db.session.scalars(select(Advice).order_by(Advice.number))
    sectors = db.session.scalars(select(Sector).order_by(Sector.position))
    kinds = db.session.scalars(select(Kind).order_by(Kind.position))
    return {
        "region": choices([("", "— kies een regio —"), *regions]),
        "regions": choices(regions),
        "themes": choices((t.slug, t.label) for t in themes),
        "advice": choices((a.number, f"Advies {a.number}: {a.label}") for a in advice),
        "sectors": choices((s.slug, s.label) for s in sectors),
        "kind": choices((k.slug, k.label) for k in kinds),
    }


def fill_choices(form: KBForm) -> KBForm:
    """Load taxonomy choices into every picker the form has."""
    choices = taxonomy_choices()
    for name, options in choices.items():
        if name in form._fields:
            form[name].choices = options
    return form


class SubmissionFields(KBForm):
    """The practice-example fields, shared by the region's form and the editor's."""

    title = _line("Titel", 200)
    region = SelectField(
        "Regio",
        validators=[DataRequired("Kies een regio.")],
        invalid_choice_message=INVALID_CHOICE,
    )
    summary = _text("Samenvatting", maximum=1000, description="Twee of drie zinnen, platte tekst.")
    background = _text("Aanleiding", description=MARKDOWN_HINT)
    approach = _text("Aanpak", description=MARKDOWN_HINT)
    results = _text("Resultaten", description=MARKDOWN_HINT)
    lessons = _text("Lessen", description=MARKDOWN_HINT)
    partners = _text("Betrokken partners", maximum=5000, description=MARKDOWN_HINT)
    themes = MultiCheckboxField("Thema's (één tot vijf)", validators=[_themes_between_1_and_5])
    advice = MultiCheckboxField("Adviezen uit Mét andere ogen", validators=[Optional()])
    sectors = MultiCheckboxField("Sectoren", validators=[Optional()])
    contact_name = _line("Contactpersoon")
    contact_email = StringField(
        "E-mailadres contactpersoon",
        validators=[
            DataRequired(REQUIRED),
            Length(max=254, message="Hoogstens 254 tekens."),
            Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        ],
    )
    organisation = _line("Organisatie")

    def validate_title(self, field: StringField) -> None:
        _no_line_breaks(self, field)

    def validate_contact_name(self, field: StringField) -> None:
        _no_line_breaks(self, field)

    def validate_organisation(self, field: StringField) -> None:
        _no_line_breaks(self, field)


class SubmissionForm(SubmissionFields):
    """The region's form: fields, attachments, consent and the honeypot."""

    attachments = MultipleFileField("Bijlagen (PDF, DOCX of ODT)")
    pending = HiddenField()
    consent = BooleanField(
        "Ik geef toestemming om dit voorbeeld, na redactie, te publiceren in de kennisbank.",
        validators=[DataRequired("Zonder toestemming kunnen we het voorbeeld niet publiceren.")],
    )
    # Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField("Laat dit veld leeg")


class ResubmitForm(SubmissionFields):
    """The region's answer to an editor's question, with the fields to improve."""

    answer = _text("Uw antwoord aan de redactie", maximum=5000)
    attachments = MultipleFileField("Bijlagen toevoegen (PDF, DOCX of ODT)")
    pending = HiddenField()


class EditorSubmissionForm(SubmissionFields):
    """The editor's version of the fields (no consent, honeypot or uploads)."""


class ArticleEditForm(KBForm):
    """Every field of a published article an editor may change online."""

    title = _line("Titel", 300)
    kind = SelectField(
        "Soort", validators=[DataRequired("Kies een soort.")], invalid_choice_message=INVALID_CHOICE
    )
    summary = _text("Samenvatting", maximum=1000)
    body_md = _text("Tekst (Markdown)", maximum=100_000, description=MARKDOWN_HINT)
    reference_date = StringField(
        "Peildatum (jjjj of jjjj-mm)",
        validators=[Optional(), Length(max=7, message="Schrijf jjjj of jjjj-mm.")],
    )
    themes = MultiCheckboxField("Thema's (één tot vijf)", validators=[_themes_between_1_and_5])
    advice = MultiCheckboxField("Adviezen", validators=[Optional()])
    sectors = MultiCheckboxField("Sectoren", validators=[Optional()])
    regions = MultiCheckboxField("Regio's", validators=[Optional()])
    note = _line("Wat veranderde u? (voor de versiegeschiedenis)", 300, required=False)

    def validate_title(self, field: StringField) -> None:
        _no_line_breaks(self, field)

    def validate_reference_date(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if value and not (
            (len(value) == 4 and value.isdigit())
            or (len(value) == 7 and value[:4].isdigit() and value[4] == "-"
                and value[5:].isdigit() and 1 <= int(value[5:]) <= 12)
        ):  # fmt: skip
            raise ValidationError("Schrijf jjjj of jjjj-mm, bijvoorbeeld 2019 of 2019-06.")
