"""`havenwatch deadlines`: text and JSON output, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from havenwatch.commands.legal import COMMANDS, deadlines

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(deadlines, list(args))
    return result.exit_code, result.output


def test_command_is_exported() -> None:
    assert [command.name for command in COMMANDS] == ["deadlines"]


def test_text_output_explains_the_roll_over() -> None:
    code, out = run("--decision", "temporary_residence_refused", "--served", "2025-04-03")
    assert code == 0
    assert "Due:         Tuesday 22 Apr 2025" in out
    assert "ends Friday 18 Apr 2025, Good Friday" in out
    assert "next working day Tuesday 22 Apr 2025" in out
    assert "Citation:    ZoS 45(2)-(5), 41(7)" in out
    assert "Suspensive:  yes" in out
    assert "Confidence:  C" in out


def test_text_output_flags_uncertain_rules() -> None:
    code, out = run("--decision", "administrative_court_judgment", "--served", "2025-04-03")
    assert code == 0
    assert (
        "Constitutional appeal (ustavna žalba) [constitutional_appeal]  ** VERIFY WITH COUNSEL **"
        in out
    )
    assert "Warnings:" in out


def test_json_output() -> None:
    code, out = run(
        "--jurisdiction", "RS",
        "--decision", "return_decision",
        "--served", "2025-04-03",
        "--adopted", "2025-04-01",
        "--departure-days", "15",
        "--service", "registered_post",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert (data["jurisdiction"], data["decision"], data["served"]) == (
        "RS",
        "return_decision",
        "2025-04-03",
    )
    steps = {step["remedy"]: step for step in data["steps"]}
    assert steps["appeal"]["due"] == "2025-04-22"
    assert steps["appeal"]["suspensive"] is False
    assert steps["departure"]["due"] == "2025-04-16"
    for step in data["steps"]:
        assert {
            "remedy",
            "body",
            "due",
            "suspensive",
            "citation",
            "confidence",
            "explanation",
        } <= set(step)
    assert any(w["code"] == "departure_not_suspended" for w in data["warnings"])


def test_asylum_procedure_and_rules_dir() -> None:
    code, out = run(
        "--decision", "asylum_decision", "--procedure", "border", "--served", "2025-04-03",
        "--format", "json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["steps"][0]["due"] == "2025-04-08"
    code, out = run(
        "--jurisdiction", "XX", "--rules-dir", str(FIXTURES),
        "--decision", "deportation_order", "--served", "2026-02-01",
    )  # fmt: skip
    assert code == 0 and "Tuesday 10 Feb 2026" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--jurisdiction", "FR"], "unknown jurisdiction 'FR'"),
        (["--decision", "deport"], "unknown decision 'deport' for RS; valid: administrative_"),
        (["--decision", "asylum_decision"], "needs a procedure; valid: accelerated, border"),
        (["--decision", "asylum_decision", "--procedure", "x"], "unknown procedure 'x'"),
        (["--service", "fax"], "unknown service method 'fax'; valid: notice_left"),
        (["--served", "2025-02-30"], "--served: impossible date '2025-02-30'"),
        (["--served", "30.13.2025"], "--served: impossible date '30.13.2025'"),
        (["--served", "someday"], "--served: not a date: 'someday'"),
        (["--decision", "security_designation"], "event type 'security_designation' is not"),
        (["--decision", "deport"], "or an event type: asylum_decision, court_decision"),
        (["--adopted", "2025-05-01"], "adoption date 2025-05-01 is after the service date"),
        (["--departure-days", "ten"], "'ten' is not a whole number"),
        (["--departure-days", "10"], "sets no departure period"),
        (["--format", "xml"], "unknown format 'xml'; valid: text, json"),
        (["--rules-dir", "/nonexistent"], "unknown jurisdiction 'RS'"),
    ],
)
def test_bad_input_gives_one_line(args: list[str], expected: str) -> None:
    base = {"--decision": "entry_refusal", "--served": "2025-04-03"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [item for pair in base.items() for item in pair]
    code, out = run(*flat)
    assert code == 2
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    assert expected in lines[0]
    assert "Traceback" not in out


def test_missing_required_option_is_a_usage_error() -> None:
    code, _ = run("--decision", "entry_refusal")
    assert code == 2


@pytest.mark.parametrize(
    ("event_type", "decision"),
    [("residence_revoked", "temporary_residence_terminated"), ("detention", "shelter_detention")],
)
def test_an_event_type_stands_for_its_default_decision(event_type: str, decision: str) -> None:
    by_type = run("--decision", event_type, "--served", "2025-03-03", "--format", "json")
    by_code = run("--decision", decision, "--served", "2025-03-03", "--format", "json")
    assert by_type == by_code and by_type[0] == 0
    assert json.loads(by_type[1])["decision"] == decision


@pytest.mark.parametrize("served", ["3.3.2025", "03.03.2025", "3 March 2025", "3. marta 2025"])
def test_the_served_date_takes_the_forms_event_add_takes(served: str) -> None:
    code, out = run(
        "--decision",
        "residence_revoked",
        "--served",
        served,
        "--departure-days",
        "30",
        "--format",
        "json",
    )
    assert code == 0, out
    steps = {step["remedy"]: step["due"] for step in json.loads(out)["steps"]}
    assert (steps["appeal"], steps["departure"]) == ("2025-03-18", "2025-04-02")
