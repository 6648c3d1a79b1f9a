"""Triage of the review queue: filters, bulk rejection, correct-then-accept, re-matching.

Built on `havenwatch.monitor.leads` (same visibility rule, same decision records):

- `list_triage` / `count_triage`: the queue narrowed by status, event type, country, outlet,
  language, whether the lead matches one of the caller's people, and a date range; all in
  SQL over clear columns (the name stays sealed).
- `reject_leads`: several leads rejected with one reason in one transaction, each checked
  against the caller's teams and audited on its own; one lead out of reach changes nothing.
- `accept_reviewed`: the reviewer's `Correction` of the extracted fields (name, type, date,
  country, authority, grounds, days) becomes the event, the new person's identity and the
  lead's clear columns; the extractor's reading stays sealed in `leads.sealed`, what the
  reviewer kept is sealed in `leads.reviewed`, so the extractor can be scored on every
  decision (`havenwatch.monitor.reviewed`). A case opened by the accept is titled from the
  pseudonym and the decision ("Wren: residence revoked, RS"). Then the other pending leads
  sharing a name key with the name kept (`lead_name_keys`) are matched again, so they now
  show the person.
- `merge_reviewed`: a lead folded into an event already recorded, then the pending leads
  sharing its name matched again, like an accept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, lead_visibility, person_visibility
from havenwatch.cases.events import insert_event
from havenwatch.cases.search import index_case
from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.errors import ValidationError
from havenwatch.core.model import Event
from havenwatch.core.serbian import to_cyrillic
from havenwatch.core.vocabulary import vocabulary
from havenwatch.crypto.keys import Keyring
from havenwatch.monitor.leads import (
    ACCEPTED,
    NEW,
    NEWEST_FIRST,
    REJECTED,
    Lead,
    Target,
    _decide,
    _joined,
    _leads,
    _listed,
    _load,
    _target_case,
    _title,
    _undecided,
    merge_into,
)
from havenwatch.monitor.linking import candidates
from havenwatch.monitor.record import add_match, lead_name_keys_of
from havenwatch.store.database import Database, Unit
from havenwatch.store.monitor_key import MonitorKey, ensure_monitor_key
from havenwatch.store.schema import (
    cases,
    events,
    lead_matches,
    lead_name_keys,
    lead_sources,
    leads,
    people,
    sources,
)

COUNTRY = re.compile(r"^[A-Z]{2}$")
SORTS = ("newest", "date", "type", "language", "match")
MAY_BE_EMPTY = ("date", "language")  # orders whose key some leads lack: they come last
TRIAGE_CURSOR_PATTERN = (
    r"^(?P<sort>[a-z]{1,10})~(?P<key>[0-9A-Za-z_-]{0,40})~(?P<time>\d{8}T\d{12})~"
    r"(?P<id>[0-9A-Za-z_-]{1,64})$"
)
MAX_DAYS = 3650
MAX_AGE = 120
CORRECTED_FIELDS = (
    "subject_name", "event_type", "event_date", "country", "authority", "grounds", "deadline_days",
    "nationality", "gender", "age",
)  # fmt: skip
SUBJECT_FIELDS = {"subject_name": "name", "nationality": "nationality", "gender": "gender",
                  "age": "age"}  # fmt: skip


@dataclass(frozen=True)
class LeadFilter:
    """What the triage list is narrowed to; None everywhere: every status, every lead."""

    status: str | None = NEW
    event_type: str | None = None
    country: str | None = None
    outlet: str | None = None
    language: str | None = None
    matched: bool | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "newest"


@dataclass(frozen=True)
class Correction:
    """The fields a reviewer may correct before accepting (the extractor's, unless changed)."""

    subject_name: str | None
    event_type: str
    event_date: str | None
    country: str | None
    authority: str | None
    grounds: str | None
    deadline_days: int | None
    nationality: str | None = None
    gender: str | None = None
    age: int | None = None


@dataclass(frozen=True)
class Accepted:
    """An accepted (or merged) lead, the case it went into and how many pending leads were
    re-matched."""

    lead: Lead
    case_id: str
    rematched: int


def list_triage(
    db: Database,
    wanted: LeadFilter,
    *,
    scope: Scope,
    limit: int = 50,
    offset: int = 0,
) -> list[Lead]:
    """The leads the teams may see that pass the filter, in the order it asks for."""
    order = triage_order(wanted.sort, scope)
    return _listed(db, triage_conditions(wanted, scope), scope, limit, offset, order)


@dataclass(frozen=True)
class TriageCursor:
    """Where a page of the triage list ends: the order, its last lead's sort key (None: no
    key, the leads that come last), ingest time and id.

    Written `<order>~<key>~<time>~<id>`, so the next page walks the order's index from there
    instead of reading every earlier lead.
    """

    sort: str
    key: str | None
    created_at: datetime
    lead_id: str

    def text(self) -> str:
        moment = self.created_at.strftime("%Y%m%dT%H%M%S%f")
        return f"{self.sort}~{self.key or ''}~{moment}~{self.lead_id}"

    @classmethod
    def parse(cls, text: str) -> TriageCursor | None:
        """The cursor written by `text`, or None when it is not one."""
        found = re.match(TRIAGE_CURSOR_PATTERN, text)
        if found is None or found["sort"] not in SORTS:
            return None
        try:
            moment = datetime.strptime(found["time"], "%Y%m%dT%H%M%S%f")
        except ValueError:
            return None
        return cls(found["sort"], found["key"] or None, moment, found["id"])


@dataclass(frozen=True)
class TriagePage:
    """One page of the triage list and how many leads match, counted up to a limit;
    ``next_cursor`` is where the next page starts, when more leads match."""

    leads: list[Lead]
    matching: int
    offset: int
    next_cursor: TriageCursor | None = None


def page_of_triage(
    db: Database,
    wanted: LeadFilter,
    *,
    scope: Scope,
    offset: int,
    size: int,
    count_until: int,
    after: TriageCursor | None = None,
) -> TriagePage:
    """The leads at `offset` in the filter's order, and how many match (at most
    `count_until`), in one walk of the order's index (`ix_leads_triage_*`).

    The walk reads only the sort keys and ids, and stops at `count_until`; only the page's
    leads are then read whole and opened. With ``after`` (the cursor of the page before, for
    this order) the walk starts there and `offset` only counts the pages before. An offset
    past the last match is moved back to the last page.
    """
    keyring = db.require_keyring()
    keys = _sort_keys(wanted.sort, scope)
    conditions = triage_conditions(wanted, scope)
    cursor = after if after is not None and after.sort == wanted.sort else None
    with db.read() as conn:
        walked: list[Any] = []
        if cursor is not None:
            walked = _walk(conn, wanted.sort, keys, conditions, cursor, count_until - offset, scope)
        if walked:
            start, matching = 0, offset + len(walked)
        else:
            walked = _walk(conn, wanted.sort, keys, conditions, None, count_until, scope)
            start = offset
            if start >= len(walked) > 0:
                start = (len(walked) - 1) // size * size
            offset, matching = start, len(walked)
        page = [row.id for row in walked[start : start + size]]
        rows = {row.id: row for row in conn.execute(select(leads).where(leads.c.id.in_(page)))}
        found = _leads(conn, keyring, [rows[lead_id] for lead_id in page], scope)
    following = None
    if len(walked) > start + size:
        last = walked[start + size - 1]
        key = str(last.key) if keys and last.key is not None else None
        following = TriageCursor(wanted.sort, key, last.created_at, last.id)
    return TriagePage(found, matching, offset, following)


Keys = list[tuple[ColumnElement[Any], bool]]


def _walk(
    conn: Connection,
    sort: str,
    keys: Keys,
    conditions: list[ColumnElement[bool]],
    after: TriageCursor | None,
    limit: int,
    scope: Scope,
) -> list[Any]:
    """Up to `limit` (id, created_at, key) of the matching leads in order, from ``after``.

    An order by a key that may be empty (the date, the language) walks two ranges of its
    index: the leads with a key, then those without (newest first), so both databases order
    them alike, each range is one index walk, and a cursor resumes either range. The match
    order is two ranges too: the leads one of the reader's teams matched (found from their
    match rows, `ix_lead_matches_team_lead`), then the others, newest first.
    """
    if sort == "match":
        return _walk_matches(conn, keys, conditions, after, limit, scope)
    if sort not in MAY_BE_EMPTY:
        beyond = [_beyond(keys, after)] if after is not None else []
        return _walked(conn, keys, [*conditions, *beyond], _ordering(keys), limit)
    key, descending = keys[0]
    found: list[Any] = []
    if after is None or after.key is not None:
        beyond = [_beyond(keys, after)] if after is not None else []
        ordering = [key.desc() if descending else key.asc()]
        found += _walked(conn, keys, [*conditions, key.is_not(None), *beyond], ordering, limit)
    if len(found) < limit:
        resume = [_later(after)] if after is not None and after.key is None else []
        found += _walked(conn, keys, [*conditions, key.is_(None), *resume], [], limit - len(found))
    return found


def _walk_matches(
    conn: Connection,
    keys: Keys,
    conditions: list[ColumnElement[bool]],
    after: TriageCursor | None,
    limit: int,
    scope: Scope,
) -> list[Any]:
    mine = leads.c.id.in_(select(lead_matches.c.lead_id).where(scope.where(lead_matches.c.team_id)))
    found: list[Any] = []
    if after is None or after.key == "0":
        resume = [_later(after)] if after is not None else []
        found += _walked(conn, keys, [*conditions, mine, *resume], [], limit)
    if len(found) < limit:
        resume = [_later(after)] if after is not None and after.key == "1" else []
        found += _walked(conn, keys, [*conditions, ~mine, *resume], [], limit - len(found))
    return found


def _walked(
    conn: Connection,
    keys: Keys,
    conditions: list[ColumnElement[bool]],
    ordering: list[Any],
    limit: int,
) -> list[Any]:
    columns: list[Any] = [leads.c.id, leads.c.created_at]
    columns += [key.label("key") for key, _ in keys]
    query = select(*columns).where(*conditions).order_by(*ordering, *NEWEST_FIRST)
    return list(conn.execute(query.limit(max(0, limit))))


def _later(after: TriageCursor) -> ColumnElement[bool]:
    """Ingested before the cursor's lead (newest first, the id breaking ties)."""
    return tuple_(leads.c.created_at, leads.c.id) < tuple_(
        literal(after.created_at, leads.c.created_at.type), literal(after.lead_id)
    )


def _beyond(keys: Keys, after: TriageCursor) -> ColumnElement[bool]:
    """The leads after the cursor in the order (no key last, then newest first)."""
    later = _later(after)
    if not keys:
        return later
    key, descending = keys[0]
    if after.key is None:
        return and_(key.is_(None), later)
    value = literal(int(after.key) if after.sort == "match" else after.key, key.type)
    past = key < value if descending else key > value
    return or_(past, key.is_(None), and_(key == value, later))


def _ordering(keys: Keys) -> list[Any]:
    return [(key.desc() if descending else key.asc()).nulls_last() for key, descending in keys]


def _sort_keys(sort: str, scope: Scope) -> Keys:
    """The key a sort orders by before newest first, and whether it is descending."""
    if sort not in SORTS:
        raise ValidationError.of("sort", "value.unknown", value=sort, accepted=", ".join(SORTS))
    if sort == "date":
        return [(leads.c.event_date, True)]
    if sort == "type":
        return [(leads.c.event_type, False)]
    if sort == "language":
        return [(leads.c.language, False)]
    if sort == "match":
        mine = exists().where(
            lead_matches.c.lead_id == leads.c.id, scope.where(lead_matches.c.team_id)
        )
        return [(case((mine, 0), else_=1), False)]
    return []


def triage_order(sort: str, scope: Scope) -> list[Any]:
    """The ORDER BY of a sort key (`SORTS`): the key, then newest first, then the id, a total
    order (no two leads tie), so a page boundary never moves a lead and a keyset cursor
    (key, created_at, id: `TriageCursor`) replaces the offset. Unknown: a `ValidationError`.

    - `newest`: the newest ingested first;
    - `date`: the event's date, latest first, undated last;
    - `type`: the event type, alphabetically (its code);
    - `language`: the language of the lead's first report (unknown last);
    - `match`: the leads that match one of the reader's people first. The score itself is
      sealed in `lead_matches`, so no query can order by it without opening every row.
    """
    return [*_ordering(_sort_keys(sort, scope)), *NEWEST_FIRST]


def count_triage(db: Database, wanted: LeadFilter, *, scope: Scope) -> int:
    query = select(func.count()).select_from(leads).where(*triage_conditions(wanted, scope))
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def triage_conditions(wanted: LeadFilter, scope: Scope) -> list[ColumnElement[bool]]:
    """The visibility rule, then one condition per filter given."""
    found: list[ColumnElement[bool]] = [lead_visibility(scope)]
    for column, value in (
        (leads.c.status, wanted.status),
        (leads.c.event_type, wanted.event_type),
        (leads.c.country, wanted.country),
    ):
        if value is not None:
            found.append(column == value)
    if wanted.date_from:
        found.append(leads.c.event_date >= wanted.date_from)
    if wanted.date_to:
        found.append(leads.c.event_date <= wanted.date_to)
    found += _source_conditions(wanted)
    if wanted.matched is not None:
        mine = exists().where(
            lead_matches.c.lead_id == leads.c.id, scope.where(lead_matches.c.team_id)
        )
        found.append(mine if wanted.matched else ~mine)
    return found


def _source_conditions(wanted: LeadFilter) -> list[ColumnElement[bool]]:
    """An outlet is rare: its few reports are found by index (`ix_sources_publisher`), then
    their leads. A language is common: each lead's reports are tested instead."""
    found: list[ColumnElement[bool]] = []
    if wanted.outlet is not None:
        reports = select(lead_sources.c.lead_id).join(
            sources, sources.c.id == lead_sources.c.source_id
        )
        found.append(leads.c.id.in_(reports.where(sources.c.publisher == wanted.outlet)))
    if wanted.language is not None:
        found.append(
            exists()
            .where(lead_sources.c.lead_id == leads.c.id)
            .where(sources.c.id == lead_sources.c.source_id, sources.c.language == wanted.language)
        )
    return found


def reject_leads(
    db: Database,
    lead_ids: Sequence[str],
    actor: str,
    reason: str,
    *,
    scope: Scope,
) -> int:
    """Reject every lead named, all or none: one audit entry per lead; returns how many."""
    if not reason.strip():
        raise ValidationError.of("reason", "leads.reason_required")
    wanted = list(dict.fromkeys(lead_ids))
    if not wanted:
        raise ValidationError.of("leads", "leads.none_selected")
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        for lead_id in wanted:
            lead = _undecided(unit.conn, keyring, lead_id, scope)
            _decide(unit, lead, REJECTED, reason=reason.strip(), event_id=None, case_id=None)
            _seal_review(unit, keyring, lead.id, {"event": None, "corrected": []})
    return len(wanted)


def extracted(lead: Lead) -> Correction:
    """What the extractor read, as the fields a reviewer may correct."""
    days = lead.extraction.get("deadline_days")
    subject = lead.extraction.get("subject") or {}
    age = subject.get("age")
    return Correction(
        subject_name=lead.subject_name,
        event_type=lead.event_type,
        event_date=lead.event_date,
        country=lead.country,
        authority=lead.extraction.get("authority"),
        grounds=lead.extraction.get("grounds"),
        deadline_days=days if isinstance(days, int) else None,
        nationality=subject.get("nationality") or None,
        gender=subject.get("gender") or None,
        age=age if isinstance(age, int) else None,
    )


def check_correction(correction: Correction) -> Correction:
    """The correction with blanks as None, or a `ValidationError` naming the wrong field."""
    known = vocabulary()
    cleaned = replace(
        correction,
        subject_name=(correction.subject_name or "").strip()[:200] or None,
        event_date=(correction.event_date or "").strip() or None,
        country=(correction.country or "").strip().upper() or None,
        authority=correction.authority or None,
        grounds=correction.grounds or None,
        nationality=(correction.nationality or "").strip().upper() or None,
        gender=correction.gender or None,
    )
    _check_subject(cleaned)
    if not cleaned.event_type:
        raise ValidationError.of("event_type", "value.required")
    if cleaned.event_type not in known.event_types:
        raise ValidationError.of("event_type", "lead.unknown_event_type", value=cleaned.event_type)
    if cleaned.country is not None and not COUNTRY.match(cleaned.country):
        raise ValidationError.of("country", "value.country_code", value=cleaned.country)
    if cleaned.event_date is not None:
        cleaned = replace(cleaned, event_date=parse_fuzzy(cleaned.event_date, "event_date").text)
    if cleaned.authority is not None and cleaned.authority not in known.authorities:
        raise ValidationError.of("authority", "lead.unknown_authority", value=cleaned.authority)
    if cleaned.grounds is not None and cleaned.grounds not in known.grounds:
        raise ValidationError.of("grounds", "lead.unknown_grounds", value=cleaned.grounds)
    days = cleaned.deadline_days
    if days is not None and not 0 <= days <= MAX_DAYS:
        raise ValidationError.of("deadline_days", "value.whole_number", low=0, high=MAX_DAYS)
    return cleaned


def _check_subject(cleaned: Correction) -> None:
    """The subject's nationality (a two-letter code), gender (the vocabulary's) and age."""
    if cleaned.nationality is not None and not COUNTRY.match(cleaned.nationality):
        raise ValidationError.of("nationality", "value.country_code", value=cleaned.nationality)
    genders = vocabulary().genders
    if cleaned.gender is not None and cleaned.gender not in genders:
        raise ValidationError.of(
            "gender", "value.unknown", value=cleaned.gender, accepted=", ".join(genders)
        )
    if cleaned.age is not None and not 0 <= cleaned.age <= MAX_AGE:
        raise ValidationError.of("age", "value.whole_number", low=0, high=MAX_AGE)


def accept_reviewed(
    db: Database,
    lead_id: str,
    actor: str,
    correction: Correction | None = None,
    *,
    target: Target,
    scope: Scope,
    language: str = "en",
    changes: Mapping[str, Any] | None = None,
) -> Accepted:
    """Accept the lead as the reviewer corrected it (None: as extracted), like `accept_lead`.

    `target` says where the event goes (`accept_lead`'s rules); `scope`, whose leads, cases
    and people the caller may decide on (it replaces the target's). `changes` names only the
    fields the reviewer changed (`CORRECTED_FIELDS`; the API's correction), applied over
    `correction` or, without one, over the extractor's reading; an unknown field is refused.
    """
    keyring = db.require_keyring()
    target = replace(target, scope=scope)
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, keyring, lead_id, scope)
        original = extracted(lead)
        kept = check_correction(_changed(correction or original, changes or {}))
        corrected = _corrected(lead, kept)
        case_id = _target_case(unit, keyring, corrected, target)
        event = _event(case_id, kept, lead)
        insert_event(unit, keyring, event)
        _retitle(unit, case_id, corrected, language)
        _joined(unit, keyring, lead.id, case_id)
        _decide(unit, lead, ACCEPTED, reason=None, event_id=event.id, case_id=case_id)
        changed = [
            name for name in CORRECTED_FIELDS if getattr(kept, name) != getattr(original, name)
        ]
        unit.conn.execute(
            leads.update()
            .where(leads.c.id == lead.id)
            .values(event_type=kept.event_type, country=kept.country, event_date=_short(kept))
        )
        _seal_review(
            unit, keyring, lead.id, {"event": _gold_event(corrected), "corrected": changed}
        )
        rematched = rematch_pending(unit, keyring, kept.subject_name, skip=lead.id)
        return Accepted(_load(unit.conn, keyring, lead_id, target.scope), case_id, rematched)


