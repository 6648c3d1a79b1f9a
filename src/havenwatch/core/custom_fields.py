"""Fields a team defines: what one is, and how a typed value becomes the text stored.

A team's administrator defines extra fields for its people, cases or events: a key
(`decision_number`), a label in each interface language, a kind (text, number, date, choice,
yes_no; a choice lists its options, each with its labels), whether a value identifies the
person (then the store seals it with their key, like their identity) and whether it is
required. A value is kept as canonical text: a number as written without exponent
(`12.5`), a date as ISO (`2025-03-03`), a choice as its option's value, yes/no as `yes` or
`no`. What people type is accepted in any interface language (an option by its label in any
of them, "да", "ne", "12,5", "03.03.2025."); a value that does not fit is a one-line error
naming the field by its label in the reader's language (`ValidationError.field_labels`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from havenwatch.core.dates import format_day, parse_day
from havenwatch.core.errors import ValidationError
from havenwatch.core.names import fold_name
from havenwatch.core.serbian import to_cyrillic

KINDS = ("text", "number", "date", "choice", "yes_no")
RECORDS = ("person", "case", "event")
LANGUAGES = ("en", "ru", "sr_Latn")  # labels written by people; sr_Cyrl is derived
KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
TEXT_LIMIT = 1000
LABEL_LIMIT = 120
MAX_OPTIONS = 100
NUMBER_LIMIT = Decimal("1e15")
YES_NO_WORDS = {
    "en": ("yes", "no"),
    "ru": ("да", "нет"),
    "sr_Latn": ("da", "ne"),
    "sr_Cyrl": ("да", "не"),
}
YES = frozenset({"yes", "y", "true", "1", "да", "da", "д", "ja"})
NO = frozenset({"no", "n", "false", "0", "нет", "ne", "не", "н", "nein"})
Typed = str | int | float | bool


def in_locale(labels: Mapping[str, str], locale: str) -> str:
    """The label for `locale`: Serbian Cyrillic written from the Latin, else English."""
    if locale == "sr_Cyrl" and labels.get("sr_Latn"):
        return to_cyrillic(labels["sr_Latn"])
    return labels.get(locale) or labels.get("en") or ""


@dataclass(frozen=True)
class Option:
    """One answer of a choice field: its stored value and its labels."""

    value: str
    labels: Mapping[str, str]

    def label(self, locale: str) -> str:
        return in_locale(self.labels, locale) or self.value


@dataclass(frozen=True)
class FieldDefinition:
    """A field a team defined for its people, cases or events."""

    key: str
    applies_to: str
    kind: str
    labels: Mapping[str, str]
    options: tuple[Option, ...] = ()
    identifying: bool = False
    required: bool = False
    position: int = 0
    id: str | None = None
    team_id: str | None = None
    team: str | None = field(default=None, compare=False)

    def label(self, locale: str) -> str:
        return in_locale(self.labels, locale) or self.key

    def option_label(self, value: str, locale: str) -> str:
        return next((o.label(locale) for o in self.options if o.value == value), value)

    def error(self, key: str, **params: str | int) -> ValidationError:
        """The catalogue's message `key` about this field, named by its label where shown."""
        error = ValidationError.of(self.label("en"), key, **params)
        return self.placed(error)

    def placed(self, error: ValidationError) -> ValidationError:
        """`error`, named after this field in every language (and its choices listed)."""
        error.field_labels = {loc: self.label(loc) for loc in (*LANGUAGES, "sr_Cyrl")}
        if self.options:
            error.localised_params = {
                loc: {"accepted": ", ".join(o.label(loc) for o in self.options)}
                for loc in (*LANGUAGES, "sr_Cyrl")
            }
        return error

    def parse(self, raw: object) -> str | None:
        """The canonical text of a typed value; None when blank (a required field refuses)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise self.error("value.required")
            return None
        if isinstance(raw, str) and "\x00" in raw:
            raise self.error("value.nul")
        parser = _PARSERS[self.kind]
        return parser(self, raw)

    def typed(self, stored: str) -> Typed:
        """A stored value as JSON carries it: numbers as numbers, yes/no as true/false."""
        if self.kind == "number":
            number = Decimal(stored)
            return int(number) if number == number.to_integral_value() else float(number)
        if self.kind == "yes_no":
            return stored == "yes"
        return stored

    def written(self, stored: str, locale: str | None) -> str:
        """A stored value as a file in `locale` writes it (None: the stored text itself):
        a choice by its label, a day in the locale's format, yes/no in its words."""
        if locale is None:
            return stored
        if self.kind == "choice":
            return self.option_label(stored, locale)
        if self.kind == "date":
            return format_day(dt.date.fromisoformat(stored), locale)
        if self.kind == "yes_no":
            yes, no = YES_NO_WORDS.get(locale, YES_NO_WORDS["en"])
            return yes if stored == "yes" else no
        return stored

    def headers(self) -> set[str]:
        """What a spreadsheet may head this field's column with: its key or any label."""
        labels = {self.label(locale) for locale in (*LANGUAGES, "sr_Cyrl")}
        return {self.key, *labels}


