"""The installation's own decisions as a labelled set: what the extractor said, what was kept.

Each report whose leads were all decided becomes one labelled example, named by its source
id: its text, and a gold object in the extraction contract's format (the format of
`tests/monitor/devset*/`) whose events are what the reviewers kept: an accepted lead as
corrected (`leads.reviewed`), a merged lead as extracted, a rejected lead nothing (a report
whose leads were all rejected is gold-irrelevant, with no events). Beside it, the
extractor's own reading (the sealed extraction of each lead) is the prediction, so
`havenwatch eval --reviewed` scores the extractor on real work with the ordinary scorer,
without any identity leaving the process. `havenwatch export-reviewed DIR` writes the
examples out (admin, audited) for retraining: as a directory of clear files, or
(`--encrypted`) as one tar stream of the same files (`write_examples`) that the command seals
with a key derived from the instance key, as a backup is, and `havenwatch unpack-reviewed`
opens again (`unpack_examples`). `reviewed_evaluation` is the figures of `eval --reviewed`,
which the admin page shows too.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, exists, select

from havenwatch.cases.sources import open_source_fields
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.file_modes import write_private
from havenwatch.monitor.evaluate import Report, evaluate
from havenwatch.monitor.leads import ACCEPTED, MERGED, NEW, REJECTED
from havenwatch.store.database import Database
from havenwatch.store.monitor_key import MonitorKey, monitor_key
from havenwatch.store.schema import leads, sources

CONTRACT_FIELDS = (
    "type", "subject", "country", "authority", "grounds", "date", "deadline_days", "evidence",
)  # fmt: skip
SUBJECT_FIELDS = ("name", "nationality", "age", "gender")
BATCH = 200
GOLD_SUFFIX = ".gold.json"
# The only member names an export holds: `<source id>.txt` and `<source id>.gold.json`.
MEMBER_NAME = re.compile(r"^[0-9a-f]{32}(\.txt|\.gold\.json)$")
MAX_MEMBER_BYTES = 16 * 1024 * 1024


@dataclass
class Example:
    """One reviewed report: its text, the gold the reviewers kept, the extractor's reading."""

    document: str
    language: str | None
    text: str
    gold_events: list[dict[str, Any]] = field(default_factory=list)
    extracted_events: list[dict[str, Any]] = field(default_factory=list)
    decided: dict[str, int] = field(default_factory=dict)
    subject_corrections: int = 0

    def gold(self) -> dict[str, Any]:
        return self._contract(self.gold_events)

    def prediction(self) -> dict[str, Any]:
        return self._contract(self.extracted_events)

    def _contract(self, found: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "document": self.document,
            "language": self.language,
            "relevant": bool(found),
            "events": found,
            "aggregates": [],
        }


def reviewed_examples(db: Database) -> list[Example]:
    """Every report whose leads were all decided, oldest first (all teams: admin use)."""
    keyring = db.require_keyring()
    with db.read() as conn:
        key = monitor_key(conn, keyring)
        if key is None:
            return []
        return list(_examples(conn, key))


def _examples(conn: Connection, key: MonitorKey) -> Iterator[Example]:
    pending = exists().where(leads.c.source_id == sources.c.id, leads.c.status == NEW)
    decided = exists().where(leads.c.source_id == sources.c.id, leads.c.status != NEW)
    rows = conn.execute(
        select(sources).where(decided, ~pending).order_by(sources.c.created_at, sources.c.id)
    ).all()
    for row in rows:
        opened = open_source_fields(key, row)
        text = "\n\n".join(part for part in (opened.title, opened.text) if part)
        example = Example(f"{row.id}.txt", row.language, text)
        for lead in conn.execute(select(leads).where(leads.c.source_id == row.id)).all():
            _add_lead(key, example, lead)
        yield example


