"""Shared form parts (Dutch messages, checkbox lists, taxonomy pickers), the small action
buttons, and the editors' form for published articles.

Every form carries a CSRF token (CSRFProtect also guards any POST without a form class).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kb import queries

INVALID_CHOICE = "Kies een van de mogelijkheden uit de lijst."
TEXT_MAX = 20_000
MARKDOWN_HINT = "Markdown mag: **vet**, *cursief*, lijstjes met - en koppen met ##."


class KBForm(FlaskForm):
    """Base form: WTForms' built-in messages in Dutch (no Babel needed)."""

    class Meta:
        locales = ("nl",)

        def get_translations(self, form: Any) -> Any:
            return DefaultMeta.get_translations(self, form)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (taxonomy pickers that work without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(*args, **kwargs)


def choices(pairs: Any) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class ActionForm(KBForm):
    """A form with only the CSRF token: for buttons that change state."""


class MessageForm(KBForm):
    """A required message: the question when sending back, the reason when rejecting."""

    message = TextAreaField(
        "Bericht",
        validators=[
            DataRequired("Schrijf een bericht voor de indiener."),
            Length(max=5000, message="Maak het bericht korter: hoogstens 5000 tekens."),
        ],
    )


def _text_validators(
    label: str, required: bool, maximum: int, what: str, message: str
) -> list[Any]:
    # Each message names its own field ("Vul de titel in."), never a generic "Vul dit veld in.":
    # the error summary lists the messages without their labels, so they must stand alone.
    what = what or f"‘{label}’"
    validators: list[Any] = (
        [DataRequired(message or f"Vul {what} in.")] if required else [Optional()]
    )
    validators.append(
        Length(max=maximum, message=f"Maak {what} korter: hoogstens {maximum} tekens.")
    )
    return validators


def text_field(
    label: str,
    required: bool = True,
    maximum: int = TEXT_MAX,
    description: str = "",
    what: str = "",
    message: str = "",
    **kwargs: Any,
):
    """Return a multi-line text field whose messages name it (`what`: "de aanpak")."""
    validators = _text_validators(label, required, maximum, what, message)
    return TextAreaField(label, validators=validators, description=description, **kwargs)


def line_field(
    label: str,
    maximum: int = 200,
    required: bool = True,
    what: str = "",
    message: str = "",
    **kwargs: Any,
):
    """Return a one-line text field whose messages name it (`what`: "de titel")."""
    validators = _text_validators(label, required, maximum, what, message)
    return StringField(label, validators=validators, **kwargs)


def email_field(label: str = "E-mailadres") -> EmailField:
    """Return a required e-mail field with Dutch messages and its input purpose (WCAG 1.3.5)."""
    return EmailField(
        label,
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired("Vul uw e-mailadres in."),
            Length(max=254, message="Een e-mailadres is hoogstens 254 tekens."),
            Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        ],
    )


def themes_between_1_and_5(form: KBForm, field: MultiCheckboxField) -> None:
    """Validate that one to five themes are chosen."""
    if not field.data:
        raise ValidationError("Kies minstens één thema.")
    if len(field.data) > 5:
        raise ValidationError("Kies hoogstens vijf thema's.")


def no_line_breaks(form: KBForm, field: StringField) -> None:
    """Validate that a one-line field has no line breaks."""
    if field.data and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(f"Schrijf ‘{field.label.text}’ op één regel, zonder regeleinden.")


def fill_choices(form: KBForm, keep_retired: bool = False) -> KBForm:
    """Load taxonomy choices into every picker the form has (editors' forms keep retired)."""
    for name, pairs in queries.taxonomy_choices(keep_retired).items():
        if name in form._fields:
            form[name].choices = choices(pairs)
    return form


class ArticleEditForm(KBForm):
    """Every field of a published article an editor may change online."""

    title = line_field("Titel", 300, what="de titel", message="Geef het artikel een titel.")
    kind = SelectField(
        "Soort",
        validators=[DataRequired("Kies de soort van het artikel.")],
        invalid_choice_message=INVALID_CHOICE,
    )
    summary = text_field(
        "Samenvatting", maximum=1000, what="de samenvatting",
        message="Schrijf een samenvatting van het artikel.",
    )  # fmt: skip
    body_md = text_field(
        "Tekst (Markdown)", maximum=100_000, description=MARKDOWN_HINT, what="de tekst",
        message="Schrijf de tekst van het artikel.",
    )  # fmt: skip
    reference_date = StringField(
        "Peildatum (jjjj of jjjj-mm)",
        validators=[Optional(), Length(max=7, message="Schrijf de peildatum als jjjj of jjjj-mm.")],
    )
    themes = MultiCheckboxField("Thema's (één tot vijf)", validators=[themes_between_1_and_5])
    advice = MultiCheckboxField("Adviezen", validators=[Optional()])
    sectors = MultiCheckboxField("Sectoren", validators=[Optional()])
    regions = MultiCheckboxField("Regio's", validators=[Optional()])
    note = line_field(
        "Wat veranderde u? (voor de versiegeschiedenis)", 300, required=False,
        what="de toelichting op de wijziging",
    )  # fmt: skip

    def validate_title(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_reference_date(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if value and not (
            (len(value) == 4 and value.isdigit())
            or (len(value) == 7 and value[:4].isdigit() and value[4] == "-"
                and value[5:].isdigit() and 1 <= int(value[5:]) <= 12)
        ):  # fmt: skip
            raise ValidationError(
                "Schrijf de peildatum als jjjj of jjjj-mm, bijvoorbeeld 2019 of 2019-06."
            )
