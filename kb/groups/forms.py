"""The group forms: topics and replies, edits, reports, invitations, drafts and group settings."""

from __future__ import annotations

import re
import secrets

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from kb.accounts import new_password_fields
from kb.forms import (
    INVALID_CHOICE,
    MARKDOWN_HINT,
    KBForm,
    choices,
    line_field,
    no_line_breaks,
    text_field,
)
from kb.groups.discussions import BODY_MAX, TITLE_MAX
from kb.groups.membership import KIND_LABELS, VISIBILITY_LABELS
from kb.groups.moderation import REASON_MAX

BODY_HINT = (
    f"{MARKDOWN_HINT} Een artikel uit de kennisbank noemt u met zijn adres "
    "(…/artikel/naam): het verschijnt dan als kaart. Iemand noemen: @ en de volledige naam."
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITES_MAX = 20
ATTACHMENTS_LABEL = "Bijlagen: documenten en foto's (PDF, DOCX, ODT, PNG of JPEG)"


def _body(label: str = "Bericht") -> TextAreaField:
    return text_field(label, maximum=BODY_MAX, description=BODY_HINT, what="het bericht",
                      message="Schrijf een bericht.")  # fmt: skip


class _KeyedForm(KBForm):
    """A form that carries a key made when it is shown: the post is stored once per key."""

    client_key = HiddenField()

    def ensure_key(self) -> str:
        """Give the form a fresh key unless it carries a well-formed one; return it."""
        key = self.client_key.data or ""
        if not (16 <= len(key) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", key)):
            key = self.client_key.data = secrets.token_urlsafe(24)
        return key


class TopicForm(_KeyedForm):
    title = line_field("Titel van het onderwerp", TITLE_MAX, what="de titel",
                       message="Geef het onderwerp een titel.")  # fmt: skip
    body = _body()
    attachments = MultipleFileField(ATTACHMENTS_LABEL)

    def validate_title(self, field: object) -> None:
        no_line_breaks(self, field)


class ReplyForm(_KeyedForm):
    body = _body("Uw reactie")
    quote_of = HiddenField()
    attachments = MultipleFileField(ATTACHMENTS_LABEL)


class EditForm(KBForm):
    body = _body()


class ReportForm(KBForm):
    reason = text_field(
        "Waarom meldt u dit bericht?", maximum=REASON_MAX, what="de reden",
        message="Schrijf waarom u dit bericht meldt.",
        description="Alleen de begeleiders van de groep lezen uw melding.",
    )  # fmt: skip


class NoteForm(KBForm):
    """The optional note with a moderation step."""

    note = line_field("Toelichting", 500, required=False, what="de toelichting")


class InviteForm(KBForm):
    emails = text_field(
        "E-mailadressen", maximum=5000, what="de e-mailadressen",
        message="Vul minstens één e-mailadres in.",
        description=f"Eén adres per regel, hoogstens {INVITES_MAX}. Wie nog geen account heeft, "
        "maakt er een via de link in de uitnodiging.",
    )  # fmt: skip

    def addresses(self) -> list[str]:
        """Return the typed addresses, lower case, each once."""
        found = re.split(r"[\s,;]+", self.emails.data or "")
        return list(dict.fromkeys(a.strip().lower() for a in found if a.strip()))

    def validate_emails(self, field: object) -> None:
        addresses = self.addresses()
        wrong = [a for a in addresses if not EMAIL.match(a) or len(a) > 254]
        if wrong:
            raise ValidationError("Dit is geen geldig e-mailadres: " + ", ".join(wrong[:5]) + ".")
        if len(addresses) > INVITES_MAX:
            raise ValidationError(f"Nodig hoogstens {INVITES_MAX} adressen tegelijk uit.")


class DraftForm(KBForm):
    consent = BooleanField(
        "De auteur geeft toestemming om dit bericht als praktijkvoorbeeld in te dienen.",
        validators=[DataRequired("Vink aan dat de auteur toestemming geeft.")],
    )


class InvitationRegisterForm(KBForm):
    """A new account for the invited address (the address comes from the invitation)."""

    name = line_field("Naam", 200, what="uw naam", message="Vul uw naam in.",
                      render_kw={"autocomplete": "name"})  # fmt: skip
    organisation = line_field(
        "Organisatie", 200, what="de naam van uw organisatie",
        message="Vul de naam van uw organisatie in.", render_kw={"autocomplete": "organization"},
    )  # fmt: skip
    region = SelectField("Regio", validators=[Optional()], invalid_choice_message=INVALID_CHOICE)
    password, password_confirm = new_password_fields()

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def password_context(self) -> list[str]:
        """What this person typed about themself: a password made of it is easy to guess."""
        return [self.email, self.name.data or "", self.organisation.data or ""]


class GroupForm(KBForm):
    name = line_field("Naam", 200, what="de naam", message="Geef de groep een naam.")
    description = text_field("Beschrijving", required=False, maximum=5000,
                             what="de beschrijving", description=MARKDOWN_HINT)  # fmt: skip
    kind = SelectField("Soort groep", choices=choices(KIND_LABELS.items()),
                       invalid_choice_message=INVALID_CHOICE)  # fmt: skip
    visibility = SelectField(
        "Toegang", choices=choices(VISIBILITY_LABELS.items()),
        validators=[DataRequired("Kies wie lid kan worden.")],
        invalid_choice_message=INVALID_CHOICE,
    )  # fmt: skip
    article = SelectField("Hoort bij de CoP", validators=[Optional()],
                          invalid_choice_message=INVALID_CHOICE)  # fmt: skip

    def validate_name(self, field: object) -> None:
        no_line_breaks(self, field)
