"""`havenwatch ingest` (reports in) and `havenwatch leads` (the review queue)."""

from __future__ import annotations

import time
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from havenwatch.access.scope import Scope
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    err_console,
    open_db,
    print_json,
    print_table,
)
from havenwatch.monitor.ingest import Tally, run_ingest
from havenwatch.monitor.leads import (
    STATUSES,
    Lead,
    Target,
    count_leads,
    get_lead,
    list_leads,
    reject_lead,
)
from havenwatch.monitor.queue import retry_failed
from havenwatch.monitor.review import accept_reviewed, merge_reviewed

PROGRESS_FIELDS = "documents {task.fields[documents]}  leads {task.fields[leads]}  " \
    "duplicates {task.fields[duplicates]}  errors {task.fields[errors]}"  # fmt: skip


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes sharing the queue.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress bar and no summary; errors only.")
@click.option("--retry-failed", "retry", is_flag=True, help="Queue again reports that failed.")
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[str, ...], workers: int, quiet: bool, retry: bool
) -> None:
    """Ingest news reports from PATHS: files, directories, RSS/Atom feeds, HTML, JSON lines,
    or http(s) addresses of a feed (each article page is read) or of one page.

    Each report is stored once; near-duplicates join the story they repeat; every incident
    becomes a lead to review (`havenwatch leads`). Unreadable inputs are reported on stderr,
    one line each, and skipped; the exit status is then 1. Safe to re-run and to interrupt.
    """
    db = open_db(ctx)
    actor = cli_actor()
    if retry:
        retry_failed(db, actor)
    console = err_console()
    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn(PROGRESS_FIELDS),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        task = progress.add_task("ingest", total=None, documents=0, leads=0, duplicates=0, errors=0)
        shown = Tally()

        def report(delta: Tally, message: str | None) -> None:
            shown.add(delta)
            if message:
                progress.console.print(
                    f"havenwatch: error: {message}", markup=False, highlight=False, soft_wrap=True
                )
            progress.update(task, documents=shown.documents, leads=shown.new_leads,
                            duplicates=shown.duplicates, errors=shown.errors)  # fmt: skip

        total = run_ingest(db, paths, actor, workers=workers, report=report)
    if not quiet:
        summary = _summary(total, time.monotonic() - started)
        console.print(summary, markup=False, highlight=False, soft_wrap=True)
    if total.errors:
        raise SystemExit(1)


def _summary(total: Tally, seconds: float) -> str:
    rate = total.documents / seconds if seconds > 0 else 0.0
    return (
        f"ingested {total.documents} new reports ({total.near_duplicates} joined an earlier "
        f"story), {total.new_leads} new leads, {total.exact_duplicates} exact duplicates "
        f"skipped, {total.errors} errors, in {seconds:.1f} s ({rate:.1f} reports/s)"
    )


@click.group()
def leads() -> None:
    """The review queue of incidents found in the news."""


