"""`havenwatch eval`: score extraction results against labelled reports.

    havenwatch eval GOLD_DIR PRED.jsonl     score results produced earlier
    havenwatch eval GOLD_DIR DOCS_DIR       run the extractor on the documents, then score

GOLD_DIR holds `*.gold.json` files, one contract object each, whose `document` is the file
name of the report; results and documents are paired with them by that file name.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from havenwatch.commands.common import cli_actor, open_db
from havenwatch.core.file_modes import write_private
from havenwatch.monitor.evaluate import Counts, Report, evaluate, floor_failures
from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.decisions import shipped_model_path
from havenwatch.monitor.extract.training import TRAINING_SETS, cross_validate, model_json, train
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news
from havenwatch.monitor.reviewed import (
    example_files,
    export_reviewed,
    reviewed_evaluation,
    unpack_examples,
    write_examples,
)
from havenwatch.operations.archive import (
    ArchiveError,
    DecryptingReader,
    EncryptingWriter,
    archive_key,
    new_header,
    read_header,
)

GOLD_SUFFIX = ".gold.json"


def load_gold_directory(directory: Path) -> list[dict[str, Any]]:
    """The gold objects of a directory, in file-name order."""
    paths = sorted(directory.glob(f"*{GOLD_SUFFIX}"))
    if not paths:
        raise click.ClickException(f"no {GOLD_SUFFIX} files in {directory}")
    return [_read_json_object(path) for path in paths]


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path}: {error}") from error
    if not isinstance(value, dict) or "document" not in value:
        raise click.ClickException(f"{path}: not an extraction result with a 'document'")
    return value


def load_predictions(path: Path) -> list[dict[str, Any]]:
    """Extraction results from a JSON-lines file, one object per line."""
    results = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise click.ClickException(f"{path}:{number}: {error}") from error
            if not isinstance(value, dict) or "document" not in value:
                raise click.ClickException(f"{path}:{number}: no 'document' in this result")
            results.append(value)
    return results


def extract_documents(
    gold: Iterable[Mapping[str, Any]], documents_dir: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    """Run the extractor over each gold document found in `documents_dir`.

    Returns the results and one message per document that could not be read.
    """
    paths = [str(documents_dir / Path(str(item["document"])).name) for item in gold]
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in read_news(paths):
        if not isinstance(item, NewsItem):
            errors.append(item.message)
            continue
        name = Path(str(item.id)).name
        found = extract_text(item.text, document=name, published=item.published)
        results.append(found.to_contract())
    return results, errors


def read_floors(path: Path) -> dict[str, float]:
    """The `floors` mapping of a floors file: dotted metric path -> lowest accepted value."""
    value = _read_json_file(path)
    floors = value.get("floors") if isinstance(value, dict) else None
    if not isinstance(floors, dict) or not all(
        isinstance(floor, int | float) for floor in floors.values()
    ):
        raise click.ClickException(f"{path}: expected {{'floors': {{metric: number}}}}")
    return {str(metric): float(floor) for metric, floor in floors.items()}


def _read_json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path}: {error}") from error


LABELLED_ROOT = Path("tests") / "monitor"


@click.command("eval")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A readable table, or the full report as JSON.",
)
@click.option(
    "--floors",
    "floors_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file of pinned floors; exit 1 when a score falls below one.",
)
@click.option("--mistakes", is_flag=True, help="Also list every missed and spurious item.")
@click.option(
    "--reviewed",
    is_flag=True,
    help="Score what the extractor said on this installation's decided leads against what "
    "the reviewers kept (nothing leaves the process).",
)
@click.option(
    "--cross-validate",
    "cross_validate",
    is_flag=True,
    help="k-fold by report over labelled sets (PATHS, default the training sets under "
    "tests/monitor): "
    "the decision model's held-out scores beside the rules alone.",
)
@click.pass_context
def eval_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output_format: str,
    floors_file: Path | None,
    mistakes: bool,
    cross_validate: bool,
    reviewed: bool,
) -> None:
    """Score extraction results: GOLD_DIR PREDICTIONS (a .jsonl file or a directory of
    documents), --cross-validate [SET_DIR...], or --reviewed (the installation's leads)."""
    if reviewed:
        _print_reviewed(ctx, output_format, floors_file, mistakes)
        return
    if cross_validate:
        _print_cross_validation(paths or _default_sets(), output_format, mistakes)
        return
    if len(paths) != 2 or not paths[0].is_dir():
        raise click.UsageError("expected GOLD_DIR and PREDICTIONS (or --cross-validate)")
    gold_dir, predictions = paths
    gold = load_gold_directory(gold_dir)
    if predictions.is_dir():
        produced, errors = extract_documents(gold, predictions)
        for error in errors:
            click.echo(f"havenwatch: {error}", err=True)
    else:
        produced = load_predictions(predictions)
    report = evaluate(gold, produced)
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(), show_mistakes=mistakes)
    _check_floors(report, floors_file)


