"""Load a jurisdiction's rules file (TOML) and validate it into frozen records.

Every error names the file and the place in it, for example
``RS.toml: decision 'entry_ban' remedy 'appeal': unknown counting method 'workdays'``,
so that whoever maintains the rules can fix them without reading this code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar, cast

from havenwatch.legal.messages import DEFAULT_LOCALE, DERIVED, normalise_locale
from havenwatch.legal.model import (
    WEEKDAYS,
    CalendarSpec,
    Confidence,
    CountingMethod,
    DecisionRule,
    EventMapping,
    FixedHoliday,
    Jurisdiction,
    MissedRemedy,
    MovableDay,
    MovableFeast,
    Period,
    ProcedureRule,
    RemedyType,
    ServiceMethod,
    StepRule,
    SubstituteRule,
)

T = TypeVar("T")
# Keys whose values people read; they are translated in `<code>.<locale>.toml`. Missed-deadline
# remedies' `runs_from` is words too (elsewhere it is a code).
TEXT_KEYS = frozenset(
    {
        "name",
        "label",
        "description",
        "note",
        "body",
        "issuer",
        "warning",
        "suspensive_note",
        "uncertain",
        "no_roll_over_note",
        "filing_note",
    }
)
_MISSING: Any = object()
CONFIDENCES = ("C", "S", "U")
UNITS = ("days", "months", "years")
SUSPENSIVE = ("yes", "no", "yes_unless_departure_set", "not_applicable")
STEP_DEFAULT_KEYS = (
    "body",
    "citation",
    "source",
    "confidence",
    "suspensive",
    "suspensive_note",
    "note",
    "uncertain",
    "counting",
    "runs_from",
)
STEP_KEYS = (
    *STEP_DEFAULT_KEYS,
    "remedy",
    "length",
    "unit",
    "length_from_decision",
    "min_days",
    "max_days",
    "required",
    "when",
    "leads_to",
    "leads_to_procedure",
    "decides_within_days",
    "if_missed",
    "applies_from",
)


class RulesError(ValueError):
    """A rules file is missing, unreadable or inconsistent."""


def default_rules_dir() -> Path:
    return Path(str(files("havenwatch.legal").joinpath("rules")))


def available_jurisdictions(rules_dir: Path | None = None) -> list[str]:
    """Codes of the rules files; translations (``RS.ru.toml``) are not jurisdictions."""
    directory = rules_dir or default_rules_dir()
    return sorted(path.stem for path in directory.glob("*.toml") if "." not in path.stem)


def translation_path(path: Path, locale: str) -> Path:
    """Where the ``locale`` texts of a rules file live: ``RS.toml`` -> ``RS.ru.toml``."""
    return path.with_name(f"{path.stem}.{locale}.toml")


def load_jurisdiction(
    code: str, rules_dir: Path | None = None, locale: str = DEFAULT_LOCALE
) -> Jurisdiction:
    """The rules for a jurisdiction code such as ``RS``, from ``<rules_dir>/<code>.toml``.

    With a ``locale`` other than English, the texts come from ``<code>.<locale>.toml`` when
    the jurisdiction has that translation, and stay English when it has none.
    """
    directory = rules_dir or default_rules_dir()
    known = available_jurisdictions(directory)
    if code not in known:
        choices = ", ".join(known) or "none"
        raise RulesError(f"unknown jurisdiction '{code}' in {directory}; valid: {choices}")
    return load_rules(directory / f"{code}.toml", locale)


def load_rules(path: Path, locale: str = DEFAULT_LOCALE) -> Jurisdiction:
    """A rules file, with its texts from its ``locale`` translation where there is one.

    The engine writes its own sentences in ``locale`` even where the file has no translation.
    """
    chosen = normalise_locale(locale)
    data = _read(path)
    written = DERIVED[chosen][0] if chosen in DERIVED else chosen
    translation = translation_path(path, written)
    if chosen != DEFAULT_LOCALE and translation.exists():
        texts = _read(translation)
        if written != chosen:
            texts = _converted_texts(texts, DERIVED[chosen][1])
        problems = translation_problems(data, texts)
        if problems:
            raise RulesError(f"{translation.name}: {problems[0]} ({len(problems)} problem(s))")
        data = _translated(data, texts)
    rules = _parse_jurisdiction(_Table(data, path.name, ""))
    return replace(rules, locale=chosen, calendar=replace(rules.calendar, locale=chosen))


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path.name}: cannot read rules: {error}") from error


def _converted_texts(
    data: Any, convert: Callable[[str], str], path: tuple[str | int, ...] = ()
) -> Any:
    """A translation with its people-read texts converted (to another script); codes kept."""
    if path and _is_text(path):
        if isinstance(data, str):
            return convert(data)
        if isinstance(data, list):
            return [convert(item) if isinstance(item, str) else item for item in data]
    if isinstance(data, dict):
        return {key: _converted_texts(value, convert, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [_converted_texts(value, convert, (*path, n)) for n, value in enumerate(data)]
    return data


def _is_text(path: tuple[str | int, ...]) -> bool:
    """Whether the value at ``path`` is shown to people (and so translated)."""
    key = path[-1]
    return key in TEXT_KEYS or (key == "runs_from" and path[0] == "missed")


def text_paths(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The place of every translatable text in a rules table, e.g. ``remedies.appeal.label``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _is_text((*path, key)):
                yield (*path, key)
            else:
                yield from text_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_paths(value, (*path, index))


def _leaf_paths(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every value of a table that is not itself a table or an array of tables."""
    if isinstance(data, dict) and not (path and _is_text(path)):
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(data, list) and not (path and _is_text(path)):
        for index, value in enumerate(data):
            yield from _leaf_paths(value, (*path, index))
    else:
        yield path


