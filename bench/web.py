"""Web workspace benchmark: p50/p95 latency and throughput under 16 concurrent clients.

Fills an instance with the demo generator (default 100,000 cases ending today, drawn out to
about 1,000,000 events), starts `havenwatch serve` in a subprocess, logs 16 clients in as a
caseworker and measures the dashboard, a filtered case list, a full-text search, case
pages, the statistics page (a year or a quarter of one host country) and the review queue
(`--leads`, default 100,000 leads stored as ingest stores them: sealed, name-indexed,
matched; the triage list newest first, and filtered by type and sorted by event date);
each client keeps one connection of the standard library's HTTP client alive. The
baseline, in the same run, is Datasette serving the same SQLite file's events table with the
same filter (event type), as an HTML page. The table says, page by page, whether the target
(p95 under 100 ms, throughput no lower than Datasette's) is met.

Filling 100,000 cases takes minutes: `--keep DIR` keeps the instance, and a later run with
the same folder migrates and reuses it, measuring only. `--rounds N` measures every page N
times and reports the medians, for a machine shared with other work. `--workers N` passes
`--workers N` to `havenwatch serve` (default: its own, one worker per CPU core).

    .venv/bin/python bench/web.py --cases 5000 --seconds 10
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --rounds 3
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --workers 1
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Connection, func, select

from havenwatch.access.accounts import add_user
from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import demo_data, generate
from havenwatch.core.clock import today, utcnow
from havenwatch.core.ids import new_id
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.monitor.record import insert_lead
from havenwatch.operations.instance import initialise, open_database
from havenwatch.store.monitor_key import MonitorKey, ensure_monitor_key
from havenwatch.store.schema import cases, events, leads, sources, users

CLIENTS = 16
PASSWORD = "measuring 16 clients"  # noqa: S105 - a throwaway account in a temporary instance
FILTER_TYPE = "entry_ban"
STATISTICS_PERIODS = ("2024", "2025", "2025-Q2", "2024-Q4")
LEAD_TYPES = ("entry_ban", "residence_revoked", "expulsion_order", "detention", "deportation")
LEADS_PER_REPORT = 10
LEAD_BATCH = 1000
TARGET_P95_MS = 100.0
DATASETTE = "Datasette events?type="
console = Console(width=max(Console().width, 120))


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=20)[18] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def fill(settings: Settings, count: int, events_per_case: int) -> None:
    """Create the instance with `count` demo cases ending today, and the bench account."""
    db = initialise(settings)
    team = demo_data()["teams"][0]
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Generating demo cases", total=count)
        load_files(
            db,
            generate(count, upto=today(), events_per_case=events_per_case),
            "bench",
            progress=lambda n: progress.advance(task, n),
        )
    add_user(db, "bench", PASSWORD, "caseworker", team, "bench")
    db.dispose()


def fill_leads(settings: Settings, count: int) -> None:
    """Add leads until the instance holds `count`, as ingest stores them (`insert_lead`:
    sealed, name-indexed, matched against the people), ten to a sealed report."""
    db = open_database(settings)
    keyring = db.require_keyring()
    with db.read() as conn:
        missing = count - conn.execute(select(func.count()).select_from(leads)).scalar_one()
    rng, words = random.Random(7), demo_data()["pseudonym_words"]
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Storing leads", total=max(0, missing))
        while missing > 0:
            batch = min(LEAD_BATCH, missing)
            with db.write("bench") as unit:
                key = ensure_monitor_key(unit.conn, keyring)
                source_id = ""
                for number in range(batch):
                    if number % LEADS_PER_REPORT == 0:
                        source_id = _bench_report(unit.conn, key, rng)
                    name = f"{rng.choice(words).title()} {rng.choice(words).title()}ov"
                    event = {
                        "type": rng.choice(LEAD_TYPES),
                        "subject": {"name": name},
                        "country": rng.choice(("RS", "GE", "AM", "KZ")),
                        "date": f"{rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}-10",
                        "evidence": f"{name} was told to leave.",
                    }
                    insert_lead(unit, keyring, event, new_id(), source_id, source_id)
            missing -= batch
            progress.advance(task, batch)
    db.dispose()


def _bench_report(conn: Connection, key: MonitorKey, rng: random.Random) -> str:
    """One sealed report, as the monitor stores them (its text only sealed)."""
    report_id = new_id()
    content = {"url": None, "title": f"Report {report_id}", "text": "A decision was reported."}
    conn.execute(
        sources.insert().values(
            id=report_id,
            publisher=rng.choice(("Danas", "N1", "Meduza", "OC Media")),
            language=rng.choice(("en", "ru", "sr")),
            text="",
            content_hash=report_id,
            sealed=key.seal_json(content, "sources", "sealed", report_id),
            story_id=report_id,
            created_at=utcnow(),
        )
    )
    return report_id


@dataclass(frozen=True)
class InstanceSize:
    cases: int
    events: int
    leads: int = 0


def prepare(
    settings: Settings, count: int, events_per_case: int, lead_count: int = 0
) -> tuple[InstanceSize, list[str]]:
    """Fill a new instance, or bring a kept one to the current schema.

    Returns the instance's size and up to 5,000 case ids of the bench account's team.
    """
    if (settings.data_dir / "havenwatch.db").exists():
        initialise(settings).dispose()
    else:
        fill(settings, count, events_per_case)
    fill_leads(settings, lead_count)
    db = open_database(settings)
    with db.read() as conn:
        team_id = conn.execute(
            select(users.c.team_id).where(users.c.username == "bench")
        ).scalar_one()
        ids = list(
            conn.execute(select(cases.c.id).where(cases.c.team_id == team_id).limit(5000)).scalars()
        )
        size = InstanceSize(
            cases=conn.execute(select(func.count()).select_from(cases)).scalar_one(),
            events=conn.execute(select(func.count()).select_from(events)).scalar_one(),
            leads=conn.execute(select(func.count()).select_from(leads)).scalar_one(),
        )
    db.dispose()
    return size, ids


def start_havenwatch(settings: Settings, port: int, workers: int | None) -> subprocess.Popen[bytes]:
    """`havenwatch serve`, as an operator starts it (workers: its default unless given)."""
    command = [
        sys.executable,
        "-c",
        "from havenwatch.cli import main; main()",
        "--data-dir",
        str(settings.data_dir),
        "--key-file",
        str(settings.key_file),
        "serve",
        "--port",
        str(port),
        *(["--workers", str(workers)] if workers else []),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_datasette(database: Path, port: int) -> subprocess.Popen[bytes]:
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent)) or "datasette"
    command = [
        datasette,
        "serve",
        "--immutable",
        str(database),
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "10000",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Client:
    """One keep-alive HTTP/1.1 connection and its session cookie.

    The standard library's client costs a fraction of httpx's CPU per request: the load
    generator shares the machine's cores with the server, so the lighter it is, the more of
    the measured time is the server's.
    """

    def __init__(self, port: int, cookie: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie

    def get(self, path: str) -> int:
        """GET `path`; a connection the server closed while idle is opened again, once."""
        try:
            return self._get(path)
        except (http.client.RemoteDisconnected, ConnectionError):
            self.connection.close()
            return self._get(path)

    def _get(self, path: str) -> int:
        self.connection.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
        response = self.connection.getresponse()
        response.read()
        return response.status

    def log_in(self) -> Client:
        body = urlencode({"username": "bench", "password": PASSWORD})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.connection.request("POST", "/login", body, headers)
        response = self.connection.getresponse()
        response.read()
        if response.status != 303:
            raise SystemExit("bench login failed")
        self.cookie = (response.getheader("set-cookie") or "").split(";")[0]
        return self


def measure(
    name: str, clients: list[Client], next_path: Callable[[], str], seconds: float
) -> Result:
    """Each client requests in a loop for `seconds`; every response must be a 200."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(client: Client) -> None:
        nonlocal errors
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = client.get(next_path())
            elapsed = time.perf_counter() - started
            if status == 200:
                mine.append(elapsed)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    begun = time.monotonic()
    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, latencies, time.monotonic() - begun, errors)


