"""Deadline texts in Russian and Serbian: rules translations, engine sentences, dates.

The rules' texts come from `<code>.<locale>.toml` beside each rules file; the engine's own
sentences from `legal/phrases/<locale>.toml`. Both must cover exactly what English has.
"""

from __future__ import annotations

import string
import tomllib
from datetime import date
from pathlib import Path

import pytest

from havenwatch.core.serbian import to_cyrillic
from havenwatch.legal.calendar_feed import build_calendar, entry_for_step
from havenwatch.legal.engine import DeadlineInputError, DeadlinePlan, compute_deadlines
from havenwatch.legal.messages import LOCALES, messages_for, placeholders
from havenwatch.legal.model import Jurisdiction
from havenwatch.legal.rules import (
    RulesError,
    available_jurisdictions,
    default_rules_dir,
    load_jurisdiction,
    load_rules,
)
from havenwatch.legal.translations import text_paths, translation_path, translation_problems
from havenwatch.legal.workflow import DecisionEvent, case_deadlines

TRANSLATED = ("ru", "sr_Latn")
SERVED, ADOPTED = date(2025, 4, 3), date(2025, 4, 1)
# Texts a translation may keep as they are: none, abbreviations and citations.
SAME_IN_EVERY_LANGUAGE = {"", "MUP", "ZKP 432(4)", "ZUP-d", "ZUP-m", "ZPP-d"}


def _read(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=TRANSLATED)
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _return_plan(locale: str) -> DeadlinePlan:
    rules = load_jurisdiction("RS", locale=locale)
    return compute_deadlines(
        rules, "return_decision", served=SERVED, adopted=ADOPTED, departure_days=15
    )


# ------------------------------------------------------------------ rules translations --


@pytest.mark.parametrize("code", available_jurisdictions())
def test_every_translation_has_exactly_the_texts_of_the_english_file(
    code: str, locale: str
) -> None:
    english = default_rules_dir() / f"{code}.toml"
    translation = translation_path(english, locale)
    assert translation.exists(), f"{translation.name} is missing"
    assert translation_problems(_read(english), _read(translation)) == []
    assert load_jurisdiction(code, locale=locale).locale == locale


def test_translations_are_not_jurisdictions() -> None:
    assert available_jurisdictions() == ["RS"]


def _broken_translation(tmp_path: Path, edit: str, old: str = "") -> Path:
    source = default_rules_dir()
    (tmp_path / "RS.toml").write_text((source / "RS.toml").read_text(encoding="utf-8"))
    text = (source / "RS.ru.toml").read_text(encoding="utf-8")
    (tmp_path / "RS.ru.toml").write_text(text.replace(old, edit, 1) if old else text + edit)
    return tmp_path


@pytest.mark.parametrize(
    ("old", "edit", "problem"),
    [
        ('label = "Жалоба (žalba)"\n', "", "missing text remedies.appeal.label"),
        ("", '\n[remedies.appeal_x]\nlabel = "лишнее"\n', "not in the English file"),
        (
            'label = "Личное вручение"\n',
            'label = "Личное вручение"\ndays_after = 3\n',
            "days_after is not a text",
        ),
        ('remedy = "rule39_request"', 'remedy = "appeal"', "does not name the English step"),
    ],
    ids=["missing", "extra", "not-a-text", "wrong-step"],
)
def test_a_translation_that_misses_or_adds_a_text_is_refused(
    tmp_path: Path, old: str, edit: str, problem: str
) -> None:
    directory = _broken_translation(tmp_path, edit, old)
    load_jurisdiction("RS", directory)  # English alone still loads
    with pytest.raises(RulesError, match=problem) as error:
        load_jurisdiction("RS", directory, locale="ru")
    assert str(error.value).startswith("RS.ru.toml: ")


def test_every_english_text_has_a_place_in_the_translation_check() -> None:
    english = _read(default_rules_dir() / "RS.toml")
    places = {".".join(str(part) for part in place) for place in text_paths(english)}
    assert "remedies.appeal.label" in places
    assert "missed.zup_restitutio.runs_from" in places
    assert "decisions.return_decision.steps.1.body" in places
    assert not any(
        place.endswith((".citation", ".runs_from"))
        for place in places
        - {"missed.zup_restitutio.runs_from", "missed.constitutional_restitutio.runs_from"}
    )