def _changed(correction: Correction, changes: Mapping[str, Any]) -> Correction:
    unknown = sorted(set(changes) - set(CORRECTED_FIELDS))
    if unknown:
        raise ValidationError.of(
            "correction", "value.unknown", value=unknown[0], accepted=", ".join(CORRECTED_FIELDS)
        )
    return replace(correction, **changes)


def merge_reviewed(
    db: Database, lead_id: str, event_id: str, actor: str, *, scope: Scope
) -> Accepted:
    """Fold the lead into an event of the scope (`merge_lead`), then match again the pending
    leads sharing a name key with the name read in it, in the same transaction: a report
    ingested before its person was known (or before a spelling was added to them) now shows
    them. Returns the merged lead, the event's case and how many leads were re-matched."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        lead, case_id = merge_into(unit, keyring, lead_id, event_id, scope)
        rematched = rematch_pending(unit, keyring, lead.subject_name, skip=lead.id)
        return Accepted(_load(unit.conn, keyring, lead_id, scope), case_id, rematched)


def _short(kept: Correction) -> str | None:
    """The date as the lead's clear column holds it (a day, month or year)."""
    return kept.event_date if kept.event_date and len(kept.event_date) <= 10 else None


def _corrected(lead: Lead, kept: Correction) -> Lead:
    subject = dict(lead.extraction.get("subject") or {})
    for name, field_name in SUBJECT_FIELDS.items():
        subject[field_name] = getattr(kept, name)
    extraction = {
        **lead.extraction,
        "type": kept.event_type,
        "subject": subject,
        "country": kept.country,
        "date": kept.event_date,
        "authority": kept.authority,
        "grounds": kept.grounds,
        "deadline_days": kept.deadline_days,
    }
    return replace(
        lead,
        subject_name=kept.subject_name,
        event_type=kept.event_type,
        country=kept.country,
        event_date=kept.event_date,
        extraction=extraction,
    )


