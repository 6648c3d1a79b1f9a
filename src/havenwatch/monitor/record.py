"""Store one processed report: its source, its story, its leads, and the end of its queue item.

Everything `Recorder.record` writes happens in the caller's single transaction, together
with marking the queue item done. A process killed before the commit leaves no trace and
the item is claimed again later; killed after it, the item is done and never redone. Either
way a report's source and leads exist once.

A lead is identified by a fingerprint of its story and of what happened to whom (type,
folded name, country, date). The same incident in a syndicated copy of the story therefore
lands on the same lead, which gains a source instead of being repeated; and a lead that was
rejected keeps its fingerprint, so the incident never comes back as new. The fingerprint is
keyed (the monitor pool's key), so it cannot be recomputed from a guessed name.

Nothing the monitor stores names anyone in clear: the report's url, title and text, and the
lead's name, evidence and extraction, are sealed with the monitor pool's data key; each
person the lead could be about is a `lead_matches` row of their team, its person, case, score
and reason sealed (`havenwatch.store.monitor_key`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text

from havenwatch.cases.source_words import add_source_words
from havenwatch.core.clock import utcnow
from havenwatch.core.ids import new_id
from havenwatch.core.names import name_keys
from havenwatch.core.vocabulary import vocabulary
from havenwatch.crypto.keys import Keyring
from havenwatch.monitor import dedup
from havenwatch.monitor.linking import Candidate, candidates
from havenwatch.monitor.queue import QueuedItem, finish
from havenwatch.monitor.stories import add_buckets, nearest_story
from havenwatch.store.bulk import insert_rows
from havenwatch.store.database import Unit
from havenwatch.store.monitor_key import MonitorKey, ensure_monitor_key
from havenwatch.store.schema import lead_matches, lead_name_keys, lead_sources, leads, sources

STORY_LOCK_ID = 7_318_005
COUNTRY = re.compile(r"^[A-Z]{2}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FIELD_SEPARATOR = "\x1f"
TITLE_LIMIT = 120


@dataclass(frozen=True)
class Recorded:
    """What storing one report did."""

    stored: bool
    source_id: str | None = None
    story_id: str | None = None
    near_duplicate: bool = False
    new_leads: int = 0
    extended_leads: int = 0


NOT_STORED = Recorded(stored=False)


class Recorder:
    """Stores reports in one write transaction (`record`), doing once what they share.

    The story lock (PostgreSQL) is held until the transaction ends once taken, and the
    monitor pool's key does not change within it: both are taken by the first report stored,
    not by each one (two statements fewer per report).
    """

    def __init__(self, unit: Unit, keyring: Keyring) -> None:
        self.unit = unit
        self.keyring = keyring
        self._key: MonitorKey | None = None

    def _begin(self) -> MonitorKey:
        if self._key is None:
            if self.unit.is_postgres:
                # Serialise story assignment: two copies of a story committed at the same
                # moment must see each other, or they would found two stories.
                self.unit.conn.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": STORY_LOCK_ID}
                )
            self._key = ensure_monitor_key(self.unit.conn, self.keyring)
        return self._key

    def record(
        self,
        queued: QueuedItem,
        extraction: Mapping[str, Any],
        signature: Sequence[int],
        worker: str,
    ) -> Recorded:
        """Store a report and its leads, and finish its queue item, in the unit's transaction.

        Returns `NOT_STORED` when another worker finished the item first, or when the same
        text is already a source.
        """
        unit = self.unit
        if not finish(unit.conn, queued, worker):
            return NOT_STORED
        key = self._begin()
        if _source_with_hash(unit, queued.content_hash):
            return NOT_STORED
        earlier_story = nearest_story(unit.conn, signature)
        source_id = new_id()
        story_id = earlier_story or source_id
        _insert_source(unit, key, queued, extraction, signature, source_id, story_id)
        add_source_words(unit.conn, key, source_id, queued.item.title, queued.item.text)
        new, extended = _record_leads(unit, self.keyring, key, extraction, source_id, story_id)
        unit.audit(
            "ingest.document",
            target_type="source",
            target_id=source_id,
            detail={"story_id": story_id, "new_leads": new, "extended_leads": extended},
        )
        return Recorded(True, source_id, story_id, earlier_story is not None, new, extended)


def _source_with_hash(unit: Unit, digest: str) -> str | None:
    return unit.conn.execute(select(sources.c.id).where(sources.c.content_hash == digest)).scalar()


def _insert_source(
    unit: Unit,
    key: MonitorKey,
    queued: QueuedItem,
    extraction: Mapping[str, Any],
    signature: Sequence[int],
    source_id: str,
    story_id: str,
) -> None:
    item = queued.item
    language = extraction.get("language") or item.language
    sealed = {"url": item.url, "title": item.title or first_line(item.text), "text": item.text}
    unit.conn.execute(
        sources.insert().values(
            id=source_id,
            publisher=(item.outlet or "")[:200] or None,
            published_on=item.published,
            language=str(language)[:8] if language else None,
            text="",
            sealed=key.seal_json(sealed, "sources", "sealed", source_id),
            content_hash=queued.content_hash,
            minhash=dedup.to_bytes(signature),
            story_id=story_id,
            created_at=utcnow(),
        )
    )
    add_buckets(unit.conn, source_id, signature)


def first_line(text: str, limit: int = TITLE_LIMIT) -> str | None:
    """A report's title where it has none: its first line, cut at a word near `limit`."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line or None
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _record_leads(
    unit: Unit,
    keyring: Keyring,
    key: MonitorKey,
    extraction: Mapping[str, Any],
    source_id: str,
    story_id: str,
) -> tuple[int, int]:
    new = extended = 0
    seen: set[str] = set()
    for event in usable_events(extraction):
        fingerprint = lead_fingerprint(key, story_id, event)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        lead_id = unit.conn.execute(
            select(leads.c.id).where(leads.c.fingerprint == fingerprint)
        ).scalar()
        if lead_id is None:
            insert_lead(unit, keyring, event, fingerprint, source_id, story_id, key=key)
            new += 1
        else:
            unit.conn.execute(lead_sources.insert().values(lead_id=lead_id, source_id=source_id))
            extended += 1
    return new, extended


