"""The forms of news and agenda: sign-up for visitors, news and events for editors."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from kb.forms import MARKDOWN_HINT, KBForm, email_field, line_field

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SignupForm(KBForm):
    """Sign up for a bijeenkomst: name, organisation, e-mail."""

    name = StringField("Naam", validators=[DataRequired("Vul uw naam in."), Length(max=200)],
                       render_kw={"autocomplete": "name"})  # fmt: skip
    organisation = StringField(
        "Organisatie",
        validators=[DataRequired("Vul de naam van uw organisatie in."), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    email = email_field()


class NewsForm(KBForm):
    """A news item."""

    title = line_field("Titel", 300)
    published_on = DateField("Datum", validators=[DataRequired("Kies de datum van het bericht.")])
    body_md = TextAreaField("Tekst (Markdown)", description=MARKDOWN_HINT,
                            validators=[Optional(), Length(max=20_000)])  # fmt: skip
    article_slug = StringField("Verwijst naar artikel (slug, niet verplicht)",
                               validators=[Optional(), Length(max=120)])  # fmt: skip


class EventForm(KBForm):
    """A bijeenkomst with time, place or online link, CoP, capacity and closing date."""

    title = line_field("Titel", 300)
    starts_at = DateTimeLocalField("Begint", format=DATETIME_FORMAT,
                                   validators=[DataRequired("Kies wanneer de bijeenkomst begint.")])
    ends_at = DateTimeLocalField("Eindigt", format=DATETIME_FORMAT,
                                 validators=[DataRequired("Kies wanneer de bijeenkomst eindigt.")])
    location = StringField("Plaats (adres)", validators=[Optional(), Length(max=300)])
    online_url = StringField("Online link (https)", validators=[Optional(), Length(max=500)])
    cop_slug = SelectField("Community of Practice", validators=[Optional()])
    capacity = IntegerField("Aantal plaatsen (leeg: geen grens)", validators=[
        Optional(), NumberRange(min=1, message="Minstens 1 plaats.")])  # fmt: skip
    signup_closes_at = DateTimeLocalField("Aanmelden sluit (niet verplicht)",
                                          format=DATETIME_FORMAT, validators=[Optional()])
    description_md = TextAreaField("Beschrijving (Markdown)", description=MARKDOWN_HINT,
                                   validators=[Optional(), Length(max=20_000)])  # fmt: skip
    cancelled = BooleanField("Gaat niet door")

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("Het einde moet na het begin liggen.")

    def validate_online_url(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if value and not value.startswith("https://"):
            raise ValidationError("Gebruik een volledige link die begint met https://.")
        if not value and not (self.location.data or "").strip():
            raise ValidationError("Vul een plaats of een online link in.")

    def validate_signup_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError("Aanmelden moet sluiten vóór het einde van de bijeenkomst.")
