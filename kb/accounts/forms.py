"""Account forms: login, registration, password reset and the admin's role picker."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from kb.accounts.passwords import password_problem
from kb.accounts.roles import ROLE_LABELS
from kb.forms import INVALID_CHOICE, KBForm, choices, email_field

PASSWORD_MIN = 10



def strong_password(form: KBForm, field: PasswordField) -> None:
    """Refuse a guessable password; the form's `password_context()` names the account."""
    if field.errors:  # too short already says enough
        return
    problem = password_problem(field.data or "", form.password_context())
    if problem:
        raise ValidationError(problem)


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """Return a new-password field and its confirmation."""
    password = PasswordField(
        "Wachtwoord",
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired("Kies een wachtwoord."),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=f"Kies een wachtwoord van minstens {PASSWORD_MIN} tekens.",
            ),
            strong_password,
        ],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired("Vul het wachtwoord nog een keer in."),
            EqualTo("password", "De wachtwoorden verschillen."),
        ],
    )
    return password, confirm


class LoginForm(KBForm):
    # No format check here: an account made with `kb create-user` may use an internal domain.
    email = EmailField(
        "E-mailadres",
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired("Vul uw e-mailadres in."),
            Length(max=254, message="Een e-mailadres is hoogstens 254 tekens."),
        ],
    )
    password = PasswordField(
        "Wachtwoord",
        render_kw={"autocomplete": "current-password"},
        validators=[
            DataRequired("Vul uw wachtwoord in."),
            Length(max=200, message="Een wachtwoord is hoogstens 200 tekens."),
        ],
    )


class RegisterForm(KBForm):
    name = StringField(
        "Naam",
        render_kw={"autocomplete": "name"},
        validators=[
            DataRequired("Vul uw naam in."),
            Length(max=200, message="Maak uw naam korter: hoogstens 200 tekens."),
        ],
    )
    organisation = StringField(
        "Organisatie",
        render_kw={"autocomplete": "organization"},
        validators=[
            DataRequired("Vul de naam van uw organisatie in."),
            Length(
                max=200, message="Maak de naam van uw organisatie korter: hoogstens 200 tekens."
            ),
        ],
    )
    region = SelectField("Regio", validators=[Optional()], invalid_choice_message=INVALID_CHOICE)
    email = email_field()
    password, password_confirm = new_password_fields()

    def password_context(self) -> list[str]:
        """What this person typed about themself: a password made of it is easy to guess."""
        return [self.email.data or "", self.name.data or "", self.organisation.data or ""]


class ForgotPasswordForm(KBForm):
    email = email_field()


class ResetPasswordForm(KBForm):
    password, password_confirm = new_password_fields()

    def __init__(self, *args: object, user_inputs: list[str] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.user_inputs = user_inputs or []

    def password_context(self) -> list[str]:
        """The account's e-mail, name and organisation (given by the view)."""
        return self.user_inputs


class RoleForm(KBForm):
    role = SelectField(
        "Rol", choices=choices(ROLE_LABELS.items()), invalid_choice_message=INVALID_CHOICE
    )
