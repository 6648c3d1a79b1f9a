"""`havenwatch deadlines`: every deadline a decision opens, counted, explained and cited."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from havenwatch.legal.calendar import format_day
from havenwatch.legal.engine import (
    DeadlineInputError,
    DeadlinePlan,
    DeadlineStep,
    compute_deadlines,
    plan_as_dict,
)
from havenwatch.legal.model import CONFIDENCE_LABELS
from havenwatch.legal.rules import RulesError, load_jurisdiction

FORMATS = ("text", "json")


class BadInput(click.ClickException):
    """A one-line error with the usage exit status, without click's usage block."""

    exit_code = 2


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option}: '{value}' is not a real date in the form YYYY-MM-DD") from None


def parse_days(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise BadInput(f"--departure-days: '{value}' is not a whole number of days (0 or more)")
    return int(value)


@click.command("deadlines")
@click.option("--jurisdiction", default="RS", show_default=True, help="Jurisdiction code.")
@click.option("--decision", required=True, help="Decision code, e.g. return_decision.")
@click.option("--served", required=True, help="Date of service (YYYY-MM-DD).")
@click.option("--adopted", help="Date the decision was adopted (YYYY-MM-DD).")
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