def _event(case_id: str, kept: Correction, lead: Lead) -> Event:
    return Event(
        case_id=case_id,
        type=kept.event_type,
        date=parse_fuzzy(kept.event_date, "event_date") if kept.event_date else None,
        authority=kept.authority,
        grounds=kept.grounds,
        deadline_days=kept.deadline_days,
        source_ids=[source.id for source in lead.sources],
    )


GOLD_EVENT_FIELDS = (
    "type",
    "subject",
    "country",
    "authority",
    "grounds",
    "date",
    "deadline_days",
    "evidence",
)


def _gold_event(lead: Lead) -> dict[str, Any]:
    """The event in the extraction contract's shape (`docs/extraction-contract.md`)."""
    return {name: lead.extraction.get(name) for name in GOLD_EVENT_FIELDS}


def _seal_review(unit: Unit, keyring: Keyring, lead_id: str, kept: dict[str, Any]) -> None:
    key = ensure_monitor_key(unit.conn, keyring)
    sealed = key.seal_json(kept, "leads", "reviewed", lead_id)
    unit.conn.execute(leads.update().where(leads.c.id == lead_id).values(reviewed=sealed))


@cache
def _title_phrases() -> dict[str, dict[str, str]]:
    text = resources.files("havenwatch.data").joinpath("case_titles.json").read_text("utf-8")
    return {key: value for key, value in json.loads(text).items() if not key.startswith("_")}