def _text(definition: FieldDefinition, raw: object) -> str:
    value = str(raw).strip()
    if len(value) > TEXT_LIMIT:
        raise definition.error("value.too_long", limit=TEXT_LIMIT)
    return value


def _number(definition: FieldDefinition, raw: object) -> str:
    if isinstance(raw, bool):
        raise definition.error("custom.not_a_number", value=str(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise definition.error("custom.not_a_number", value=str(raw)) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise definition.error("custom.not_a_number", value=str(raw))
    return format(number.normalize(), "f") if number else "0"


def _date(definition: FieldDefinition, raw: object) -> str:
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return parse_day(str(raw)[:40], definition.key).isoformat()
    except ValidationError as error:
        raise definition.placed(error) from None


def _choice(definition: FieldDefinition, raw: object) -> str:
    wanted = {fold_answer(str(raw)), fold_name(str(raw))} - {""}
    for option in definition.options:
        names = {option.value, *option.labels.values(), option.label("sr_Cyrl")}
        if wanted & {form for name in names for form in (fold_answer(name), fold_name(name))}:
            return option.value
    raise definition.error("custom.unknown_option", value=str(raw)[:60], accepted="")


def _yes_no(definition: FieldDefinition, raw: object) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    answer = fold_answer(str(raw))
    if answer in YES:
        return "yes"
    if answer in NO:
        return "no"
    raise definition.error("custom.not_yes_no", value=str(raw)[:60])


def fold_answer(text: str) -> str:
    """An answer as compared: trimmed, lowercase, one space between words."""
    return " ".join(text.strip().lower().split())


_PARSERS = {
    "text": _text,
    "number": _number,
    "date": _date,
    "choice": _choice,
    "yes_no": _yes_no,
}


def check_definition(definition: FieldDefinition) -> None:
    """A definition a team may keep: a key, an English label, a kind, options for a choice."""
    if not KEY.fullmatch(definition.key):
        raise ValidationError.of("key", "custom.bad_key", value=definition.key[:60])
    if definition.applies_to not in RECORDS:
        raise ValidationError.of("applies_to", "value.choose", accepted=", ".join(RECORDS))
    if definition.kind not in KINDS:
        raise ValidationError.of("kind", "value.choose", accepted=", ".join(KINDS))
    if not (definition.labels.get("en") or "").strip():
        raise ValidationError.of("label_en", "value.required")
    for language, text in definition.labels.items():
        if language not in LANGUAGES or len(text) > LABEL_LIMIT or "\x00" in text:
            raise ValidationError.of(f"label_{language}", "value.too_long", limit=LABEL_LIMIT)
    if definition.kind == "choice" and not definition.options:
        raise ValidationError.of("options", "custom.needs_options")
    if len(definition.options) > MAX_OPTIONS:
        raise ValidationError.of("options", "value.too_long", limit=MAX_OPTIONS)
    values = [option.value for option in definition.options]
    if len(set(values)) != len(values) or any(not KEY.fullmatch(v) for v in values):
        raise ValidationError.of("options", "custom.bad_options")


def options_from_lines(text: str) -> tuple[Option, ...]:
    """Options as an administrator writes them, one a line: `value | English | Русский |
    Srpski` (the value alone is also its English label)."""
    options = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        labels = {
            language: label
            for language, label in zip(LANGUAGES, parts[1:] or [parts[0]], strict=False)
            if label
        }
        options.append(Option(parts[0], labels))
    return tuple(options)


def options_as_lines(options: tuple[Option, ...]) -> str:
    """The options as `options_from_lines` reads them."""
    return "\n".join(
        " | ".join([option.value, *(option.labels.get(lang, "") for lang in LANGUAGES)])
        for option in options
    )