def translation_problems(english: Mapping[str, Any], texts: Mapping[str, Any]) -> list[str]:
    """Everything wrong with a translation of a rules file, as readable lines.

    A translation holds the texts of the English file at the same places (tables by name,
    arrays entry by entry); a step may repeat its ``remedy`` to say which step it translates.
    A text missing, one the English file lacks, or any other key is a problem.
    """
    wanted = set(text_paths(english))
    given = set(text_paths(texts))
    problems = [f"missing text {_dotted(place)}" for place in sorted(wanted - given, key=str)]
    problems += [
        f"text not in the English file: {_dotted(place)}"
        for place in sorted(given - wanted, key=str)
    ]
    for place in _leaf_paths(texts):
        if _is_text(place) or _is_anchor(english, texts, place):
            continue
        if place[-1] == "remedy":
            problems.append(f"{_dotted(place)} does not name the English step's remedy")
        else:
            problems.append(f"{_dotted(place)} is not a text and cannot be translated")
    for place in wanted & given:
        if _shape(_at(english, place)) != _shape(_at(texts, place)):
            problems.append(f"{_dotted(place)} must be a text of the same kind as in English")
    return problems


def _is_anchor(
    english: Mapping[str, Any], texts: Mapping[str, Any], place: tuple[str | int, ...]
) -> bool:
    """A step's ``remedy``, repeated in a translation to show which step it is: must match."""
    if place[-1] != "remedy" or place[0] != "decisions":
        return False
    try:
        return bool(_at(english, place) == _at(texts, place))
    except (KeyError, IndexError, TypeError):
        return False


def _at(data: Any, place: tuple[str | int, ...]) -> Any:
    for key in place:
        data = data[key]
    return data


def _shape(value: Any) -> Any:
    return len(value) if isinstance(value, list) else type(value)


def _dotted(place: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in place)


def _translated(english: Any, texts: Any) -> Any:
    """The English table with each text replaced by its translation (checked beforehand)."""
    if isinstance(english, dict) and isinstance(texts, dict):
        return {
            key: _translated(value, texts.get(key)) if key in texts else value
            for key, value in english.items()
        }
    if (
        isinstance(english, list)
        and isinstance(texts, list)
        and all(isinstance(item, dict) for item in english)
    ):
        padded = texts + [{}] * (len(english) - len(texts))
        return [_translated(value, text) for value, text in zip(english, padded, strict=False)]
    return texts


