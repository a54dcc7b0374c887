"""Account forms: login, registration, password reset and the admin's role picker."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from kb.accounts.roles import ROLE_LABELS
from kb.forms import INVALID_CHOICE, REQUIRED, KBForm, choices

PASSWORD_MIN = 10


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


class RoleForm(KBForm):
    role = SelectField(
        "Rol", choices=choices(ROLE_LABELS.items()), invalid_choice_message=INVALID_CHOICE
    )