def _check_floors(report: Report, floors_file: Path | None) -> None:
    if floors_file is not None:
        failures = floor_failures(report, read_floors(floors_file))
        for failure in failures:
            click.echo(f"havenwatch: below floor: {failure}", err=True)
        if failures:
            sys.exit(1)


def _print_reviewed(
    ctx: click.Context, output_format: str, floors_file: Path | None, mistakes: bool
) -> None:
    scored = reviewed_evaluation(open_db(ctx))
    if scored is None:
        raise click.ClickException("no reviewed leads yet: decide some in the review queue")
    report, corrections = scored.report, scored.subject_corrections
    if output_format == "json":
        both = {**report.to_dict(), "subject_corrections": corrections}
        click.echo(json.dumps(both, ensure_ascii=False, indent=2))
    else:
        console = Console()
        console.print(f"{scored.reports} reviewed reports; {corrections} subject names corrected")
        print_report(report, console, show_mistakes=mistakes)
    _check_floors(report, floors_file)


@click.command("export-reviewed")
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--encrypted",
    is_flag=True,
    help="Write TARGET as one file encrypted with a key derived from the instance key (as a "
    "backup is), not a directory of clear files; `unpack-reviewed` opens it.",
)
@click.pass_context
def export_reviewed_command(ctx: click.Context, target: Path, encrypted: bool) -> None:
    """Write the decided leads as a labelled set in TARGET (a directory): each report's text
    and its gold JSON (accepted leads as corrected, rejected ones as no event). The files name
    people: owner-only, and the export is audited."""
    db = open_db(ctx)
    if encrypted and target.exists():
        raise click.ClickException(f"{target} already exists; choose a new file name")
    examples = export_reviewed(db, cli_actor(), encrypted=encrypted)
    if encrypted:
        keyring = db.require_keyring()
        header = new_header(keyring, None)
        with target.open("xb") as sink:
            writer = EncryptingWriter(sink, header, archive_key(header, keyring, None))
            write_examples(examples, writer)  # type: ignore[arg-type]
            writer.close()
        click.echo(f"wrote {len(examples)} labelled reports, encrypted, to {target}")
        return
    target.mkdir(parents=True, exist_ok=True)
    for item in examples:
        for name, content in example_files(item):
            write_private(target / name, content)
    click.echo(f"wrote {len(examples)} labelled reports to {target}")


@click.command("unpack-reviewed")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def unpack_reviewed_command(ctx: click.Context, archive: Path, directory: Path) -> None:
    """Open an `export-reviewed --encrypted` file with the instance key file and write its
    labelled reports in DIRECTORY (owner-only), for `havenwatch eval DIRECTORY DIRECTORY`."""
    keyring = open_db(ctx).require_keyring()
    try:
        with archive.open("rb") as source:
            header, raw = read_header(source)
            reader = DecryptingReader(source, raw, archive_key(header, keyring, None))
            count = unpack_examples(reader, directory)  # type: ignore[arg-type]
            reader.check_complete()
    except ArchiveError as error:
        raise click.ClickException(f"{archive}: {error}") from error
    click.echo(f"wrote {count} labelled reports to {directory}")