class _Table:
    """A TOML table with typed accessors whose errors say where the problem is."""

    def __init__(self, data: Mapping[str, Any], file: str, where: str) -> None:
        self.data = data
        self.file = file
        self.where = where

    def error(self, message: str) -> RulesError:
        place = f"{self.where}: " if self.where else ""
        return RulesError(f"{self.file}: {place}{message}")

    def child(self, data: Mapping[str, Any], where: str) -> _Table:
        joined = f"{self.where} {where}".strip()
        return _Table(data, self.file, joined)

    def allow(self, *keys: str) -> None:
        unknown = sorted(set(self.data) - set(keys))
        if unknown:
            raise self.error(f"unknown key '{unknown[0]}'; allowed: {', '.join(sorted(keys))}")

    def _get(self, key: str, kind: type[T], kind_name: str, default: Any) -> T:
        if key not in self.data:
            if default is _MISSING:
                raise self.error(f"missing key '{key}'")
            return cast(T, default)
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"'{key}' must be {kind_name}, got {value!r}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> str:
        return self._get(key, str, "a string", default)

    def optional_text(self, key: str) -> str | None:
        return self._get(key, str, "a string", None)

    def integer(self, key: str, default: Any = _MISSING) -> int:
        return self._get(key, int, "an integer", default)

    def optional_integer(self, key: str) -> int | None:
        return self._get(key, int, "an integer", None)

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        return self._get(key, bool, "true or false", default)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.text(key, default)
        if value not in choices:
            raise self.error(f"'{key}' must be one of {', '.join(choices)}, got '{value}'")
        return value

    def confidence(self, key: str = "confidence", default: Any = _MISSING) -> Confidence:
        return cast(Confidence, self.choice(key, CONFIDENCES, default))

    def texts(self, key: str) -> tuple[str, ...]:
        values = self._get(key, list, "a list of strings", [])
        if not all(isinstance(value, str) for value in values):
            raise self.error(f"'{key}' must be a list of strings")
        return tuple(values)

    def optional_date(self, key: str) -> date | None:
        return self._get(key, date, "a date (YYYY-MM-DD)", None)

    def table(self, key: str, label: str, default: Any = _MISSING) -> _Table:
        value = self._get(key, dict, "a table", default)
        return self.child(value, label)

    def named_tables(self, key: str, label: str) -> Iterator[tuple[str, _Table]]:
        tables = self._get(key, dict, "a table", {})
        for name, value in tables.items():
            if not isinstance(value, dict):
                raise self.error(f"{label} '{name}' must be a table")
            yield name, self.child(value, f"{label} '{name}'")

    def array(self, key: str, label: str) -> Iterator[_Table]:
        values = self._get(key, list, "an array of tables", [])
        for index, value in enumerate(values, start=1):
            if not isinstance(value, dict):
                raise self.error(f"'{key}' entry {index} must be a table")
            yield self.child(value, f"{label} {value.get('name', index)!r}")


