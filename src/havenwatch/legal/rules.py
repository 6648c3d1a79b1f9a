"""Load a jurisdiction's rules file (TOML) and validate it into frozen records.

Every error names the file and the place in it, for example
``RS.toml: decision 'entry_ban' remedy 'appeal': unknown counting method 'workdays'``,
so that whoever maintains the rules can fix them without reading this code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from havenwatch.legal.messages import DEFAULT_LOCALE, DERIVED, normalise_locale
from havenwatch.legal.model import (
    WEEKDAYS,
    CalendarSpec,
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
from havenwatch.legal.rules_file import (
    STEP_DEFAULT_KEYS,
    CalendarEntry,
    CountingEntry,
    DecisionEntry,
    EventTypeEntry,
    MissedEntry,
    RemedyEntry,
    RulesFile,
    ServiceEntry,
    StepEntry,
    located_error,
)
from havenwatch.legal.translations import (
    converted_texts,
    translated,
    translation_path,
    translation_problems,
)


class RulesError(ValueError):
    """A rules file is missing, unreadable or inconsistent."""


def default_rules_dir() -> Path:
    return Path(str(files("havenwatch.legal").joinpath("rules")))


def available_jurisdictions(rules_dir: Path | None = None) -> list[str]:
    """Codes of the rules files; translations (``RS.ru.toml``) are not jurisdictions."""
    directory = rules_dir or default_rules_dir()
    return sorted(path.stem for path in directory.glob("*.toml") if "." not in path.stem)


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
            texts = converted_texts(texts, DERIVED[chosen][1])
        problems = translation_problems(data, texts)
        if problems:
            raise RulesError(f"{translation.name}: {problems[0]} ({len(problems)} problem(s))")
        data = translated(data, texts)
    rules = _parse_jurisdiction(path.name, data)
    return replace(rules, locale=chosen, calendar=replace(rules.calendar, locale=chosen))


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path.name}: cannot read rules: {error}") from error


def _parse_jurisdiction(file: str, data: Mapping[str, Any]) -> Jurisdiction:
    try:
        rules = RulesFile.model_validate(_with_step_defaults(file, data))
    except ValidationError as error:
        raise RulesError(located_error(file, data, error)) from None
    jurisdiction = Jurisdiction(
        code=rules.jurisdiction.code,
        name=rules.jurisdiction.name,
        source_file=file,
        sources=tuple(rules.jurisdiction.sources),
        calendar=_calendar(rules.calendar),
        counting={code: _counting(code, entry) for code, entry in rules.counting.items()},
        service={code: _service(code, entry) for code, entry in rules.service.items()},
        remedies={code: _remedy(code, entry) for code, entry in rules.remedies.items()},
        missed={code: _missed(code, entry) for code, entry in rules.missed.items()},
        decisions={code: _decision(code, entry) for code, entry in rules.decisions.items()},
        event_types={code: _event_type(code, entry) for code, entry in rules.event_types.items()},
    )
    _check_references(file, jurisdiction)
    return jurisdiction


def _with_step_defaults(file: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The file with each step completed by its remedy's defaults (the step's own keys win)."""
    remedies = data.get("remedies")
    decisions = data.get("decisions")
    if not isinstance(remedies, dict) or not isinstance(decisions, dict):
        return data
    completed = {}
    for code, decision in decisions.items():
        if not isinstance(decision, dict):
            completed[code] = decision
            continue
        where = f"decision '{code}'"
        decision = {**decision, "steps": _steps(file, where, decision.get("steps"), remedies)}
        procedures = decision.get("procedures")
        if isinstance(procedures, dict):
            decision["procedures"] = {
                name: {
                    **procedure,
                    "steps": _steps(
                        file, f"{where} procedure '{name}'", procedure.get("steps"), remedies
                    ),
                }
                if isinstance(procedure, dict)
                else procedure
                for name, procedure in procedures.items()
            }
        completed[code] = decision
    return {**data, "decisions": completed}


def _steps(file: str, where: str, steps: Any, remedies: Mapping[str, Any]) -> Any:
    if not isinstance(steps, list):
        return [] if steps is None else steps
    result = []
    for raw in steps:
        if not isinstance(raw, dict) or not isinstance(raw.get("remedy"), str):
            raise RulesError(f"{file}: {where}: every step must be a table with a 'remedy' string")
        remedy = remedies.get(raw["remedy"])
        if not isinstance(remedy, dict):
            known = ", ".join(sorted(remedies))
            raise RulesError(f"{file}: {where}: unknown remedy '{raw['remedy']}'; valid: {known}")
        defaults = {key: remedy[key] for key in STEP_DEFAULT_KEYS if key in remedy}
        result.append({**defaults, **raw})
    return result


def _weekdays(names: Iterable[str]) -> tuple[int, ...]:
    return tuple(WEEKDAYS.index(name) for name in names)


def _calendar(entry: CalendarEntry) -> CalendarSpec:
    return CalendarSpec(
        weekend=_weekdays(entry.weekend),
        fixed=tuple(
            FixedHoliday(
                name=day.name,
                month=day.month,
                days=tuple(day.days),
                kind=day.kind,
                citation=day.citation,
                confidence=day.confidence,
            )
            for day in entry.fixed
        ),
        movable=tuple(
            MovableFeast(
                name=feast.name,
                computus=feast.computus,
                days=tuple(MovableDay(offset=day.offset, name=day.name) for day in feast.days),
                kind=feast.kind,
                citation=feast.citation,
                confidence=feast.confidence,
            )
            for feast in entry.movable
        ),
        substitutes=tuple(
            SubstituteRule(
                applies_to=rule.applies_to,
                falls_on=_weekdays(rule.falls_on),
                citation=rule.citation,
                confidence=rule.confidence,
                note=rule.note,
            )
            for rule in entry.substitutes
        ),
    )


