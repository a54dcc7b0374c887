"""The taxonomy editor's forms: one per vocabulary, the merge, and a synonym group."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from kb.forms import INVALID_CHOICE, KBForm, line_field, no_line_breaks, text_field
from kb.taxonomy.vocab import SLUG_MAX, Subject

SLUG_HINT = (
    "Het adres in de link, bijvoorbeeld /thema/monitoring. Alleen kleine letters, cijfers en "
    "streepjes. Verandert u het, dan stuurt het oude adres door naar het nieuwe."
)
LINES_HINT = "Eén per regel."
# The European Netherlands, as the content check and the region map use it.
LAT_RANGE, LON_RANGE = (50.5, 53.7), (3.2, 7.3)


def _slug_field() -> StringField:
    return line_field("Adres (slug)", SLUG_MAX, what="het adres", description=SLUG_HINT)


class ThemeForm(KBForm):
    """A theme's name, address and description."""

    label = line_field("Naam", 200, what="de naam")
    slug = _slug_field()
    description = text_field("Beschrijving", required=False, maximum=2000,
                             what="de beschrijving")  # fmt: skip

    def validate_label(self, field: StringField) -> None:
        no_line_breaks(self, field)


class SectorForm(KBForm):
    """A sector's name and address."""

    label = line_field("Naam", 128, what="de naam")
    slug = _slug_field()

    def validate_label(self, field: StringField) -> None:
        no_line_breaks(self, field)


def _coordinate(label: str) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=20)],
                       description="Met een punt of komma, bijvoorbeeld 52,09.")  # fmt: skip


def _number(text: str | None) -> float | None:
    text = (text or "").strip().replace(",", ".")
    return float(text) if text else None


class RegionForm(KBForm):
    """A region's name, address, other names, provinces, municipalities and map point."""

    name = line_field("Naam", 128, what="de naam")
    slug = _slug_field()
    aliases = text_field("Andere namen waarop gezocht wordt", required=False, maximum=4000,
                         description=LINES_HINT, what="de andere namen")  # fmt: skip
    provinces = text_field("Provincies", required=False, maximum=1000, description=LINES_HINT,
                           what="de provincies")  # fmt: skip
    municipalities = text_field("Gemeenten", required=False, maximum=4000,
                                description=LINES_HINT, what="de gemeenten")  # fmt: skip
    lat = _coordinate("Breedtegraad (lat) op de kaart")
    lon = _coordinate("Lengtegraad (lon) op de kaart")

    def validate_name(self, field: StringField) -> None:
        no_line_breaks(self, field)

    def validate_lat(self, field: StringField) -> None:
        self._check(field, LAT_RANGE, "de breedtegraad")

    def validate_lon(self, field: StringField) -> None:
        self._check(field, LON_RANGE, "de lengtegraad")

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate the fields, then that the map point has both coordinates or neither."""
        valid = super().validate(extra_validators)
        if valid and (_number(self.lat.data) is None) != (_number(self.lon.data) is None):
            empty = self.lon if _number(self.lon.data) is None else self.lat
            empty.errors = [
                *empty.errors,
                "Vul breedte- en lengtegraad allebei in, of allebei niet.",
            ]
            return False
        return valid

    @staticmethod
    def _check(field: StringField, bounds: tuple[float, float], what: str) -> None:
        try:
            value = _number(field.data)
        except ValueError:
            raise ValidationError(f"Schrijf {what} als getal, bijvoorbeeld 52,09.") from None
        if value is not None and not bounds[0] <= value <= bounds[1]:
            raise ValidationError(f"Met deze {what[3:]} ligt het punt niet in Nederland "
                                  f"(tussen {bounds[0]} en {bounds[1]}).")  # fmt: skip


class AdviceForm(KBForm):
    """The text of one of the seven adviezen."""

    label = line_field("Tekst van het advies", 200, what="de tekst van het advies")

    def validate_label(self, field: StringField) -> None:
        no_line_breaks(self, field)


class MergeForm(KBForm):
    """The theme another theme merges into."""

    target = SelectField("Samenvoegen met", invalid_choice_message=INVALID_CHOICE)


class SynonymForm(KBForm):
    """A group of terms search treats as the same, and a query to try it on."""

    terms = TextAreaField(
        "Termen die hetzelfde betekenen",
        description="Eén term per regel (of gescheiden door komma's): een woord, een "
        "afkorting of een woordgroep.",
        validators=[Length(max=6000, message="Maak de lijst korter: hoogstens 6000 tekens.")],
    )
    probe = line_field("Probeer een zoekvraag", 200, required=False, what="de zoekvraag")


FORMS: dict[str, type[KBForm]] = {"theme": ThemeForm, "sector": SectorForm,
                                  "region": RegionForm, "advice": AdviceForm}  # fmt: skip


def form_for(subject: Subject, row: Any = None, **kwargs: Any) -> KBForm:
    """Return the form of a vocabulary, filled from a row when there is one."""
    form_class = FORMS[subject.name]
    if row is None:
        return form_class(**kwargs)
    data = {name: getattr(row, name) for name in form_class().data if hasattr(row, name)}
    for name in ("aliases", "provinces", "municipalities"):
        if name in data:
            data[name] = "\n".join(data[name] or [])
    for name in ("lat", "lon"):
        if name in data:
            data[name] = "" if data[name] is None else str(data[name]).replace(".", ",")
    return form_class(data=data, **kwargs)


def form_data(form: KBForm) -> dict[str, Any]:
    """Return a validated form's values as the plain data kb.taxonomy writes."""
    data = {k: v for k, v in form.data.items() if k != "csrf_token"}
    for name in ("aliases", "provinces", "municipalities"):
        if name in data:
            data[name] = [" ".join(line.split()) for line in (data[name] or "").splitlines()
                          if line.strip()]  # fmt: skip
    for name in ("lat", "lon"):
        if name in data:
            data[name] = _number(data[name])
    for name in ("label", "name", "slug"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "description" in data:
        data["description"] = data["description"] or ""
    return data