def _default_sets() -> tuple[Path, ...]:
    found = tuple(LABELLED_ROOT / name for name in TRAINING_SETS if (LABELLED_ROOT / name).is_dir())
    if not found:
        raise click.UsageError(f"no labelled sets under {LABELLED_ROOT}: name them")
    return found


def _print_cross_validation(sets: tuple[Path, ...], output_format: str, mistakes: bool) -> None:
    result = cross_validate(sets)
    if output_format == "json":
        both = {"model": result.model.to_dict(), "rules": result.rules.to_dict()}
        click.echo(json.dumps(both, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print("Decision model, each report scored by a model trained without it:")
    print_report(result.model, console, show_mistakes=mistakes)
    console.print("The rules alone, on the same reports:")
    console.print(_scores_table(result.rules))


@click.command("train")
@click.argument("sets", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the model [default: the one the package ships].",
)
def train_command(sets: tuple[Path, ...], output: Path | None) -> None:
    """Train the extractor's decision model on labelled sets (default: the training sets
    under tests/monitor, every one but the blind set) and write it as JSON weights; the same
    sets give the same file."""

    target = output or shipped_model_path()
    text = model_json(train(sets or _default_sets()))
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


def print_report(report: Report, console: Console, *, show_mistakes: bool = False) -> None:
    """The report as rich tables."""
    console.print(_scores_table(report))
    console.print(_counts_table("Events by type", report.events_by_type))
    console.print(_fields_table(report))
    if report.missing_predictions:
        console.print(f"No result for: {', '.join(report.missing_predictions)}")
    if show_mistakes:
        console.print(_mistakes_table(report))


def _scores_table(report: Report) -> Table:
    table = _new_counts_table(f"Scores over {report.documents} documents")
    _add_counts_row(table, "events", report.events)
    for language in sorted(report.events_by_language):
        _add_counts_row(table, f"events ({language})", report.events_by_language[language])
    _add_counts_row(table, "aggregates", report.aggregates)
    _add_counts_row(table, "relevance", report.relevance.counts)
    table.caption = (
        f"relevance accuracy {report.relevance.accuracy:.3f}; "
        f"events produced for irrelevant documents: {report.false_events_on_irrelevant}; "
        f"false events given to another subject: {report.wrong_subject_events}"
    )
    return table


def _counts_table(title: str, counts: Mapping[str, Counts]) -> Table:
    table = _new_counts_table(title)
    for key in sorted(counts):
        _add_counts_row(table, key, counts[key])
    return table


def _new_counts_table(title: str) -> Table:
    table = Table(title=title)
    table.add_column("")
    for heading in ("TP", "FP", "FN", "P", "R", "F1"):
        table.add_column(heading, justify="right")
    return table


def _add_counts_row(table: Table, label: str, counts: Counts) -> None:
    table.add_row(
        label,
        str(counts.true_positives),
        str(counts.false_positives),
        str(counts.false_negatives),
        f"{counts.precision:.3f}",
        f"{counts.recall:.3f}",
        f"{counts.f1:.3f}",
    )


def _fields_table(report: Report) -> Table:
    table = Table(title="Field accuracy on matched events")
    table.add_column("field")
    table.add_column("correct", justify="right")
    table.add_column("accuracy", justify="right")
    for name, accuracy in report.fields.items():
        value = accuracy.accuracy
        shown = "-" if value is None else f"{value:.3f}"
        table.add_row(name, f"{accuracy.correct}/{accuracy.total}", shown)
    return table


def _mistakes_table(report: Report) -> Table:
    table = Table(title="Mistakes")
    for heading in ("document", "kind", "what", "evidence"):
        table.add_column(heading)
    for mistake in report.mistakes:
        table.add_row(mistake.document, mistake.kind, mistake.description, mistake.evidence)
    return table


COMMANDS = [eval_command, train_command, export_reviewed_command, unpack_reviewed_command]