def case_title(pseudonym: str, event_type: str, country: str, language: str = "en") -> str:
    """ "Wren: residence revoked, RS": the pseudonym (never the name), the decision, the country."""
    phrases = _title_phrases()
    cyrillic = language == "sr_Cyrl"
    table = phrases.get("sr_Latn" if cyrillic else language, phrases["en"])
    phrase = table.get(event_type) or event_type.replace("_", " ")
    return f"{pseudonym}: {to_cyrillic(phrase) if cyrillic else phrase}, {country}"


def _retitle(unit: Unit, case_id: str, lead: Lead, language: str) -> None:
    """A case this accept just opened (still under the automatic title) gets its real title."""
    row = unit.conn.execute(
        select(cases.c.title, cases.c.country, people.c.pseudonym)
        .join(people, people.c.id == cases.c.person_id)
        .where(cases.c.id == case_id)
    ).one()
    if row.title != _title(lead):
        return
    title = case_title(row.pseudonym, lead.event_type, row.country, language)
    unit.conn.execute(cases.update().where(cases.c.id == case_id).values(title=title))
    index_case(unit.conn, case_id)


def rematch_pending(
    unit: Unit, keyring: Keyring, name: str | None, *, skip: str | None = None
) -> int:
    """Match again, through the blind name index, the pending leads whose reported name shares
    a folded key with `name` (the name just accepted); returns how many."""
    key = ensure_monitor_key(unit.conn, keyring)
    digests = sorted(lead_name_keys_of(key, name))
    if not digests:
        return 0
    named = exists().where(
        lead_name_keys.c.lead_id == leads.c.id, lead_name_keys.c.name_key.in_(digests)
    )
    rows = unit.conn.execute(
        select(leads.c.id, leads.c.sealed, leads.c.country).where(
            leads.c.status == NEW, leads.c.id != (skip or ""), named
        )
    ).all()
    for row in rows:
        _rematch(unit, keyring, key, row.id, row.sealed, row.country)
    return len(rows)


