"""Loading and validating rules files: clear errors naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.legal.rules import (
    RulesError,
    available_jurisdictions,
    load_jurisdiction,
    load_rules,
)

FIXTURE = Path(__file__).parent / "fixtures" / "XX.toml"


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "XX.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'counting = "inclusive_days"',
            'counting = "workdays"',
            "XX.toml: decision 'deportation_order' remedy 'appeal': "
            "unknown counting method 'workdays'",
        ),
        (
            'remedy = "judicial_review"',
            'remedy = "petition"',
            "XX.toml: decision 'tribunal_ruling': unknown remedy 'petition'",
        ),
        ('confidence = "U"', 'confidence = "maybe"', "'confidence' must be one of C, S, U"),
        ("length = 10", 'length = "ten"', "'length' must be an integer"),
        ("length = 10", "lenght = 10", "unknown key 'lenght'"),
        ('leads_to = "tribunal_ruling"', 'leads_to = "nowhere"', "unknown decision code 'nowhere'"),
        ('weekend = ["friday", "saturday"]', 'weekend = ["funday"]', "unknown weekday 'funday'"),
        ("days = [10, 11, 12]", "days = [10, 32]", "no such date: month 8 day 32"),
        ('citation = "Removal Act s. 3"\n', "", "missing key 'citation'"),
        (
            "days = [10, 11, 12]",
            'days = [10, "x"]',
            "XX.toml: calendar holiday 'Harvest Festival': 'days' must be a list of integers",
        ),
        (
            "[jurisdiction]",
            "[jurisdiction]\nflag = 1",
            "XX.toml: jurisdiction: unknown key 'flag'; allowed: code, name, sources",
        ),
        ("roll_over = ", "roll_over = 3 #", "'roll_over' must be true or false, got 3"),
        (
            'kind = "filing"',
            'kind = "plea"',
            "XX.toml: remedy 'appeal': 'kind' must be one of filing, request, obligation",
        ),
    ],
)
def test_errors_name_the_file_and_the_place(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(broken(tmp_path, old, new))
    assert message in str(caught.value)
    assert str(caught.value).startswith("XX.toml:")


def test_unreadable_toml(tmp_path: Path) -> None:
    path = tmp_path / "ZZ.toml"
    path.write_text("[jurisdiction\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"ZZ\.toml: cannot read rules"):
        load_rules(path)


def test_unknown_jurisdiction_lists_the_valid_ones(tmp_path: Path) -> None:
    assert "RS" in available_jurisdictions()
    with pytest.raises(RulesError, match=r"unknown jurisdiction 'FR'.*valid: RS"):
        load_jurisdiction("FR")
    with pytest.raises(RulesError, match="valid: none"):
        load_jurisdiction("RS", tmp_path)


def test_rules_dir_is_honoured() -> None:
    assert load_jurisdiction("XX", FIXTURE.parent).name == "Freedonia (fictional)"


def test_event_type_mapping_lives_in_the_rules(tmp_path: Path) -> None:
    rules = load_jurisdiction("RS")
    assert rules.event_types["expulsion_order"].decision == "return_decision"
    assert rules.event_types["security_designation"].decision is None
    with pytest.raises(RulesError, match=r"event type 'expulsion_order': unknown decision code"):
        load_rules(broken(tmp_path, 'decision = "deportation_order"', 'decision = "x"'))
