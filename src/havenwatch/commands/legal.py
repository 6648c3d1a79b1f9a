"""`havenwatch deadlines`: every deadline a decision opens, counted, explained and cited."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from havenwatch.core.dates import parse_day
from havenwatch.core.errors import ValidationError
from havenwatch.legal.calendar import format_day
from havenwatch.legal.engine import (
    DeadlineInputError,
    DeadlinePlan,
    DeadlineStep,
    compute_deadlines,
    plan_as_dict,
)
from havenwatch.legal.model import CONFIDENCE_LABELS, Jurisdiction
from havenwatch.legal.rules import RulesError, load_jurisdiction
from havenwatch.legal.workflow import default_decision

FORMATS = ("text", "json")


class BadInput(click.ClickException):
    """A one-line error with the usage exit status, without click's usage block."""

    exit_code = 2


def parse_date(value: str, option: str) -> date:
    """A day in any form `havenwatch event add` accepts (2025-03-03, 3.3.2025, 3 March 2025)."""
    try:
        return parse_day(value, option)
    except ValidationError as error:
        raise BadInput(str(error)) from None


def decision_and_procedure(
    rules: Jurisdiction, decision: str, procedure: str | None
) -> tuple[str, str | None]:
    """A decision code as given, or an event type's default decision (and its procedure)."""
    if decision in rules.decisions:
        return decision, procedure
    mapping = default_decision(rules, decision)
    if mapping is None:
        codes = ", ".join(sorted(rules.decisions))
        types = ", ".join(sorted(rules.event_types))
        raise BadInput(
            f"unknown decision '{decision}' for {rules.code}; valid: {codes}; "
            f"or an event type: {types}"
        )
    if mapping.decision is None:
        raise BadInput(f"--decision: event type '{decision}' is not a decision: {mapping.note}")
    return mapping.decision, procedure or mapping.procedure


def parse_days(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise BadInput(f"--departure-days: '{value}' is not a whole number of days (0 or more)")
    return int(value)


@click.command("deadlines")
@click.option("--jurisdiction", default="RS", show_default=True, help="Jurisdiction code.")
@click.option(
    "--decision",
    required=True,
    help="Decision code (e.g. return_decision) or event type (e.g. residence_revoked: its "
    "default decision).",
)
@click.option("--served", required=True, help="Date of service (2025-03-03, 3.3.2025...).")
@click.option("--adopted", help="Date the decision was adopted (same forms).")
@click.option("--departure-days", help="Departure period set in the decision, in days.")
@click.option("--service", default="personal", show_default=True, help="How it was served.")
@click.option("--procedure", help="Procedure, for decisions that have several (asylum).")
@click.option("--format", "output_format", default="text", show_default=True, help="text or json.")
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of jurisdiction rules files (default: the built-in rules).",
)
def deadlines(
    jurisdiction: str,
    decision: str,
    served: str,
    adopted: str | None,
    departure_days: str | None,
    service: str,
    procedure: str | None,
    output_format: str,
    rules_dir: Path | None,
) -> None:
    """Compute the remedies and deadlines opened by a decision."""
    if output_format not in FORMATS:
        raise BadInput(f"unknown format '{output_format}'; valid: {', '.join(FORMATS)}")
    try:
        rules = load_jurisdiction(jurisdiction, rules_dir)
        decision, procedure = decision_and_procedure(rules, decision, procedure)
        plan = compute_deadlines(
            rules,
            decision,
            served=parse_date(served, "--served"),
            adopted=parse_date(adopted, "--adopted") if adopted else None,
            departure_days=parse_days(departure_days),
            service=service,
            procedure=procedure,
        )
    except (DeadlineInputError, RulesError) as error:
        raise BadInput(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(plan))


def render_text(plan: DeadlinePlan) -> str:
    procedure = f", {plan.procedure} procedure" if plan.procedure else ""
    lines = [
        f"{plan.jurisdiction_name} ({plan.jurisdiction}): {plan.decision_label} "
        f"[{plan.decision}{procedure}]",
        f"Service: {plan.service_explanation}",
    ]
    if plan.adopted:
        lines.append(f"Adopted: {format_day(plan.adopted)}")
    for number, step in enumerate(plan.steps, start=1):
        lines += ["", *_step_lines(number, step)]
    if plan.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  ! {warning.message}" for warning in plan.warnings]
    return "\n".join(lines)


def _step_lines(number: int, step: DeadlineStep) -> list[str]:
    flag = "  ** VERIFY WITH COUNSEL **" if step.verify_with_counsel else ""
    due = format_day(step.due) if step.due else "no fixed deadline"
    rows = [
        ("Body", step.body),
        ("Due", due),
        ("Counted", step.explanation),
        ("Suspensive", step.suspensive_text),
        ("Citation", step.citation),
        ("Source", step.source),
        ("Confidence", f"{step.confidence} ({CONFIDENCE_LABELS[step.confidence]})"),
    ]
    if step.note and step.note != step.explanation:
        rows.append(("Note", step.note))
    rows += [("Verify", item) for item in step.uncertain]
    if step.if_missed:
        rows.append(("If missed", step.if_missed))
    return [f"{number}. {step.remedy_label} [{step.remedy}]{flag}"] + [
        f"   {label + ':':<12} {value}" for label, value in rows
    ]


COMMANDS = [deadlines]
