"""Time the statistics service cold and warm: what a worker's first request for a period costs.

    .venv/bin/python bench/statistics_service.py --instance DIR [--rounds 5]
    .venv/bin/python bench/statistics_service.py --cases 20000 [--postgres URL]

The web page keeps each answer in a per-process cache (`web/routes/statistics.py`), so a warm
request costs only the page; a *cold* one, the first for a period and country in a worker (or
after any write), waits for `reports.questions.answer`. This times that call directly: for
each period the bench's web load asks (`bench/web.py`: 2024, 2025, 2025-Q2, 2024-Q4, host
country RS, one team's scope, as its caseworker sees it), the first call on a freshly opened
database (cold: nothing of it in SQLite's page cache) and the median of `--rounds` calls more.

`--postgres URL --cases N` fills a new database on that server and keeps it; `--url URL`
measures it (or any database) again, `--as-is` without migrating it (an older checkout).
`--instance DIR` reads an instance `bench/web.py --keep DIR` filled (a copy, migrated to this
checkout's head first; its bench account's team), or `--database FILE` measures (and migrates)
that SQLite file in place; `--cases N` fills a fresh one with the demo generator.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from havenwatch.access.scope import Scope
from havenwatch.access.teams import team_id_by_name
from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import demo_data, generate
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.reports.questions import Question, answer, parse_period
from havenwatch.store import migrate
from havenwatch.store.database import Database, normalise_url
from havenwatch.store.schema import events, users

PERIODS = ("2024", "2025", "2025-Q2", "2024-Q4")
COUNTRY = "RS"


def fresh_postgres(url: str) -> str:
    """A new, empty database on the server of `url` (kept: measure it again with --url)."""
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    name = f"hw_stats_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False)


def _database(args: argparse.Namespace, folder: Path) -> str:
    """The database URL measured: a migrated copy of `--instance`, or a fresh demo fill."""
    if args.database or args.url:
        url = args.url or f"sqlite:///{args.database}"
        if not args.as_is:
            migrate.upgrade(Database(url))
        return url
    if args.instance:
        source = Path(args.instance) / "data" / "havenwatch.db"
        target = folder / "havenwatch.db"
        shutil.copyfile(source, target)
        for suffix in ("-wal",):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        url = f"sqlite:///{target}"
        migrate.upgrade(Database(url))
        return url
    fresh = fresh_postgres(args.postgres) if args.postgres else None
    settings = resolve_settings(
        data_dir=folder / "data", database_url=fresh, key_file=folder / "key"
    )
    db = initialise(settings)
    started = time.perf_counter()
    load_files(db, generate(args.cases, seed=2024, upto=date(2026, 12, 7)), "bench")
    seconds = time.perf_counter() - started
    print(f"filled {args.cases} cases in {seconds:.1f} s into {fresh or 'SQLite'}")
    return settings.database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", help="a folder bench/web.py --keep filled (copied)")
    parser.add_argument("--database", help="an SQLite file to measure in place (migrated)")
    parser.add_argument(
        "--as-is", action="store_true", help="do not migrate --database (an older checkout)"
    )
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--postgres", help="PostgreSQL server URL: --cases fill a new database")
    parser.add_argument("--url", help="a database URL to measure in place (PostgreSQL too)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw-stats-") as folder:
        url = _database(args, Path(folder))
        with Database(url).read() as conn:
            bench_team = conn.execute(
                select(users.c.team_id).where(users.c.username == "bench")
            ).scalar()
            size = conn.execute(select(func.count()).select_from(events)).scalar_one()
            demo_team = team_id_by_name(conn, demo_data()["teams"][0])
        scope = Scope.teams(bench_team or demo_team or "")
        print(f"instance: {url.split('@')[-1]}, {size:,} events, team {scope.team_ids[0]}")
        print(f"{'period':<8} {'cold ms':>9} {'warm ms (median)':>17} {'people':>7} {'events':>7}")
        for period in PERIODS:
            first, last = parse_period(period)
            question = Question(first, last, country=COUNTRY)
            db = Database(url)  # a fresh engine: no page of the database cached in-process
            started = time.perf_counter()
            result = answer(db, question, scope=scope)
            cold = time.perf_counter() - started
            warm = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                answer(db, question, scope=scope)
                warm.append(time.perf_counter() - started)
            print(
                f"{period:<8} {cold * 1000:>9.1f} {statistics.median(warm) * 1000:>17.1f} "
                f"{result.total.people:>7} {result.total.events:>7}"
            )
            db.engine.dispose()


if __name__ == "__main__":
    main()