def _counting(code: str, entry: CountingEntry) -> CountingMethod:
    return CountingMethod(
        code=code,
        label=entry.label,
        description=entry.description,
        first_day=entry.first_day,
        roll_over=entry.roll_over,
        rest_days=tuple((WEEKDAYS.index(day), mark) for day, mark in entry.rest_days.items()),
        citation=entry.citation,
        confidence=entry.confidence,
        month_end_confidence=entry.month_end_confidence or entry.confidence,
        no_roll_over_note=entry.no_roll_over_note,
        filing_note=entry.filing_note,
    )


def _service(code: str, entry: ServiceEntry) -> ServiceMethod:
    return ServiceMethod(
        code=code,
        label=entry.label,
        days_after=entry.days_after,
        citation=entry.citation,
        confidence=entry.confidence,
        note=entry.note,
    )


def _remedy(code: str, entry: RemedyEntry) -> RemedyType:
    return RemedyType(
        code=code,
        label=entry.label,
        kind=entry.kind,
        description=entry.description,
        citation=entry.citation,
    )


def _missed(code: str, entry: MissedEntry) -> MissedRemedy:
    cap = None
    if entry.cap_length is not None and entry.cap_unit is not None:
        cap = Period(entry.cap_length, entry.cap_unit)
    return MissedRemedy(
        code=code,
        remedy=entry.remedy,
        body=entry.body,
        period=Period(entry.length, entry.unit),
        runs_from=entry.runs_from,
        cap=cap,
        citation=entry.citation,
        confidence=entry.confidence,
        note=entry.note,
    )


def _decision(code: str, entry: DecisionEntry) -> DecisionRule:
    return DecisionRule(
        code=code,
        label=entry.label,
        issuer=entry.issuer,
        citation=entry.citation,
        note=entry.note,
        warning=entry.warning,
        removal_risk=entry.removal_risk,
        deemed_service_applies=entry.deemed_service_applies,
        steps=tuple(_step(step) for step in entry.steps),
        procedures={
            name: ProcedureRule(
                code=name, label=procedure.label, steps=tuple(_step(s) for s in procedure.steps)
            )
            for name, procedure in entry.procedures.items()
        },
        default_procedure=entry.default_procedure,
    )


def _step(entry: StepEntry) -> StepRule:
    period = None
    if entry.length is not None and entry.unit is not None:
        period = Period(entry.length, entry.unit)
    return StepRule(
        remedy=entry.remedy,
        body=entry.body,
        period=period,
        length_from_decision=entry.length_from_decision,
        min_days=entry.min_days,
        max_days=entry.max_days,
        required=entry.required,
        runs_from=entry.runs_from,
        counting=entry.counting,
        suspensive=entry.suspensive,
        suspensive_note=entry.suspensive_note,
        citation=entry.citation,
        source=entry.source,
        confidence=entry.confidence,
        uncertain=tuple(entry.uncertain),
        note=entry.note,
        when=entry.when,
        leads_to=entry.leads_to,
        leads_to_procedure=entry.leads_to_procedure,
        decides_within_days=entry.decides_within_days,
        if_missed=entry.if_missed,
        applies_from=entry.applies_from,
    )


def _event_type(code: str, entry: EventTypeEntry) -> EventMapping:
    return EventMapping(
        event_type=code,
        decision=entry.decision,
        procedure=entry.procedure,
        note=entry.note,
        joins_same_day_decision=entry.joins_same_day_decision,
    )


def _check_references(file: str, rules: Jurisdiction) -> None:
    """Every code a rule points at must be defined somewhere in the same file."""
    for decision in rules.decisions.values():
        steps = [("", step) for step in decision.steps]
        steps += [
            (f" procedure '{name}'", step)
            for name, procedure in decision.procedures.items()
            for step in procedure.steps
        ]
        for where, step in steps:
            place = f"{file}: decision '{decision.code}'{where} remedy '{step.remedy}'"
            _check_step(place, rules, step)
    for mapping in rules.event_types.values():
        place = f"{file}: event type '{mapping.event_type}'"
        _check_decision_code(place, rules, mapping.decision, mapping.procedure)


def _check_step(place: str, rules: Jurisdiction, step: StepRule) -> None:
    if step.counting is not None and step.counting not in rules.counting:
        known = ", ".join(sorted(rules.counting))
        raise RulesError(f"{place}: unknown counting method '{step.counting}'; valid: {known}")
    if step.if_missed is not None and step.if_missed not in rules.missed:
        raise RulesError(f"{place}: unknown missed-deadline remedy '{step.if_missed}'")
    _check_decision_code(place, rules, step.leads_to, step.leads_to_procedure)


def _check_decision_code(
    place: str, rules: Jurisdiction, decision: str | None, procedure: str | None
) -> None:
    if decision is None:
        if procedure is not None:
            raise RulesError(f"{place}: a procedure needs a decision code")
        return
    if decision not in rules.decisions:
        raise RulesError(f"{place}: unknown decision code '{decision}'")
    procedures = rules.decisions[decision].procedures
    if procedure is not None and procedure not in procedures:
        raise RulesError(f"{place}: decision '{decision}' has no procedure '{procedure}'")