def insert_lead(
    unit: Unit,
    keyring: Keyring,
    event: Mapping[str, Any],
    fingerprint: str,
    source_id: str,
    story_id: str | None,
    *,
    key: MonitorKey | None = None,
) -> str:
    """Store a lead, sealed, with a match row for each person it could be about.

    `key` is the monitor pool's key when the caller has opened it in this transaction already.
    """
    key = key or ensure_monitor_key(unit.conn, keyring)
    subject = event.get("subject") or {}
    name = subject.get("name") or None
    country = event.get("country") or None
    lead_id = new_id()
    content = {
        "subject_name": name,
        "evidence": str(event.get("evidence") or ""),
        "extraction": dict(event),
    }
    unit.conn.execute(
        leads.insert().values(
            id=lead_id,
            fingerprint=fingerprint,
            source_id=source_id,
            story_id=story_id,
            event_type=event["type"],
            country=country,
            event_date=event.get("date"),
            # The language of the lead's first report, for the triage list's language order.
            language=select(sources.c.language).where(sources.c.id == source_id).scalar_subquery(),
            sealed=key.seal_json(content, "leads", "sealed", lead_id),
            status="new",
            created_at=utcnow(),
        )
    )
    unit.conn.execute(lead_sources.insert().values(lead_id=lead_id, source_id=source_id))
    index_lead_name(unit.conn, key, lead_id, name)
    for candidate in candidates(unit.conn, keyring, name, country):
        add_match(unit, key, lead_id, candidate)
    return lead_id


def lead_name_keys_of(key: MonitorKey, name: str | None) -> set[str]:
    """A reported name's rows of `lead_name_keys`: each folded key of it, keyed with the
    monitor pool's key (which rotation never changes, unlike the index key)."""
    if not name:
        return set()
    return {key.digest("lead-name", folded) for folded in name_keys(name)}


def index_lead_name(conn: Connection, key: MonitorKey, lead_id: str, name: str | None) -> None:
    """Index the lead's subject name, so accepting a person re-matches it (`lead_name_keys`)."""
    rows = sorted(lead_name_keys_of(key, name))
    insert_rows(conn, lead_name_keys, [{"name_key": row, "lead_id": lead_id} for row in rows])


def add_match(unit: Unit, key: MonitorKey, lead_id: str, candidate: Candidate) -> None:
    """Record (or replace) that the lead could be about this person, visible to their team."""
    ref = key.person_ref(candidate.person_id)
    unit.conn.execute(
        lead_matches.delete().where(
            lead_matches.c.lead_id == lead_id, lead_matches.c.person_ref == ref
        )
    )
    sealed = {
        "person_id": candidate.person_id,
        "case_id": candidate.case_id,
        "score": candidate.score,
        "reason": candidate.reason,
    }
    unit.conn.execute(
        lead_matches.insert().values(
            lead_id=lead_id,
            person_ref=ref,
            team_id=candidate.team_id,
            sealed=key.seal_json(sealed, "lead_matches", "sealed", f"{lead_id}|{ref}"),
        )
    )


def usable_events(extraction: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The extracted events a lead can be made of, their codes checked against the vocabulary."""
    known_types = vocabulary().event_types
    usable = []
    for event in extraction.get("events") or []:
        if not isinstance(event, Mapping) or event.get("type") not in known_types:
            continue
        cleaned = dict(event)
        country = event.get("country")
        cleaned["country"] = (
            country if isinstance(country, str) and COUNTRY.match(country) else None
        )
        day = event.get("date")
        cleaned["date"] = day if isinstance(day, str) and DATE.match(day) else None
        usable.append(cleaned)
    return usable


def lead_fingerprint(key: MonitorKey, story_id: str, event: Mapping[str, Any]) -> str:
    """What identifies an incident within a story, whatever the spelling of the name (keyed)."""
    subject = event.get("subject") or {}
    name = subject.get("name")
    keys = name_keys(name) if isinstance(name, str) else []
    if keys:
        who = keys[0]
    else:
        who = "unnamed " + " ".join(
            str(subject.get(part)) for part in ("nationality", "age", "gender")
        )
    fields = [
        story_id,
        str(event.get("type")),
        who,
        str(event.get("country")),
        str(event.get("date")),
    ]
    return key.digest("lead", FIELD_SEPARATOR.join(fields))