@leads.command("list")
@click.option("--status", type=click.Choice(STATUSES), default="new", show_default=True)
@click.option("--all", "all_statuses", is_flag=True, help="Every status.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@FORMAT_OPTION
@click.pass_context
def leads_list(
    ctx: click.Context,
    status: str,
    all_statuses: bool,
    limit: int,
    offset: int,
    output_format: str,
) -> None:
    """List leads, newest first."""
    db = open_db(ctx)
    wanted = None if all_statuses else status
    found = list_leads(db, status=wanted, limit=limit, offset=offset, scope=Scope.everything())
    if output_format == "json":
        print_json(
            {"total": count_leads(db, status=wanted, scope=Scope.everything()), "leads": found}
        )
        return
    print_table(
        ["id", "status", "type", "subject", "country", "date", "sources", "candidate", "score"],
        [
            [
                lead.id, lead.status, lead.event_type, lead.subject_name, lead.country,
                lead.event_date, len(lead.sources), lead.candidate_person_id or "new person",
                lead.match_score,
            ]
            for lead in found
        ],
        title=f"{count_leads(db, status=wanted, scope=Scope.everything())} leads",
    )  # fmt: skip


@leads.command("show")
@click.argument("lead_id")
@FORMAT_OPTION
@click.pass_context
def leads_show(ctx: click.Context, lead_id: str, output_format: str) -> None:
    """One lead: evidence, sources, candidates and decision."""
    lead = get_lead(open_db(ctx), lead_id, scope=Scope.everything())
    if output_format == "json":
        print_json(lead)
        return
    _print_lead(lead)


def _print_lead(lead: Lead) -> None:
    rows: list[list[Any]] = [
        ["id", lead.id],
        ["status", lead.status],
        ["type", lead.event_type],
        ["subject", lead.subject_name],
        ["country", lead.country],
        ["date", lead.event_date],
        ["evidence", lead.evidence],
        ["candidate person", lead.candidate_person_id or "new person proposed"],
        ["candidate case", lead.candidate_case_id],
        ["match", f"{lead.match_score or '-'}: {lead.match_reason}"],
        ["story", lead.story_id],
    ]
    rows += [["source", _source_line(source)] for source in lead.sources]
    if lead.status != "new":
        rows += [
            ["decided", f"{lead.decided_at:%Y-%m-%d %H:%M} by {lead.decided_by}"],
            ["reason", lead.decision_reason],
            ["event", lead.event_id],
        ]
    print_table(["field", "value"], rows, title=f"lead {lead.id}")


def _source_line(source: Any) -> str:
    parts = [source.publisher, str(source.published_on or ""), source.title, source.url]
    return " | ".join(part for part in parts if part)


@leads.command("accept")
@click.argument("lead_id")
@click.option("--case", "case_id", help="Add the event to this case.")
@click.option("--person", "person_id", help="Add it to this person's open case in the country.")
@click.option("--pseudonym", help="Create a new person with this pseudonym (and a case).")
@click.option("--team", default="default", show_default=True, help="Team of a new person.")
@FORMAT_OPTION
@click.pass_context
def leads_accept(
    ctx: click.Context,
    lead_id: str,
    case_id: str | None,
    person_id: str | None,
    pseudonym: str | None,
    team: str,
    output_format: str,
) -> None:
    """Record the lead's incident as an event on a case, citing its sources.

    Without options the lead's candidate case (or candidate person) is used.
    """
    target = Target(person_id, case_id, pseudonym, team, Scope.everything())
    accepted = accept_reviewed(
        open_db(ctx), lead_id, cli_actor(), target=target, scope=Scope.everything()
    )
    _decided(accepted.lead, output_format)


@leads.command("merge")
@click.argument("lead_id")
@click.argument("event_id")
@FORMAT_OPTION
@click.pass_context
def leads_merge(ctx: click.Context, lead_id: str, event_id: str, output_format: str) -> None:
    """Fold the lead into an existing event; its sources become corroboration."""
    merged = merge_reviewed(open_db(ctx), lead_id, event_id, cli_actor(), scope=Scope.everything())
    _decided(merged.lead, output_format)


@leads.command("reject")
@click.argument("lead_id")
@click.option("--reason", required=True, help="Why this is not a case (kept with the lead).")
@FORMAT_OPTION
@click.pass_context
def leads_reject(ctx: click.Context, lead_id: str, reason: str, output_format: str) -> None:
    """Turn the lead down; it is not offered again, even when its reports come back."""
    _decided(
        reject_lead(open_db(ctx), lead_id, cli_actor(), reason, scope=Scope.everything()),
        output_format,
    )


def _decided(lead: Lead, output_format: str) -> None:
    if output_format == "json":
        print_json(lead)
    else:
        click.echo(
            f"lead {lead.id} {lead.status}" + (f": event {lead.event_id}" if lead.event_id else "")
        )


COMMANDS = [ingest, leads]
