"""The forms of following: follow buttons, saving a search, frequency, the newsletter."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from kb.follows.store import FREQUENCIES
from kb.forms import KBForm, choices, email_field

FREQUENCY_CHOICES = choices(FREQUENCIES.items())


class FollowForm(KBForm):
    """Follow one theme, region, advies or kind (hidden fields name it)."""

    kind = HiddenField()
    target = HiddenField()
    frequency = SelectField("E-mail", choices=FREQUENCY_CHOICES, default="weekly")


class SaveSearchForm(KBForm):
    """Save the current search under a name."""

    query = HiddenField()
    name = StringField(
        "Naam van de zoekopdracht",
        validators=[DataRequired("Geef de zoekopdracht een naam, zodat u hem later herkent."),
                    Length(max=200, message="Gebruik hoogstens 200 tekens.")],
    )  # fmt: skip
    frequency = SelectField("E-mail bij nieuwe resultaten", choices=FREQUENCY_CHOICES,
                            default="weekly")  # fmt: skip


class FrequencyForm(KBForm):
    """Change how often one follow is mailed."""

    frequency = SelectField("E-mail", choices=FREQUENCY_CHOICES)


class NewsletterForm(KBForm):
    """A visitor's address for the weekly newsletter."""

    email = email_field()