def _add_lead(key: MonitorKey, example: Example, lead: Any) -> None:
    content = key.open_json(lead.sealed, "leads", "sealed", lead.id)
    extraction = contract_event(content.get("extraction") or {})
    example.extracted_events.append(extraction)
    example.decided[lead.status] = example.decided.get(lead.status, 0) + 1
    if lead.status == MERGED:
        example.gold_events.append(extraction)
    elif lead.status == ACCEPTED:
        kept = _reviewed(key, lead)
        event = kept.get("event")
        example.gold_events.append(contract_event(event) if event else extraction)
        if "subject_name" in (kept.get("corrected") or []):
            example.subject_corrections += 1
    elif lead.status != REJECTED:
        raise NotFoundError(f"lead {lead.id} has an unknown status {lead.status!r}")


def _reviewed(key: MonitorKey, lead: Any) -> dict[str, Any]:
    if lead.reviewed is None:
        return {}
    opened: dict[str, Any] = key.open_json(lead.reviewed, "leads", "reviewed", lead.id)
    return opened


def contract_event(event: dict[str, Any]) -> dict[str, Any]:
    """Only the contract's fields of an event, the subject's included."""
    found = {name: event.get(name) for name in CONTRACT_FIELDS}
    subject = event.get("subject") or {}
    found["subject"] = {name: subject.get(name) for name in SUBJECT_FIELDS}
    found["evidence"] = str(found.get("evidence") or "")
    return found


def export_reviewed(db: Database, actor: str, *, encrypted: bool = False) -> list[Example]:
    """The examples, for writing out: their names are in clear, so the export is audited
    (with whether it is written encrypted)."""
    found = reviewed_examples(db)
    with db.write(actor) as unit:
        unit.audit("lead.export_reviewed", detail={"reports": len(found), "encrypted": encrypted})
    return found


def example_files(item: Example) -> list[tuple[str, str]]:
    """(file name, content) of an example: its report text and its gold JSON."""
    gold = json.dumps(item.gold(), ensure_ascii=False, indent=2) + "\n"
    return [(item.document, item.text + "\n"), (Path(item.document).stem + GOLD_SUFFIX, gold)]


def write_examples(examples: list[Example], sink: IO[bytes]) -> None:
    """The examples' files as one tar stream written to `sink` (the command seals it)."""
    with tarfile.open(fileobj=sink, mode="w|") as tar:
        for item in examples:
            for name, content in example_files(item):
                data = content.encode("utf-8")
                member = tarfile.TarInfo(name)
                member.size, member.mode = len(data), 0o600
                tar.addfile(member, io.BytesIO(data))


def unpack_examples(source: IO[bytes], directory: Path) -> int:
    """Write the files of an export's tar stream into `directory`, owner-only; returns how
    many reports. Only the export's own names are accepted: anything else (a path, a link,
    another name) is refused before it is written."""
    written = 0
    with tarfile.open(fileobj=source, mode="r|") as tar:
        for member in tar:
            if not (member.isfile() and MEMBER_NAME.match(member.name)):
                raise ValidationError.of("archive", "value.unknown", value=member.name,
                                         accepted="<id>.txt, <id>.gold.json")  # fmt: skip
            if member.size > MAX_MEMBER_BYTES:
                raise ValidationError.of("archive", "value.too_long", limit=MAX_MEMBER_BYTES)
            handle = tar.extractfile(member)
            assert handle is not None
            directory.mkdir(parents=True, exist_ok=True)
            write_private(directory / member.name, handle.read())
            written += member.name.endswith(GOLD_SUFFIX)
    return written


@dataclass(frozen=True)
class ReviewedScore:
    """The extractor scored on the reviewed reports, and the subject names corrected."""

    reports: int
    subject_corrections: int
    report: Report


def reviewed_evaluation(db: Database) -> ReviewedScore | None:
    """`eval --reviewed`'s figures (None: nothing decided yet). Every name stays in the
    process: only counts and rates come out."""
    examples = reviewed_examples(db)
    if not examples:
        return None
    report = evaluate([item.gold() for item in examples], [item.prediction() for item in examples])
    corrections = sum(item.subject_corrections for item in examples)
    return ReviewedScore(len(examples), corrections, report)
