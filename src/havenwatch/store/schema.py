"""Every table, in one place, as SQLAlchemy Core metadata.

Identifying data is never stored in clear: `people.identity`, `cases.notes`, `events.notes`,
`documents.filename` and `users.totp_secret` hold AES-GCM ciphertexts (see
`havenwatch.crypto.keys`). Names are found through `person_name_keys`, a keyed blind index.
Alembic migrations in `store/migrations` must match this file (a test checks it).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeAlias

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    Text,
    text,
)

from havenwatch.core.fields import Entered, entered_fields
from havenwatch.core.model import Event

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

AnyRow: TypeAlias = Row[*tuple[Any, ...]]  # a result row of any width

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID = String(32)
Timestamp = DateTime()


def id_column() -> Column[str]:
    return Column("id", ID, primary_key=True)


def created_column() -> Column[object]:
    return Column("created_at", Timestamp, nullable=False)


# A fuzzy date is stored as its text and the range of days it covers (`core.dates`).
FUZZY_DATE_PRECISION_LENGTH = 10


def _fuzzy_date_columns(name: str, limit: int | None) -> list[Column[Any]]:
    return [
        Column(f"{name}_text", String(limit or 40)),
        Column(f"{name}_earliest", Date),
        Column(f"{name}_latest", Date),
        Column(f"{name}_precision", String(FUZZY_DATE_PRECISION_LENGTH)),
    ]


def entered_columns(record: type) -> list[Column[Any]]:
    """The columns of the fields people enter, as the record declares them (`core.fields`):
    a new entered field needs its migration, not an edit here. Sealed values are ciphertexts;
    a field that admits no None is NOT NULL, with the record's default."""
    columns: list[Column[Any]] = []
    for entered in entered_fields(record):
        how, name = entered.how, entered.name
        if how.kind == "fuzzy_date":
            columns += _fuzzy_date_columns(name, how.limit)
            continue
        default = None if entered.default in (None, dataclasses.MISSING) else entered.default
        extra: dict[str, Any] = {"default": default} if default is not None else {}
        columns.append(Column(name, _column_type(how), nullable=entered.clearable, **extra))
    return columns


def _column_type(how: Entered) -> Any:
    if how.sealed:
        return LargeBinary
    if how.kind == "number":
        return Integer
    if how.kind == "day":
        return Date
    return String(how.limit) if how.limit else Text


teams = Table(
    "teams",
    metadata,
    id_column(),
    Column("name", String(120), nullable=False, unique=True),
    created_column(),
)

