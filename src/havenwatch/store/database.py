"""The database: one engine, one write path, on SQLite or PostgreSQL.

Every change goes through `Database.write(actor)`, which opens a transaction (on SQLite an
immediate one, so writers queue instead of failing half-way), and gives the caller an
`Unit` that appends audit entries to the hash-chained log inside that same transaction.
A change and its audit entry are therefore committed together or not at all.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError

from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError
from havenwatch.crypto.keys import Keyring
from havenwatch.store.audit_chain import GENESIS, entry_hash
from havenwatch.store.group_commit import GroupCommit
from havenwatch.store.schema import audit_log
from havenwatch.store.writer_turn import WriterTurn

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "2",
    "foreign_keys": "1",
    "secure_delete": "1",
}
AUDIT_LOCK_ID = 7_318_004
ANALYSIS_LIMIT = 1000


class DatabaseUnavailable(HavenwatchError):
    """The database cannot be opened, or refuses the settings havenwatch needs."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        for name, value in SQLITE_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("havenwatch_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def sqlite_lock_file(url: str) -> Path | None:
    """The advisory lock file beside a SQLite database file (none for in-memory databases)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}-writer.lock")


def create_database_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@dataclass
class Unit:
    """One write transaction: the connection plus the audit trail to append to."""

    conn: Connection
    actor: str
    is_postgres: bool
    _tail: tuple[int, str] | None = None

    def audit(
        self,
        action: str,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        case_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        """Append one entry to the hash chain, inside this transaction.

        `actor` names someone other than the unit's actor, for units that record for several
        people at once (the group commit of reads).
        """
        seq, prev_hash = self._chain_tail()
        clean_detail = json.loads(json.dumps(dict(detail or {}), default=str))
        row = {
            "seq": seq,
            "at": utcnow(),
            "actor": actor or self.actor,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "case_id": case_id,
            "detail": clean_detail,
            "prev_hash": prev_hash,
        }
        row["hash"] = entry_hash(**row)
        self.conn.execute(audit_log.insert(), row)
        self._tail = (seq + 1, row["hash"])

    def _chain_tail(self) -> tuple[int, str]:
        """The next sequence number and the hash to chain to, read once per transaction.

        The first read takes the lock that serialises audit appends (the transaction itself on
        SQLite, an advisory lock on PostgreSQL), so the tail cannot move under us afterwards.
        """
        if self._tail is not None:
            return self._tail
        if self.is_postgres:
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": AUDIT_LOCK_ID})
        last = self.conn.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        return (last.seq + 1, last.hash) if last else (1, GENESIS)


class Database:
    """The engine for one havenwatch database, and the keys that open its sealed columns."""

    def __init__(self, url: str, keyring: Keyring | None = None) -> None:
        self.url = normalise_url(url)
        self.keyring = keyring
        self._writer_turn = WriterTurn(sqlite_lock_file(self.url)) if self.is_sqlite else None
        self._open_reads = threading.local()
        self._reads = GroupCommit(self._record_reads)
        self._changes_here = 0
        self._counting = threading.Lock()

    @cached_property
    def engine(self) -> Engine:
        return create_database_engine(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def require_keyring(self) -> Keyring:
        if self.keyring is None:
            raise HavenwatchError("this operation needs the data key (see --key-file)")
        return self.keyring

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction; inside another read of this thread, that same one.

        A page that reads from several modules wraps them in one `read()`, and each module's
        own `read()` joins it: one snapshot and one BEGIN for the page instead of one each.
        Writes always get a transaction of their own (see `write`), so a read that should see
        a write must start after it, outside any enclosing read.
        """
        joined = getattr(self._open_reads, "connection", None)
        if joined is not None:
            yield joined
            return
        with self.engine.connect() as conn, conn.begin():
            self._open_reads.connection = conn
            try:
                yield conn
            finally:
                self._open_reads.connection = None

    @contextmanager
    def write(
        self, actor: str, *, changes_records: bool = True, dry_run: bool = False
    ) -> Iterator[Unit]:
        """One write transaction; on SQLite, writers take turns before BEGIN.

        SQLite allows one writer at a time and makes the others retry on a sleeping back-off
        (up to 100 ms a try); queueing on `WriterTurn` (a lock in this process, a lock file
        for all of the server's processes) wakes the next writer the moment the previous one
        commits. A committed unit adds one to `changes()` unless it only appends to the audit
        trail (`changes_records=False`). A `dry_run` unit does everything a real one does,
        checks and audit entries included, then rolls back: previews (the CSV import's
        `--dry-run`) run the very code that would write, and nothing of it stays.
        """
        with self._turn():
            connection = self.engine.connect().execution_options(havenwatch_write=True)
            with connection as conn:
                transaction = conn.begin()
                try:
                    yield Unit(conn, actor, self.is_postgres)
                except BaseException:
                    transaction.rollback()
                    raise
                if dry_run:
                    transaction.rollback()
                    return
                transaction.commit()
            if changes_records:
                self._count_change()

    def changes(self) -> int:
        """A number that moves whenever a write commits a change to the records.

        On SQLite it counts the writes of every process sharing the file; on PostgreSQL only
        this process's, so caches there also rely on their time limit.
        """
        if self._writer_turn is not None:
            return self._writer_turn.changes()
        return self._changes_here

    def _count_change(self) -> None:
        if self._writer_turn is not None:
            self._writer_turn.count_change()
        else:
            with self._counting:
                self._changes_here += 1

    def _turn(self) -> AbstractContextManager[object]:
        return self._writer_turn or nullcontext()

    def check(self) -> None:
        """Refuse to run on a damaged database or one without the durability settings."""
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    self._check_sqlite(conn)
                else:
                    conn.execute(text("SELECT 1"))
        except (OperationalError, DatabaseError) as error:
            raise DatabaseUnavailable(f"cannot open the database: {_first_line(error)}") from None

    def _check_sqlite(self, conn: Connection) -> None:
        result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        if result != "ok":
            raise DatabaseUnavailable(
                f"the database file is damaged ({result}); "
                "restore a backup, havenwatch will not repair it"
            )
        for name, expected in SQLITE_PRAGMAS.items():
            actual = str(conn.exec_driver_sql(f"PRAGMA {name}").scalar()).lower()
            if actual != expected:
                raise DatabaseUnavailable(f"SQLite refused PRAGMA {name}={expected} (got {actual})")

    def refresh_planner_statistics(self) -> None:
        """Give SQLite's query planner row-count statistics (PostgreSQL's autovacuum keeps its own).

        Without them SQLite guesses that `team_id = ?` is as selective as a primary key and
        reads a whole team to find a page of rows. `analysis_limit` samples each index, so this
        takes milliseconds even at a million rows.
        """
        if not self.is_sqlite:
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            conn.exec_driver_sql("ANALYZE")

    def record_read(self, read: ReadRecord) -> None:
        """Audit a read of identifying data; returns once the entry is committed.

        Reads that arrive together share one transaction (see `group_commit`), so a busy
        workspace does not pay one disk flush per page view.
        """
        self._reads.submit(read)

    def _record_reads(self, reads: list[ReadRecord]) -> None:
        with self.write("system:reads", changes_records=False) as unit:
            for read in reads:
                unit.audit(
                    read.action,
                    target_type=read.target_type,
                    target_id=read.target_id,
                    case_id=read.case_id,
                    detail=read.detail,
                    actor=read.actor,
                )

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        if self._writer_turn is not None:
            self._writer_turn.close()


@dataclass(frozen=True)
class ReadRecord:
    """One read of identifying data, for the audit trail."""

    actor: str
    action: str
    target_type: str
    target_id: str
    case_id: str | None = None
    detail: Mapping[str, Any] | None = None


def record_read(
    db: Database,
    actor: str,
    action: str,
    *,
    target_type: str,
    target_id: str,
    case_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record that `actor` read identifying data: reads are audited like changes."""
    db.record_read(ReadRecord(actor, action, target_type, target_id, case_id, detail))


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