@dataclass(frozen=True)
class Summary:
    """One page over several rounds: the median of each round's p50, p95 and throughput."""

    name: str
    requests: int
    errors: int
    p50: float
    p95: float
    rps: float


def summarise(rounds: list[Result]) -> Summary:
    return Summary(
        name=rounds[0].name,
        requests=sum(len(result.latencies) for result in rounds),
        errors=sum(result.errors for result in rounds),
        p50=statistics.median(result.p50 for result in rounds),
        p95=statistics.median(result.p95 for result in rounds),
        rps=statistics.median(result.rps for result in rounds),
    )


def verdict(page: Summary, baseline: Summary) -> str:
    """Whether a page meets the target: p95 under TARGET_P95_MS, no errors, Datasette's pace."""
    misses = []
    if page.errors:
        misses.append("errors")
    if not page.p95 < TARGET_P95_MS:
        misses.append(f"p95 ≥ {TARGET_P95_MS:.0f} ms")
    if page.rps < baseline.rps:
        misses.append("slower than Datasette")
    return "[green]yes[/green]" if not misses else "[red]no: " + ", ".join(misses) + "[/red]"


def report(pages: list[Summary], baseline: Summary, size: InstanceSize, rounds: int) -> None:
    table = Table(
        title=f"havenwatch web: {size.cases:,} cases, {size.events:,} events, "
        f"{size.leads:,} leads, "
        f"{CLIENTS} concurrent clients, median of {rounds} round(s)",
        caption=f"Target: p95 under {TARGET_P95_MS:.0f} ms on every page and "
        "throughput no lower than Datasette's on the equivalent list.",
    )
    for column in ("page", "requests", "errors", "p50 ms", "p95 ms", "req/s", "× Datasette"):
        table.add_column(column, justify="left" if column == "page" else "right")
    table.add_column("meets target")
    for page in [*pages, baseline]:
        ratio = page.rps / baseline.rps if baseline.rps else float("nan")
        table.add_row(
            page.name,
            f"{page.requests:,}",
            str(page.errors),
            f"{page.p50:.1f}",
            f"{page.p95:.1f}",
            f"{page.rps:.1f}",
            f"{ratio:.2f}×",
            verdict(page, baseline) if page is not baseline else "baseline",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000, help="demo cases to generate")
    parser.add_argument(
        "--events-per-case",
        type=int,
        default=14,
        help="stories drawn out to about this many events (14: about 10 a case once stories "
        "reaching today are cut, 1,000,000 events for 100,000 cases)",
    )
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the review queue")
    parser.add_argument("--seconds", type=float, default=15.0, help="measuring time per page")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the instance in this folder; a kept one is reused (and migrated) next time",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure every page this many times; report medians"
    )
    parser.add_argument(
        "--workers", type=int, help="server processes (default: `havenwatch serve`'s, one a core)"
    )
    args = parser.parse_args()
    for name in (
        "HAVENWATCH_DATA_DIR",
        "HAVENWATCH_DATABASE_URL",
        "HAVENWATCH_KEY_FILE",
        "HAVENWATCH_DATA_KEY",
    ):
        os.environ.pop(name, None)
    root = args.keep or Path(tempfile.mkdtemp(prefix="havenwatch-bench-"))
    settings = resolve_settings(root / "data", None, root / "keys" / "data.key")
    started = time.monotonic()
    size, case_ids = prepare(settings, args.cases, args.events_per_case, args.leads)
    console.print(f"instance ready in {time.monotonic() - started:.0f} s at {root}")
    hw_port, ds_port = free_port(), free_port()
    servers = [
        start_havenwatch(settings, hw_port, args.workers),
        start_datasette(settings.data_dir / "havenwatch.db", ds_port),
    ]
    try:
        base, datasette = f"http://127.0.0.1:{hw_port}", f"http://127.0.0.1:{ds_port}"
        wait_for(f"{base}/login")
        wait_for(f"{datasette}/")
        clients = [Client(hw_port).log_in() for _ in range(CLIENTS)]
        rng = random.Random(1)
        pages: list[tuple[str, Callable[[], str]]] = [
            ("dashboard", lambda: "/"),
            (
                "filtered case list",
                lambda: f"/cases?status=open&country=RS&event_type={FILTER_TYPE}",
            ),
            ("search", lambda: f"/search?q={rng.choice(demo_data()['pseudonym_words'])}"),
            ("case page", lambda: f"/cases/{rng.choice(case_ids)}"),
            (
                "statistics",
                lambda: f"/statistics?period={rng.choice(STATISTICS_PERIODS)}&country=RS",
            ),
            ("leads (triage list)", lambda: "/leads"),
            (
                "leads by type, sorted by date",
                lambda: f"/leads?type={rng.choice(LEAD_TYPES)}&sort=date",
            ),
        ]
        plain = [Client(ds_port) for _ in range(CLIENTS)]
        table = re.sub(r"\W", "", settings.data_dir.joinpath("havenwatch.db").stem)
        listing = f"/{table}/events?type={FILTER_TYPE}&_size=50"
        measured: dict[str, list[Result]] = {}
        for _ in range(args.rounds):
            for name, path in pages:
                clients[0].get(path())
                measured.setdefault(name, []).append(measure(name, clients, path, args.seconds))
            plain[0].get(listing)
            measured.setdefault(DATASETTE, []).append(
                measure(DATASETTE, plain, lambda: listing, args.seconds)
            )
        baseline = summarise(measured.pop(DATASETTE))
        report([summarise(rounds) for rounds in measured.values()], baseline, size, args.rounds)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