users = Table(
    "users",
    metadata,
    id_column(),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("team_id", ID, ForeignKey("teams.id"), nullable=False),
    Column("locale", String(10), nullable=False, default="en"),
    Column("totp_secret", LargeBinary),
    Column("active", Boolean, nullable=False, default=True),
    Column("last_seen_at", Timestamp),
    Column("previous_visit_at", Timestamp),
    created_column(),
    # Where deadline reminders go (migration 0010d), sealed under the key file's KEK like
    # `totp_secret`: a staff address is identifying too.
    Column("email", LargeBinary),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("second_factor_done", Boolean, nullable=False, default=False),
    Column("last_seen_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp),
    created_column(),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    id_column(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("last_used_at", Timestamp),
    Column("revoked_at", Timestamp),
    created_column(),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("at", Timestamp, nullable=False),
    Index("ix_login_attempts_subject_at", "subject", "at"),
)

# Failures counted per throttled subject (a keyed hash), raised atomically before each check.
login_counters = Table(
    "login_counters",
    metadata,
    Column("subject", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", Timestamp, nullable=False, index=True),
)

# Read-only tokens for calendar feeds: one per feed (a case, or the user's teams when no case).
calendar_tokens = Table(
    "calendar_tokens",
    metadata,
    id_column(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("last_used_at", Timestamp),
    Column("revoked_at", Timestamp),
    created_column(),
)

people = Table(
    "people",
    metadata,
    id_column(),
    Column("pseudonym", String(200), nullable=False),
    Column("team_id", ID, ForeignKey("teams.id"), nullable=False, index=True),
    Column("nationality", String(2)),
    Column("gender", String(10)),
    Column("birth_year", Integer),
    Column("family_affected_count", Integer, nullable=False, default=0),
    Column("family_relation", String(200)),
    Column("consent", String(20), nullable=False),
    Column("risk_level", String(20), nullable=False),
    Column("wrapped_key", LargeBinary),
    Column("identity", LargeBinary),
    Column("purged_at", Timestamp),
    created_column(),
    Column("updated_at", Timestamp, nullable=False),
)

person_name_keys = Table(
    "person_name_keys",
    metadata,
    Column("person_id", ID, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("name_key", String(40), primary_key=True),
    Index("ix_person_name_keys_name_key", "name_key", "person_id"),
)

cases = Table(
    "cases",
    metadata,
    id_column(),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False, index=True),
    Column("team_id", ID, ForeignKey("teams.id"), nullable=False, index=True),
    Column("country", String(2), nullable=False),
    Column("title", String(300), nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("assigned_user_id", ID, ForeignKey("users.id")),
    Column("opened_on", Date),
    Column("closed_on", Date),
    Column("notes", LargeBinary),
    created_column(),
    Column("updated_at", Timestamp, nullable=False),
    # The case's distinct event types between spaces (" appeal entry_ban "), kept by triggers
    # on `events` (migration 0008): the list filters on it without probing the events.
    Column("event_types", String(400), nullable=False, server_default=text("' '")),
    Index("ix_cases_status_country", "status", "country", "opened_on", "event_types"),
    Index(
        "ix_cases_team_listing", "team_id", "status", "country", "opened_on", "id", "event_types"
    ),
    # The list by opening day under any other filter, and its cursor (migration 0012p).
    Index("ix_cases_team_opened", "team_id", "opened_on", "id", "status", "country", "event_types"),
    Index("ix_cases_assigned_user_id", "assigned_user_id", "updated_at"),
    # The earliest last day among the case's open, unresolved deadline steps (migration
    # 0010d), kept by `cases.step_workflow`: the case list sorts on it, walking this index
    # (migration 0012p) with its filters and cursor.
    Column("next_deadline", Date),
    Index(
        "ix_cases_team_deadline_listing",
        "team_id",
        "next_deadline",
        "id",
        "status",
        "country",
        "event_types",
    ),
)

case_tags = Table(
    "case_tags",
    metadata,
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(80), primary_key=True),
    Index("ix_case_tags_tag", "tag"),
)

events = Table(
    "events",
    metadata,
    id_column(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    # The fields people enter, as `core.model.Event` declares them.
    *entered_columns(Event),
    created_column(),
    Column("updated_at", Timestamp, nullable=False),
    Index("ix_events_type_date", "type", "date_earliest"),
    Index("ix_events_date_earliest", "date_earliest"),
    Index("ix_events_case_id_type", "case_id", "type"),
    Index("ix_events_type_served_on", "type", "served_on"),
    Index("ix_events_type_span", "type", "date_latest", "date_earliest", "case_id"),
)

# One narrow row per event with what the statistics count by (team, host country, nationality,
# person, case, type, grounds, authority, date bounds, outcome), kept by triggers on events,
# cases and people in the same transaction as every write (migration 0013a): a team's question
# over a period reads one range of one covering index instead of joining events to cases.
_FACT_SPAN = ("date_latest", "date_earliest", "type", "person_id", "case_id")
_SPREAD = ("date_latest", "date_earliest")
event_facts = Table(
    "event_facts",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("team_id", ID, nullable=False),
    Column("country", String(2), nullable=False),
    Column("nationality", String(2)),
    Column("person_id", ID, nullable=False),
    Column("case_id", ID, nullable=False),
    Column("type", String(40), nullable=False),
    Column("grounds", String(40)),
    Column("authority", String(40)),
    Column("date_earliest", Date),
    Column("date_latest", Date),
    Column("outcome", String(20)),
    Index("ix_event_facts_team_country_span", "team_id", "country", *_FACT_SPAN),
    Index("ix_event_facts_team_span", "team_id", *_FACT_SPAN, "country"),
    # A case's events of one type by day, with their outcome: the first court decision after an
    # appeal is one probe, and a case moved to another team rewrites its facts through it.
    Index("ix_event_facts_case_decisions", "case_id", "type", "date_earliest", "outcome"),
    # Only events dated less precisely than a day can overlap a period without lying in it:
    # "not placed" reads these partial indexes, with and without a host country.
    *(
        Index(
            name,
            *columns,
            sqlite_where=text("date_earliest < date_latest"),
            postgresql_where=text("date_earliest < date_latest"),
        )
        for name, columns in (
            ("ix_event_facts_team_spread", ("team_id", *_SPREAD, "country", "type")),
            ("ix_event_facts_team_country_spread", ("team_id", "country", *_SPREAD, "type")),
        )
    ),
)

sources = Table(
    "sources",
    metadata,
    id_column(),
    Column("url", Text),
    Column("title", Text),
    Column("publisher", String(200)),
    Column("published_on", Date),
    Column("language", String(8)),
    Column("text", Text, nullable=False, default=""),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("minhash", LargeBinary),
    # A report the news monitor stored: its url, title and text sealed with the monitor
    # pool's data key (the clear columns then stay empty).
    Column("sealed", LargeBinary),
    Column("story_id", ID, index=True),
    created_column(),
    Index("ix_sources_publisher", "publisher"),
)

# The blind index of the words of a sealed source's title and text: each folded word hashed
# with the monitor pool's key (`havenwatch.cases.source_words`), so search finds a report by
# a word without any word stored in clear.
source_word_keys = Table(
    "source_word_keys",
    metadata,
    Column("word_key", String(64), primary_key=True),
    Column("source_id", ID, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_source_word_keys_source_id", "source_id"),
)

# Banded MinHash buckets (see `havenwatch.monitor.dedup`): sources sharing a bucket are
# candidate near-duplicates, found by index instead of by comparing every stored report.
story_buckets = Table(
    "story_buckets",
    metadata,
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("source_id", ID, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_story_buckets_source_id", "source_id"),
)

event_sources = Table(
    "event_sources",
    metadata,
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ID, ForeignKey("sources.id"), primary_key=True),
    Column("role", String(20), nullable=False, default="reported"),
    Index("ix_event_sources_source_id", "source_id"),
)

documents = Table(
    "documents",
    metadata,
    id_column(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("event_id", ID, ForeignKey("events.id", ondelete="SET NULL")),
    Column("filename", LargeBinary, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("vault_name", String(64), nullable=False, unique=True),
    Column("metadata_stripped", Boolean, nullable=False, default=False),
    created_column(),
    # Evidence (migration 0011i): what the document is, the day it bears, both hashes sealed
    # with the person's key, and the original as received when the uploader kept it.
    Column("document_type", String(40)),
    Column("document_date", Date),
    Column("original_sha256", LargeBinary),
    Column("cleaned_sha256", LargeBinary),
    Column("original_vault_name", String(64), unique=True),
    # Words (migration 0012f): the text read from the file, padded and sealed with the
    # person's key, and which version of the reading rules made it (NULL: not read yet, the
    # backfill `havenwatch vault index-words` reads it).
    Column("content_text", LargeBinary),
    Column("text_version", Integer),
)

# The blind index of the words inside documents (`havenwatch.cases.document_words`): each
# folded word hashed with the instance's index key in a domain of its own, no word in clear.
document_word_keys = Table(
    "document_word_keys",
    metadata,
    Column("word_key", String(40), primary_key=True),
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_document_word_keys_document_id", "document_id"),
)

document_events = Table(
    "document_events",
    metadata,
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

# Fields a team defines (migration 0012r) for its people, cases or events: a key, a label
# per language, a kind (text, number, date, choice, yes_no), the choice's options, whether a
# value identifies the person (then it is sealed with their key) and whether it is required.
custom_fields = Table(
    "custom_fields",
    metadata,
    id_column(),
    Column("team_id", ID, ForeignKey("teams.id"), nullable=False),
    Column("applies_to", String(10), nullable=False),
    Column("key", String(60), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("options", JSON, nullable=False),
    Column("identifying", Boolean, nullable=False, default=False),
    Column("required", Boolean, nullable=False, default=False),
    Column("position", Integer, nullable=False, default=0),
    created_column(),
    Index("ix_custom_fields_team_record_key", "team_id", "applies_to", "key", unique=True),
)

# One value of a custom field for one person, case or event (`record_id`): in clear in
# `value` when the field does not identify, else sealed with the person's key in `sealed`.
# `person_id` names whose key seals it (and whose purge deletes it); the case or event
# column makes deleting the record delete its values.
custom_values = Table(
    "custom_values",
    metadata,
    Column("field_id", ID, ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True),
    Column("record_id", ID, primary_key=True),
    Column("person_id", ID, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE")),
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE")),
    Column("value", Text),
    Column("sealed", LargeBinary),
    Index("ix_custom_values_record_id", "record_id"),
    Index("ix_custom_values_person_id", "person_id"),
)

ingest_queue = Table(
    "ingest_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("origin", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False, default="pending"),
    Column("claimed_by", String(80)),
    Column("claimed_at", Timestamp),
    Column("error", Text),
    created_column(),
    Index("ix_ingest_queue_status", "status"),
)

leads = Table(
    "leads",
    metadata,
    id_column(),
    # A keyed digest (the monitor pool's key) of the story and what happened to whom.
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("source_id", ID, ForeignKey("sources.id"), nullable=False, index=True),
    Column("story_id", ID, index=True),
    Column("event_type", String(40), nullable=False),
    Column("country", String(2)),
    Column("event_date", String(10)),
    # The language of the lead's first report (`sources.language`), for the triage list.
    Column("language", String(8)),
    # The name read in the report, the evidence quoting it and the whole extraction, sealed
    # with the monitor pool's data key (`havenwatch.store.monitor_key`).
    Column("sealed", LargeBinary, nullable=False),
    Column("status", String(20), nullable=False, default="new"),
    Column("decided_by", String(120)),
    Column("decided_at", Timestamp),
    Column("decision_reason", Text),
    Column("event_id", ID, ForeignKey("events.id", ondelete="SET NULL")),
    created_column(),
    # What the reviewer kept when deciding (the corrected event, and which fields they
    # changed), sealed like `sealed`, which keeps the extractor's own reading untouched.
    Column("reviewed", LargeBinary),
    # The triage list's orders (`monitor.review.triage_order`), each walked in order from the
    # status, carrying the filtered columns so a filter is tested on the index alone.
    Index("ix_leads_triage_newest", "status", "created_at", "id", "event_type", "country",
          "event_date"),
)  # fmt: skip
_LEADS_NEWEST_FIRST = (leads.c.created_at.desc(), leads.c.id.desc())
Index("ix_leads_triage_date", leads.c.status, leads.c.event_date.desc(), *_LEADS_NEWEST_FIRST,
      leads.c.event_type, leads.c.country)  # fmt: skip
Index("ix_leads_triage_type", leads.c.status, leads.c.event_type, *_LEADS_NEWEST_FIRST,
      leads.c.country, leads.c.event_date)  # fmt: skip
Index("ix_leads_triage_language", leads.c.status, leads.c.language, *_LEADS_NEWEST_FIRST,
      leads.c.event_type, leads.c.country, leads.c.event_date)  # fmt: skip

# The blind index of a lead's subject name: each folded key of the name read in the report,
# hashed with the monitor pool's key (so these rows cannot be joined to `person_name_keys`).
# Re-matching after an accept looks up only the pending leads sharing a key with the name.
lead_name_keys = Table(
    "lead_name_keys",
    metadata,
    Column("name_key", String(64), primary_key=True),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_lead_name_keys_lead_id", "lead_id"),
)

feeds = Table(
    "feeds",
    metadata,
    id_column(),
    Column("url", Text, nullable=False, unique=True),
    Column("language", String(8)),
    Column("team_id", ID, ForeignKey("teams.id")),
    Column("every_minutes", Integer, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_fetch_at", Timestamp, nullable=False),
    Column("last_fetched_at", Timestamp),
    Column("last_success_at", Timestamp),
    Column("last_error", Text),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("items_ingested", Integer, nullable=False, default=0),
    Column("lease_owner", String(120)),
    Column("lease_until", Timestamp),
    created_column(),
    Index("ix_feeds_next_fetch_at", "next_fetch_at"),
)

feed_items = Table(
    "feed_items",
    metadata,
    Column("feed_id", ID, ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("url_hash", String(64), primary_key=True),
    Column("seen_at", Timestamp, nullable=False),
)

lead_sources = Table(
    "lead_sources",
    metadata,
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ID, ForeignKey("sources.id"), primary_key=True),
    # Source visibility asks "is this report on a lead list?" for each report a search or a
    # list walks: the primary key leads with the lead, so that question needs its own index.
    Index("ix_lead_sources_source_id", "source_id", "lead_id"),
)

# Who a lead could be about: one row per known person it matched (or was accepted for). The
# team is in clear, for visibility; the person, case, score and reason are sealed, and the
# person is referred to by a keyed digest, so purge finds the rows without opening them.
lead_matches = Table(
    "lead_matches",
    metadata,
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("person_ref", String(64), primary_key=True),
    Column("team_id", ID, ForeignKey("teams.id"), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_lead_matches_person_ref", "person_ref"),
    Index("ix_lead_matches_team_lead", "team_id", "lead_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", Timestamp, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target_type", String(40)),
    Column("target_id", ID),
    Column("case_id", ID, index=True),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_actor", "actor"),
    Index("ix_audit_log_action", "action"),
)

instance_settings = Table(
    "instance_settings",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", JSON, nullable=False),
)

published_releases = Table(
    "published_releases",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("published_at", Timestamp, nullable=False),
    Column("k", Integer, nullable=False),
    Column("document", Text, nullable=False),
)

search_entries = Table(
    "search_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),
    Column("ref_id", ID, nullable=False),
    Column("team_id", ID),
    Column("body", Text, nullable=False),
    Index("ix_search_entries_kind_ref_id", "kind", "ref_id", unique=True),
    Index("ix_search_entries_team_id", "team_id"),
)

__all__ = [name for name, value in globals().items() if isinstance(value, Table)]
__all__ += ["metadata"]


# A case's deadline steps as the engine last computed them (`cases.step_workflow` rewrites a
# case's rows whenever its events, its status or what was done about its steps change): the
# dashboard counts and lists, and the case list's next deadline, read them instead of
# computing every case's deadlines. `status` is "open" for a step with a last day still to
# act on (the engine's open step, not resolved by the team, in an open case): whether it is
# overdue depends on the day. Otherwise it says why not: met, superseded, no_deadline (the
# engine's), resolved (by the team), closed (the case). `team_id` is the case's, so that a
# team's counts are read from one index.
deadline_steps = Table(
    "deadline_steps",
    metadata,
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("deadline_id", String(120), primary_key=True),
    Column("team_id", ID, nullable=False),
    Column("remedy", String(60), nullable=False),
    Column("due", Date),
    Column("status", String(20), nullable=False),
    Index("ix_deadline_steps_status_due", "status", "due"),
    Index("ix_deadline_steps_team_status_due", "team_id", "status", "due"),
)

# What the team did about a step: done (on a day, by an event), not applicable or superseded,
# with a note sealed with the person's key and who did it; and the lawyer it is assigned to.
# Kept apart from `deadline_steps` so that recomputing the steps never loses it.
deadline_actions = Table(
    "deadline_actions",
    metadata,
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("deadline_id", String(120), primary_key=True),
    Column("resolution", String(20)),
    Column("resolved_on", Date),
    Column("resolved_event_id", ID),
    Column("note", LargeBinary),
    Column("resolved_by", String(80)),
    Column("assignee_id", ID, ForeignKey("users.id"), index=True),
    Column("updated_at", Timestamp, nullable=False),
)