def test_a_jurisdiction_without_translation_keeps_its_texts_but_not_the_engine_sentences(
    xx: Jurisdiction,
) -> None:
    rules = load_rules(Path(__file__).parent / "fixtures" / "XX.toml", "ru")
    assert rules.decisions.keys() == xx.decisions.keys()
    code = next(iter(rules.decisions))
    assert rules.decisions[code].label == xx.decisions[code].label
    assert rules.locale == "ru"


# -------------------------------------------------------------------- engine templates --


def _without_plural_forms(keys: set[str]) -> set[str]:
    return {key for key in keys if not key.startswith("unit.")}


def test_every_template_exists_in_every_language_with_the_same_placeholders() -> None:
    english = messages_for("en").templates
    for locale in LOCALES:
        templates = messages_for(locale).templates
        assert _without_plural_forms(set(templates)) == _without_plural_forms(set(english))
        for key, template in english.items():
            if key.startswith("unit."):
                continue
            assert placeholders(templates[key]) == placeholders(template), (locale, key)
            list(string.Formatter().parse(templates[key]))  # well-formed braces
        for unit in ("days", "months", "years"):
            assert f"unit.{unit}.other" in templates, (locale, unit)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["1 day", "3 days", "15 days", "21 days"]),
        ("ru", ["1 день", "3 дня", "15 дней", "21 день"]),
        ("sr_Latn", ["1 dan", "3 dana", "15 dana", "21 dan"]),
    ],
)
def test_periods_take_the_plural_form_of_the_language(locale: str, expected: list[str]) -> None:
    messages = messages_for(locale)
    assert [messages.period(n, "days") for n in (1, 3, 15, 21)] == expected


def test_an_unknown_locale_gets_english() -> None:
    assert messages_for("de").locale == "en"
    assert load_jurisdiction("RS", locale="de").remedies["appeal"].label == "Appeal (žalba)"


# ---------------------------------------------------------------------- computed plans --


@pytest.mark.parametrize(
    ("locale", "label", "served", "due", "holiday"),
    [
        ("en", "Appeal (žalba)", "Thursday 3 Apr 2025", "Tuesday 22 Apr 2025", "Good Friday"),
        (
            "ru",
            "Жалоба (žalba)",
            "четверг, 03.04.2025",
            "вторник, 22.04.2025",
            "Страстная пятница",
        ),
        ("sr_Latn", "Žalba", "četvrtak, 03.04.2025.", "utorak, 22.04.2025.", "Veliki petak"),
    ],
)
def test_the_appeal_is_explained_with_dates_and_holidays_of_the_language(
    locale: str, label: str, served: str, due: str, holiday: str
) -> None:
    appeal = _return_plan(locale).steps[0]
    assert appeal.remedy_label == label
    assert appeal.due == date(2025, 4, 22)
    assert served in appeal.explanation and due in appeal.explanation
    assert holiday in appeal.explanation


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ru",
            [
                "15 дней с вручения",
                "день вручения не считается",
                "ближайший рабочий день",
                "Покинуть Сербию (добровольный выезд)",
                "не переносится",
                "Восстановление в прежнее положение",
                "Административный суд",
            ],
        ),
        (
            "sr_Latn",
            [
                "15 dana od dostavljanja",
                "dan dostavljanja se ne računa",
                "prvi sledeći radni dan",
                "Napustiti Srbiju (dobrovoljni povratak)",
                "ne pomera se",
                "Vraćanje u pređašnje stanje",
                "Upravni sud",
            ],
        ),
    ],
)
def test_known_texts_of_a_return_decision(locale: str, expected: list[str]) -> None:
    plan = _return_plan(locale)
    shown = " | ".join(
        f"{s.remedy_label} {s.body} {s.explanation} {s.if_missed} {s.note}" for s in plan.steps
    )
    for text in expected:
        assert text in shown, text


def _english_phrases() -> set[str]:
    """The literal pieces of the English templates, long enough to be unmistakable."""
    pieces = set()
    for template in messages_for("en").templates.values():
        for literal, *_ in string.Formatter().parse(template):
            pieces |= {part.strip() for part in literal.split(";") if len(part.strip()) >= 9}
    return pieces