def _rematch(
    unit: Unit, keyring: Keyring, key: MonitorKey, lead_id: str, sealed: bytes, country: str | None
) -> None:
    name = key.open_json(sealed, "leads", "sealed", lead_id).get("subject_name")
    for candidate in candidates(unit.conn, keyring, name, country):
        add_match(unit, key, lead_id, candidate)


def pseudonyms(db: Database, person_ids: Collection[str], *, scope: Scope) -> dict[str, str]:
    """The pseudonyms of the people the teams may see, for naming the candidates."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    query = select(people.c.id, people.c.pseudonym).where(
        people.c.id.in_(wanted), person_visibility(scope)
    )
    with db.read() as conn:
        return {str(row.id): str(row.pseudonym) for row in conn.execute(query)}


def decided_case(db: Database, lead: Lead, *, scope: Scope) -> str | None:
    """The case holding the event a decided lead produced or joined, if the teams see it."""
    if lead.event_id is None:
        return None
    query = select(events.c.case_id).join(cases, cases.c.id == events.c.case_id)
    query = query.where(events.c.id == lead.event_id, case_visibility(scope))
    with db.read() as conn:
        return conn.execute(query).scalar()


def next_pending(db: Database, lead_id: str, *, scope: Scope) -> str | None:
    """The newest other pending lead the teams may see: what to review next."""
    query = (
        select(leads.c.id)
        .where(leads.c.status == NEW, leads.c.id != lead_id, lead_visibility(scope))
        .order_by(leads.c.created_at.desc(), leads.c.id.desc())
        .limit(1)
    )
    with db.read() as conn:
        return conn.execute(query).scalar()