def _weekday(table: _Table, name: str) -> int:
    if name not in WEEKDAYS:
        raise table.error(f"unknown weekday '{name}'; valid: {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(name)


def _parse_jurisdiction(root: _Table) -> Jurisdiction:
    root.allow(
        "jurisdiction",
        "calendar",
        "counting",
        "service",
        "remedies",
        "missed",
        "decisions",
        "event_types",
    )
    head = root.table("jurisdiction", "jurisdiction")
    head.allow("code", "name", "sources")
    counting = _parse_all(root, "counting", "counting method", _parse_counting)
    service = _parse_all(root, "service", "service method", _parse_service)
    remedies = _parse_all(root, "remedies", "remedy", _parse_remedy_type)
    missed = _parse_all(root, "missed", "missed-deadline remedy", _parse_missed)
    raw_remedies = root._get("remedies", dict, "a table", {})
    decisions = {
        code: _parse_decision(code, table, raw_remedies)
        for code, table in root.named_tables("decisions", "decision")
    }
    jurisdiction = Jurisdiction(
        code=head.text("code"),
        name=head.text("name"),
        source_file=root.file,
        sources=head.texts("sources"),
        calendar=_parse_calendar(root.table("calendar", "calendar")),
        counting=counting,
        service=service,
        remedies=remedies,
        missed=missed,
        decisions=decisions,
        event_types=_parse_all(root, "event_types", "event type", _parse_event_mapping),
    )
    _check_references(root, jurisdiction)
    return jurisdiction


def _parse_all(
    root: _Table, key: str, label: str, parse: Callable[[str, _Table], T]
) -> dict[str, T]:
    return {code: parse(code, table) for code, table in root.named_tables(key, label)}


def _parse_calendar(table: _Table) -> CalendarSpec:
    table.allow("weekend", "fixed", "movable", "substitutes")
    return CalendarSpec(
        weekend=tuple(_weekday(table, name) for name in table.texts("weekend")),
        fixed=tuple(_parse_fixed(entry) for entry in table.array("fixed", "holiday")),
        movable=tuple(_parse_movable(entry) for entry in table.array("movable", "feast")),
        substitutes=tuple(
            _parse_substitute(entry) for entry in table.array("substitutes", "substitute rule")
        ),
    )


def _parse_fixed(table: _Table) -> FixedHoliday:
    table.allow("name", "month", "days", "kind", "citation", "confidence")
    month = table.integer("month")
    days = table._get("days", list, "a list of day numbers", _MISSING)
    if not 1 <= month <= 12 or not days or not all(isinstance(day, int) for day in days):
        raise table.error("'month' must be 1-12 and 'days' a non-empty list of day numbers")
    for day in days:
        try:
            date(2024, month, day)
        except ValueError as error:
            raise table.error(f"no such date: month {month} day {day}") from error
    return FixedHoliday(
        name=table.text("name"),
        month=month,
        days=tuple(days),
        kind=table.text("kind"),
        citation=table.text("citation"),
        confidence=table.confidence(),
    )


def _parse_movable(table: _Table) -> MovableFeast:
    table.allow("name", "computus", "days", "kind", "citation", "confidence")
    days = []
    for entry in table.array("days", "day"):
        entry.allow("offset", "name")
        days.append(MovableDay(offset=entry.integer("offset"), name=entry.text("name")))
    if not days:
        raise table.error("'days' must list at least one day")
    return MovableFeast(
        name=table.text("name"),
        computus=cast(Any, table.choice("computus", ("julian", "gregorian"))),
        days=tuple(days),
        kind=table.text("kind"),
        citation=table.text("citation"),
        confidence=table.confidence(),
    )


def _parse_substitute(table: _Table) -> SubstituteRule:
    table.allow("name", "applies_to", "falls_on", "citation", "confidence", "note")
    return SubstituteRule(
        applies_to=table.text("applies_to"),
        falls_on=tuple(_weekday(table, name) for name in table.texts("falls_on")),
        citation=table.text("citation"),
        confidence=table.confidence(),
        note=table.text("note", ""),
    )


def _parse_counting(code: str, table: _Table) -> CountingMethod:
    table.allow(
        "label",
        "description",
        "first_day",
        "roll_over",
        "rest_days",
        "citation",
        "confidence",
        "month_end_confidence",
        "no_roll_over_note",
        "filing_note",
    )
    rest = table.table("rest_days", "rest_days", {})
    rest_days = tuple(
        (_weekday(table, name), cast(Confidence, rest.choice(name, CONFIDENCES)))
        for name in rest.data
    )
    confidence = table.confidence()
    return CountingMethod(
        code=code,
        label=table.text("label"),
        description=table.text("description"),
        first_day=cast(Any, table.choice("first_day", ("next_day", "same_day"), "next_day")),
        roll_over=table.flag("roll_over"),
        rest_days=rest_days,
        citation=table.text("citation"),
        confidence=confidence,
        month_end_confidence=table.confidence("month_end_confidence", confidence),
        no_roll_over_note=table.text("no_roll_over_note", ""),
        filing_note=table.text("filing_note", ""),
    )


def _parse_service(code: str, table: _Table) -> ServiceMethod:
    table.allow("label", "days_after", "citation", "confidence", "note")
    days_after = table.integer("days_after")
    if days_after < 0:
        raise table.error("'days_after' must not be negative")
    return ServiceMethod(
        code=code,
        label=table.text("label"),
        days_after=days_after,
        citation=table.text("citation"),
        confidence=table.confidence(),
        note=table.text("note", ""),
    )


def _parse_remedy_type(code: str, table: _Table) -> RemedyType:
    table.allow("label", "kind", "description", *STEP_DEFAULT_KEYS)
    return RemedyType(
        code=code,
        label=table.text("label"),
        kind=cast(Any, table.choice("kind", ("filing", "request", "obligation"))),
        description=table.text("description", ""),
        citation=table.text("citation", ""),
    )


def _parse_missed(code: str, table: _Table) -> MissedRemedy:
    table.allow(
        "remedy",
        "body",
        "length",
        "unit",
        "runs_from",
        "cap_length",
        "cap_unit",
        "citation",
        "confidence",
        "note",
    )
    cap_length = table.optional_integer("cap_length")
    cap = None if cap_length is None else Period(cap_length, _unit(table, "cap_unit"))
    return MissedRemedy(
        code=code,
        remedy=table.text("remedy"),
        body=table.text("body"),
        period=Period(table.integer("length"), _unit(table, "unit")),
        runs_from=table.text("runs_from"),
        cap=cap,
        citation=table.text("citation"),
        confidence=table.confidence(),
        note=table.text("note", ""),
    )


def _unit(table: _Table, key: str) -> Any:
    return table.choice(key, UNITS)


def _parse_decision(code: str, table: _Table, remedies: Mapping[str, Any]) -> DecisionRule:
    table.allow(
        "label",
        "issuer",
        "citation",
        "note",
        "warning",
        "removal_risk",
        "deemed_service_applies",
        "steps",
        "procedures",
        "default_procedure",
    )
    procedures = {
        name: _parse_procedure(name, procedure, remedies)
        for name, procedure in table.named_tables("procedures", "procedure")
    }
    default_procedure = table.optional_text("default_procedure")
    if default_procedure is not None and default_procedure not in procedures:
        raise table.error(f"default_procedure '{default_procedure}' is not a listed procedure")
    return DecisionRule(
        code=code,
        label=table.text("label"),
        issuer=table.text("issuer"),
        citation=table.text("citation", ""),
        note=table.text("note", ""),
        warning=table.text("warning", ""),
        removal_risk=table.flag("removal_risk", False),
        deemed_service_applies=table.flag("deemed_service_applies", True),
        steps=_parse_steps(table, remedies),
        procedures=procedures,
        default_procedure=default_procedure,
    )


def _parse_procedure(code: str, table: _Table, remedies: Mapping[str, Any]) -> ProcedureRule:
    table.allow("label", "steps")
    return ProcedureRule(code=code, label=table.text("label"), steps=_parse_steps(table, remedies))


def _parse_steps(table: _Table, remedies: Mapping[str, Any]) -> tuple[StepRule, ...]:
    steps = []
    for raw in table._get("steps", list, "an array of tables", []):
        if not isinstance(raw, dict) or not isinstance(raw.get("remedy"), str):
            raise table.error("every step must be a table with a 'remedy' string")
        remedy = raw["remedy"]
        if remedy not in remedies:
            known = ", ".join(sorted(remedies))
            raise table.error(f"unknown remedy '{remedy}'; valid: {known}")
        defaults = {
            key: remedies[remedy][key] for key in STEP_DEFAULT_KEYS if key in remedies[remedy]
        }
        steps.append(_parse_step(table.child({**defaults, **raw}, f"remedy '{remedy}'")))
    return tuple(steps)


def _parse_step(table: _Table) -> StepRule:
    table.allow(*STEP_KEYS)
    length = table.optional_integer("length")
    period = None if length is None else Period(length, _unit(table, "unit"))
    from_decision = table.flag("length_from_decision", False)
    if period is not None and from_decision:
        raise table.error("give either 'length' or 'length_from_decision', not both")
    has_count = period is not None or from_decision
    counting = table.optional_text("counting")
    if has_count and counting is None:
        raise table.error("a step with a period needs a 'counting' method")
    return StepRule(
        remedy=table.text("remedy"),
        body=table.text("body"),
        period=period,
        length_from_decision=from_decision,
        min_days=table.optional_integer("min_days"),
        max_days=table.optional_integer("max_days"),
        required=table.flag("required", False),
        runs_from=cast(Any, table.choice("runs_from", ("service", "adoption"), "service")),
        counting=counting,
        suspensive=cast(Any, table.choice("suspensive", SUSPENSIVE)),
        suspensive_note=table.text("suspensive_note", ""),
        citation=table.text("citation"),
        source=table.text("source"),
        confidence=table.confidence(),
        uncertain=table.texts("uncertain"),
        note=table.text("note", ""),
        when=cast(Any, table.choice("when", ("always", "departure_set"), "always")),
        leads_to=table.optional_text("leads_to"),
        leads_to_procedure=table.optional_text("leads_to_procedure"),
        decides_within_days=table.optional_integer("decides_within_days"),
        if_missed=table.optional_text("if_missed"),
        applies_from=table.optional_date("applies_from"),
    )


def _parse_event_mapping(code: str, table: _Table) -> EventMapping:
    table.allow("decision", "procedure", "note", "joins_same_day_decision")
    return EventMapping(
        event_type=code,
        decision=table.optional_text("decision"),
        procedure=table.optional_text("procedure"),
        note=table.text("note", ""),
        joins_same_day_decision=table.flag("joins_same_day_decision", False),
    )


def _check_references(root: _Table, rules: Jurisdiction) -> None:
    """Every code a rule points at must be defined somewhere in the same file."""
    for decision in rules.decisions.values():
        steps = [("", step) for step in decision.steps]
        steps += [
            (f" procedure '{name}'", step)
            for name, procedure in decision.procedures.items()
            for step in procedure.steps
        ]
        for where, step in steps:
            place = root.child({}, f"decision '{decision.code}'{where} remedy '{step.remedy}'")
            _check_step(place, rules, step)
    for mapping in rules.event_types.values():
        place = root.child({}, f"event type '{mapping.event_type}'")
        _check_decision_code(place, rules, mapping.decision, mapping.procedure)


def _check_step(place: _Table, rules: Jurisdiction, step: StepRule) -> None:
    if step.counting is not None and step.counting not in rules.counting:
        known = ", ".join(sorted(rules.counting))
        raise place.error(f"unknown counting method '{step.counting}'; valid: {known}")
    if step.if_missed is not None and step.if_missed not in rules.missed:
        raise place.error(f"unknown missed-deadline remedy '{step.if_missed}'")
    _check_decision_code(place, rules, step.leads_to, step.leads_to_procedure)


def _check_decision_code(
    place: _Table, rules: Jurisdiction, decision: str | None, procedure: str | None
) -> None:
    if decision is None:
        if procedure is not None:
            raise place.error("a procedure needs a decision code")
        return
    if decision not in rules.decisions:
        raise place.error(f"unknown decision code '{decision}'")
    procedures = rules.decisions[decision].procedures
    if procedure is not None and procedure not in procedures:
        raise place.error(f"decision '{decision}' has no procedure '{procedure}'")