def _plans(rules: Jurisdiction) -> list[DeadlinePlan]:
    plans = []
    for code, decision in rules.decisions.items():
        procedures: list[str | None] = [*decision.procedures] or [None]
        for procedure in procedures:
            for departure in (None, 15, 45):
                try:
                    plans.append(
                        compute_deadlines(
                            rules,
                            code,
                            served=SERVED,
                            adopted=ADOPTED,
                            departure_days=departure,
                            procedure=procedure,
                            service="ordinary_post",
                        )
                    )
                except DeadlineInputError:
                    continue
    return plans


def test_no_english_is_left_in_any_plan(locale: str) -> None:
    english_plans = _plans(load_jurisdiction("RS"))
    plans = _plans(load_jurisdiction("RS", locale=locale))
    assert len(plans) == len(english_plans) > 30
    english_pieces = _english_phrases()
    for plan, english in zip(plans, english_plans, strict=True):
        assert plan.decision_label != english.decision_label
        for step, english_step in zip(plan.steps, english.steps, strict=True):
            for field in ("remedy_label", "body", "explanation", "suspensive_text", "note"):
                text, original = getattr(step, field), getattr(english_step, field)
                assert text != original or text in SAME_IN_EVERY_LANGUAGE, (field, text)
            assert step.if_missed != english_step.if_missed or not step.if_missed
            assert step.uncertain != english_step.uncertain or not step.uncertain
        for warning, english_warning in zip(plan.warnings, english.warnings, strict=True):
            assert warning.message != english_warning.message
        written = " ".join(
            [plan.service_explanation, *(w.message for w in plan.warnings)]
            + [f"{s.explanation} {s.suspensive_text} {s.if_missed}" for s in plan.steps]
        )
        assert not [piece for piece in english_pieces if piece in written]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "the departure deadline (Wednesday 16 Apr 2025) runs while"),
        ("ru", "срок выезда (среда, 16.04.2025) течёт"),
        ("sr_Latn", "rok za napuštanje (sreda, 16.04.2025.) teče"),
    ],
)
def test_warnings_are_written_in_the_language(locale: str, expected: str) -> None:
    messages = [warning.message for warning in _return_plan(locale).warnings]
    assert any(message.startswith(expected) for message in messages), messages


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "procedure not recorded: showing the shortest deadlines (border)"),
        ("ru", "процедура не указана: показаны самые короткие сроки (border)"),
        ("sr_Latn", "postupak nije unet: prikazani su najkraći rokovi (border)"),
    ],
)
def test_case_warnings_follow_the_language(locale: str, expected: str) -> None:
    rules = load_jurisdiction("RS", locale=locale)
    event = DecisionEvent("e1", "asylum_decision", SERVED)
    found = case_deadlines(rules, [event], [], today=SERVED)
    assert expected in [warning.message for warning in found.warnings]


def test_a_substitute_holiday_is_named_in_the_language() -> None:
    rules = load_jurisdiction("RS", locale="ru")
    plan = compute_deadlines(rules, "administrative_court_judgment", served=date(2026, 1, 16))
    assert "перенесённый выходной (праздник 2026-02-15, воскресенье)" in plan.steps[0].explanation


def test_the_calendar_feed_is_worded_in_the_language() -> None:
    step = _return_plan("ru").steps[0]
    entry = entry_for_step("case-1:appeal", step, "Дело 1", "ru")
    assert entry is not None
    assert entry.summary == "Дело 1: Жалоба (žalba): срок"
    assert "Последний день: 2025-04-22" in entry.description
    assert "Как посчитано: 15 дней с вручения" in entry.description
    feed = build_calendar([entry], name="Дело 1", locale="ru").decode()
    assert "Через 3 дня: Дело 1" in feed.replace("\r\n ", "")


def test_serbian_cyrillic_rules_are_the_latin_texts_in_cyrillic_with_the_same_codes() -> None:
    latin, cyrillic = (load_jurisdiction("RS", locale=code) for code in ("sr_Latn", "sr_Cyrl"))
    assert set(cyrillic.remedies) == set(latin.remedies)
    assert set(cyrillic.decisions) == set(latin.decisions)
    for code, remedy in latin.remedies.items():
        assert cyrillic.remedies[code].label == to_cyrillic(remedy.label)
    templates = messages_for("sr_Cyrl").templates
    assert templates.keys() == messages_for("sr_Latn").templates.keys()
    assert all(placeholders(templates[key]) == placeholders(value)
               for key, value in messages_for("sr_Latn").templates.items())  # fmt: skip
