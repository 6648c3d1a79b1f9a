"""Benchmark the public report at scale: publish a release, then make the report from it.

    .venv/bin/python bench/report.py [--cases 100000] [--postgres URL]
    .venv/bin/python bench/report.py --database COPY.db   # an instance already filled

`--database` measures an SQLite file that is already filled (a copy of the one `bench/web.py
--keep DIR` made, for example: a release is published into it, and it is migrated first),
instead of loading the cases again, which takes most of a run at 100,000 cases.

Generates the demo cases (fixed seed) into a fresh instance, then times, in one run:

1. baseline: one bare SQL query counting distinct people per event type and month (what any
   statistics script would do: no generalisation, no suppression, no document);
2. `publish_release`: reading every event, choosing each event type's level, suppression;
3. the report of that release, 2024-01 to 2025-12, as HTML and as PDF (`havenwatch report`).

The target is the report (2 + 3) under 30 s for 100,000 cases; the ratio to the baseline
shows what anonymising and drawing cost beyond counting.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import generate
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.reports.publication import publish_release
from havenwatch.reports.report import ReportRequest
from havenwatch.reports.report_document import public_report
from havenwatch.store import migrate
from havenwatch.store.database import Database, normalise_url
from havenwatch.store.schema import cases, events

SEED = 2024
TARGET_S = 30.0
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def baseline(db: Database) -> int:
    """Distinct people per event type and month, straight from SQL."""
    month = (
        func.to_char(events.c.date_earliest, "YYYY-MM")
        if db.is_postgres
        else func.strftime("%Y-%m", events.c.date_earliest)
    )
    query = (
        select(events.c.type, month, func.count(func.distinct(cases.c.person_id)))
        .join(cases, cases.c.id == events.c.case_id)
        .group_by(events.c.type, month)
    )
    with db.read() as conn:
        return len(conn.execute(query).all())


def fresh_postgres(url: str) -> str:
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    name = f"hw_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("HAVENWATCH_BENCH_POSTGRES_URL"))
    parser.add_argument("--database", help="an SQLite file already filled (written into)")
    parser.add_argument("--as-is", action="store_true", help="do not migrate --database first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        if args.database:
            db = Database(f"sqlite:///{args.database}")
            if not args.as_is:
                migrate.upgrade(db)
            with db.read() as conn:
                args.cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
            print(f"{args.cases:,} cases in {args.database} (SQLite)")
        else:
            url = fresh_postgres(args.postgres) if args.postgres else None
            db = initialise(resolve_settings(directory / "data", url, directory / "data.key"))
            _, loaded = timed(
                lambda: load_files(
                    db, generate(args.cases, seed=SEED, upto=date(2026, 1, 31)), "bench"
                )
            )
            kind = "PostgreSQL" if url else "SQLite"
            print(f"{args.cases:,} cases loaded in {loaded:.1f} s ({kind})")
        rows, base = timed(lambda: baseline(db))
        version, publishing = timed(lambda: publish_release(db, actor="bench", k=10))
        request = ReportRequest("2024-01", "2025-12", None, "en")
        html, html_s = timed(lambda: public_report(db, request, "html"))
        pdf, pdf_s = timed(lambda: public_report(db, request, "pdf"))
        db.dispose()
    total = publishing + html_s + pdf_s
    print(f"{'step':<44}{'seconds':>9}{'x baseline':>12}")
    for what, seconds in (
        (f"baseline: SQL count ({rows} type-months)", base),
        (f"publish release {version.version} (k=10, generalised)", publishing),
        (f"report HTML ({len(html):,} bytes)", html_s),
        (f"report PDF ({len(pdf):,} bytes)", pdf_s),
        ("report total (publish + HTML + PDF)", total),
    ):
        print(f"{what:<44}{seconds:>9.2f}{seconds / base:>12.1f}")
    verdict = "within" if total < TARGET_S else "OVER"
    print(f"{verdict} the {TARGET_S:.0f} s target for {args.cases:,} cases")


if __name__ == "__main__":
    main()
