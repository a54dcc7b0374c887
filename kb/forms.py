"""Flask-WTF forms for accounts, administration and the small action buttons. Messages in Dutch.

Every form carries a CSRF token (CSRFProtect also guards any POST without a form class).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from kb.roles import ROLE_LABELS

REQUIRED = "Vul dit veld in."
INVALID_CHOICE = "Kies een van de mogelijkheden uit de lijst."
PASSWORD_MIN = 10


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


def email_field(label: str = "E-mailadres") -> EmailField:
    """Return a required e-mail field with Dutch messages."""
    return EmailField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(max=254, message="Een e-mailadres is hoogstens 254 tekens."),
            Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        ],
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """Return a new-password field and its confirmation."""
    password = PasswordField(
        "Wachtwoord",
        validators=[
            DataRequired(REQUIRED),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=f"Kies een wachtwoord van minstens {PASSWORD_MIN} tekens.",
            ),
        ],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[DataRequired(REQUIRED), EqualTo("password", "De wachtwoorden verschillen.")],
    )
    return password, confirm


class LoginForm(KBForm):
    # No format check here: an account made with `kb create-user` may use an internal domain.
    email = EmailField(
        "E-mailadres",
        validators=[DataRequired(REQUIRED), Length(max=254, message="Hoogstens 254 tekens.")],
    )
    password = PasswordField(
        "Wachtwoord", validators=[DataRequired(REQUIRED), Length(max=200, message="Te lang.")]
    )


class RegisterForm(KBForm):
    name = StringField(
        "Naam",
        validators=[DataRequired(REQUIRED), Length(max=200, message="Hoogstens 200 tekens.")],
    )
    organisation = StringField(
        "Organisatie",
        validators=[DataRequired(REQUIRED), Length(max=200, message="Hoogstens 200 tekens.")],
    )
    region = SelectField("Regio", validators=[Optional()], invalid_choice_message=INVALID_CHOICE)
    email = email_field()
    password, password_confirm = new_password_fields()


class ForgotPasswordForm(KBForm):
    email = email_field()


class ResetPasswordForm(KBForm):
    password, password_confirm = new_password_fields()


class ActionForm(KBForm):
    """A form with only the CSRF token: for buttons that change state."""


class RoleForm(KBForm):
    role = SelectField(
        "Rol", choices=choices(ROLE_LABELS.items()), invalid_choice_message=INVALID_CHOICE
    )


class MessageForm(KBForm):
    """A required message: the question when sending back, the reason when rejecting."""

    message = TextAreaField(
        "Bericht",
        validators=[
            DataRequired("Schrijf een bericht voor de indiener."),
            Length(max=5000, message="Hoogstens 5000 tekens."),
        ],
    )
