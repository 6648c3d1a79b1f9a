"""Benchmark `havenwatch ingest`: throughput and memory on SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py [--reports 100000] [--postgres URL] [--shared 2]

Generates the reports (fixed seed, with syndicated copies and spelling variants) as JSON
lines, then:

1. baseline: reading + extraction + MinHash alone, no storage, in this process;
2. `havenwatch ingest` into a fresh SQLite instance, in a subprocess whose resident memory
   is sampled twice a second and reported at 10 %, 50 % and 100 % of the queue done;
3. the same into a fresh PostgreSQL database (with --postgres URL or
   HAVENWATCH_TEST_POSTGRES_URL; the role must be allowed to CREATE DATABASE);
4. `--shared` separate `havenwatch ingest` processes on one PostgreSQL queue, then a check
   that every report was stored exactly once.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from havenwatch.access.scope import Scope
from havenwatch.cases.people import add_person
from havenwatch.core.model import Identity, Person
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.monitor import dedup
from havenwatch.monitor.extract import extract_document
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news
from havenwatch.monitor.synthetic_news import generate_reports, write_json_lines
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database, normalise_url
from havenwatch.store.schema import ingest_queue, leads, sources

SEED = 20240503
SAMPLE_EVERY_S = 0.5
BASELINE_SAMPLE = 3000


@dataclass
class Run:
    label: str
    reports: int
    seconds: float
    stored: int
    leads: int
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds

    def rss_at(self, fraction: float) -> int:
        """RSS (KiB) of the first sample at or after this share of the queue done."""
        later = [rss for done, rss in self.samples if done >= fraction]
        return later[0] if later else (self.samples[-1][1] if self.samples else 0)

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("HAVENWATCH_TEST_POSTGRES_URL"))
    parser.add_argument("--shared", type=int, default=2, help="processes sharing one queue")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw-bench-") as scratch:
        root = Path(scratch)
        corpus = root / "reports"
        written = write_json_lines(generate_reports(args.reports, seed=SEED), corpus, 1000)
        print(f"generated {written} reports in {corpus}", flush=True)
        baseline = measure_baseline(corpus, min(written, BASELINE_SAMPLE))
        print(f"baseline (read + extract + MinHash, no storage): {baseline:.0f} reports/s")
        runs = []
        if not args.skip_sqlite:
            runs.append(ingest_run("SQLite", root / "sqlite", None, corpus, written, 1))
        if args.postgres:
            runs.append(ingest_run("PostgreSQL", root / "pg", args.postgres, corpus, written, 1))
            shared = ingest_run(
                f"PostgreSQL, {args.shared} processes", root / "pg-shared", args.postgres,
                corpus, written, args.shared,
            )  # fmt: skip
            runs.append(shared)
        print_table(runs, baseline)


def measure_baseline(corpus: Path, limit: int) -> float:
    started = time.perf_counter()
    done = 0
    for item in read_news([str(corpus)]):
        if isinstance(item, NewsItem):
            extract_document(item)
            dedup.signature(item.text)
            done += 1
            if done == limit:
                break
    return done / (time.perf_counter() - started)


def ingest_run(
    label: str, home: Path, postgres: str | None, corpus: Path, reports: int, processes: int
) -> Run:
    settings, drop = instance(home, postgres)
    db = initialise(settings)
    seed_people(db)
    env = dict(os.environ)
    env.update(
        HAVENWATCH_DATA_DIR=str(settings.data_dir),
        HAVENWATCH_DATABASE_URL=settings.database_url,
        HAVENWATCH_KEY_FILE=str(settings.key_file),
    )
    command = [sys.executable, "-m", "havenwatch", "ingest", "--quiet", str(corpus)]
    print(f"{label}: ingesting {reports} reports ...", flush=True)
    started = time.perf_counter()
    children = [subprocess.Popen(command, env=env) for _ in range(processes)]
    samples = sample_while_running(db, children, reports)
    for child in children:
        child.wait()
    seconds = time.perf_counter() - started
    with db.read() as conn:
        stored = conn.execute(select(func.count()).select_from(sources)).scalar_one()
        unique = conn.execute(
            select(func.count(func.distinct(sources.c.content_hash)))
        ).scalar_one()
        found = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    assert stored == unique, f"{label}: {stored - unique} duplicate sources"
    db.dispose()
    drop()
    run = Run(label, reports, seconds, int(stored), int(found), samples)
    print(
        f"{label}: {run.per_second:.0f} reports/s, peak RSS {run.peak / 1024:.0f} MiB", flush=True
    )
    return run


def instance(home: Path, postgres: str | None) -> tuple[Settings, Callable[[], None]]:
    if not postgres:
        return resolve_settings(home / "data", None, home / "key"), lambda: None
    admin = create_engine(normalise_url(postgres), isolation_level="AUTOCOMMIT")
    name = f"hw_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(postgres)).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return resolve_settings(home / "data", url, home / "key"), drop


def seed_people(db: Database) -> None:
    """A few known people, so that linking does real blind-index work."""
    for first, surname in (("Oleg", "Volokhonsky"), ("Anna", "Morozova"), ("Pavel", "Yudin")):
        identity = Identity(full_name=f"{first} {surname}")
        add_person(
            db,
            Person(pseudonym=f"{first[0]}{surname[0]}", identity=identity),
            "bench",
            scope=Scope.everything(),
        )


def sample_while_running(
    db: Database, children: list[subprocess.Popen[bytes]], reports: int
) -> list[tuple[float, int]]:
    """(share of the queue done, summed RSS in KiB of the ingest processes), twice a second."""
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss = sum(resident_kib(child.pid) for child in children)
            with db.read() as conn:
                done = conn.execute(
                    select(func.count()).where(ingest_queue.c.status == "done")
                ).scalar_one()
            if rss:
                samples.append((done / reports, rss))
            stop.wait(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    while any(child.poll() is None for child in children):
        time.sleep(0.1)
    stop.set()
    sampler.join()
    return samples


def resident_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc."""
    total = 0
    for process in [pid, *descendants(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = [int(child) for child in children]
    return found + [grandchild for child in found for grandchild in descendants(child)]


def print_table(runs: list[Run], baseline: float) -> None:
    print()
    print(f"baseline without storage: {baseline:.0f} reports/s")
    columns = ("run", "reports", "reports/s", "vs baseline", "sources", "leads",
               "RSS 10%", "RSS 50%", "RSS 100%", "peak")  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        mib = [run.rss_at(share) / 1024 for share in (0.1, 0.5, 1.0)]
        print(
            f"| {run.label} | {run.reports} | {run.per_second:.0f} | "
            f"{run.per_second / baseline:.2f} | {run.stored} | {run.leads} | "
            f"{mib[0]:.0f} MiB | {mib[1]:.0f} MiB | {mib[2]:.0f} MiB | {run.peak / 1024:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
