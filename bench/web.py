"""Web workspace benchmark: p50/p95 latency and throughput under 16 concurrent clients.

Fills an instance with the demo generator (default 100,000 cases ending today, drawn out to
about 1,000,000 events), starts `havenwatch serve` in a subprocess, logs 16 clients in as a
caseworker and measures the dashboard, a filtered case list, the case list sorted by next
deadline, page 100 of the case list (as its "Next" link gives it), a full-text search, case
pages, the statistics page (a year or a quarter of one host country) and the review queue
(`--leads`, default 100,000 leads stored as ingest stores them: sealed, name-indexed,
matched; the triage list newest first, and filtered by type and sorted by event date);
each client keeps one connection of the standard library's HTTP client alive. The
baseline, in the same run, is Datasette with its default settings serving the same SQLite
file's events table with the same filter (event type), as an HTML page; the same page with
`_nofacet=1&_nocount=1` is a second row. The table says, page by page, whether the target (p95
at most 50 ms, at least ten times Datasette's default throughput) is met.

Filling 100,000 cases takes minutes: `--keep DIR` keeps the instance, and a later run with
the same folder migrates and reuses it, measuring only. `--rounds N` measures every page N
times and reports the medians, for a machine shared with other work. `--workers N` passes
`--workers N` to `havenwatch serve` (default: its own, one worker per CPU core).

`--profile` measures no load: it builds the app in this process and requests each page
`--profile-requests` times, one at a time, and prints per page the median request's SQL
statement count and its time split between SQL (SQLAlchemy's cursor events), templates
(Jinja's `Template.render`) and the rest of the Python (the app's time less both).

    .venv/bin/python bench/web.py --cases 5000 --seconds 10
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --rounds 3
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --workers 1
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --profile
    .venv/bin/python bench/web.py --keep /tmp/hw-bench --profile --pages leads

`--pages TEXT` measures only the pages whose name contains TEXT.
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
from typing import Any
from urllib.parse import urlencode

import httpx
import jinja2
from fastapi.testclient import TestClient
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.engine.cursor import CursorFetchStrategy
from sqlalchemy.engine.default import DefaultDialect

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
from havenwatch.web.app import create_app

CLIENTS = 16
PASSWORD = "measuring 16 clients"  # noqa: S105 - a throwaway account in a temporary instance
FILTER_TYPE = "entry_ban"
STATISTICS_PERIODS = ("2024", "2025", "2025-Q2", "2024-Q4")
LEAD_TYPES = ("entry_ban", "residence_revoked", "expulsion_order", "detention", "deportation")
LEADS_PER_REPORT = 10
LEAD_BATCH = 1000
DEEP_PAGE = 100
TARGET_P95_MS = 50.0
TARGET_SPEEDUP = 10.0
# The anchor is Datasette as it ships (default settings: its facet suggestions and full count
# included), on the same file and filter; the same page without facets and count is shown
# beside it for reference.
DATASETTE = "Datasette events?type= (default settings)"
DATASETTE_LEAN = "Datasette, _nofacet=1&_nocount=1"
LEAN = "&_nofacet=1&_nocount=1"
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


@dataclass(frozen=True)
class Prepared:
    """The instance measured: its size, case ids of the bench team, and a deep page's cursor."""

    size: InstanceSize
    case_ids: list[str]
    deep_cursor: str


def prepare(settings: Settings, count: int, events_per_case: int, lead_count: int = 0) -> Prepared:
    """Fill a new instance, or bring a kept one to the current schema.

    Returns the instance's size, up to 5,000 case ids of the bench account's team, and the
    cursor of the case list's page 100 (where page 99 ends, newest first).
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
        team = cases.c.team_id == team_id
        ids = list(conn.execute(select(cases.c.id).where(team).limit(5000)).scalars())
        newest = (cases.c.opened_on.desc(), cases.c.id.desc())
        ending = conn.execute(
            select(cases.c.opened_on, cases.c.id)
            .where(team)
            .order_by(*newest)
            .offset((DEEP_PAGE - 1) * 50 - 1)
            .limit(1)
        ).first()
        size = InstanceSize(
            cases=conn.execute(select(func.count()).select_from(cases)).scalar_one(),
            events=conn.execute(select(func.count()).select_from(events)).scalar_one(),
            leads=conn.execute(select(func.count()).select_from(leads)).scalar_one(),
        )
    db.dispose()
    cursor = f"o{ending.opened_on.isoformat()}~{ending.id}" if ending else ""
    return Prepared(size, ids, cursor)


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
    """Whether a page meets the target: p95 at most TARGET_P95_MS, no errors, and at least
    TARGET_SPEEDUP times the requests per second of Datasette with its default settings."""
    misses = []
    if page.errors:
        misses.append("errors")
    if not page.p95 <= TARGET_P95_MS:
        misses.append(f"p95 > {TARGET_P95_MS:.0f} ms")
    if page.rps < TARGET_SPEEDUP * baseline.rps:
        misses.append(f"under {TARGET_SPEEDUP:.0f}× Datasette")
    return "[green]yes[/green]" if not misses else "[red]no: " + ", ".join(misses) + "[/red]"


def report(
    pages: list[Summary], baseline: Summary, size: InstanceSize, rounds: int, lean: Summary
) -> None:
    table = Table(
        title=f"havenwatch web: {size.cases:,} cases, {size.events:,} events, "
        f"{size.leads:,} leads, "
        f"{CLIENTS} concurrent clients, median of {rounds} round(s)",
        caption=f"Target: p95 at most {TARGET_P95_MS:.0f} ms on every page and at least "
        f"{TARGET_SPEEDUP:.0f}× the throughput of Datasette (default settings) on the "
        "equivalent list.",
    )
    for column in ("page", "requests", "errors", "p50 ms", "p95 ms", "req/s", "× Datasette"):
        table.add_column(column, justify="left" if column == "page" else "right")
    table.add_column("meets target")
    for page in [*pages, baseline, lean]:
        ratio = page.rps / baseline.rps if baseline.rps else float("nan")
        table.add_row(
            page.name,
            f"{page.requests:,}",
            str(page.errors),
            f"{page.p50:.1f}",
            f"{page.p95:.1f}",
            f"{page.rps:.1f}",
            f"{ratio:.2f}×",
            "baseline" if page is baseline else "" if page is lean else verdict(page, baseline),
        )
    console.print(table)


@dataclass
class Costs:
    """What one request spent: SQL statements and seconds in SQL, in templates, in all."""

    statements: int = 0
    sql: float = 0.0
    commit: float = 0.0
    template: float = 0.0
    total: float = 0.0

    @property
    def python(self) -> float:
        return max(0.0, self.total - self.sql - self.commit - self.template)


class Profiler:
    """SQL and template time of the request running now (requests run one at a time).

    SQLAlchemy's cursor events time each statement of every engine of this process, its
    fetch strategy the reading of the rows (SQLite steps a statement on while its rows are
    fetched), and the dialect's `do_commit` each commit (waiting for the disk); Jinja's
    `Template.render` is wrapped for the template time; the ASGI app is wrapped for the
    request's own time, without the test client's.
    """

    def __init__(self) -> None:
        self.now = Costs()
        self.started: dict[int, float] = {}
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)
        render = jinja2.Template.render
        profiler = self

        def timed_render(template: jinja2.Template, *args: object, **kwargs: object) -> str:
            began = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                profiler.now.template += time.perf_counter() - began

        setattr(jinja2.Template, "render", timed_render)  # noqa: B010 - wraps the method for all
        commit: Callable[[DefaultDialect, Any], None] = DefaultDialect.do_commit

        def timed_commit(dialect: DefaultDialect, dbapi_connection: Any) -> None:
            began = time.perf_counter()
            try:
                commit(dialect, dbapi_connection)
            finally:
                profiler.now.commit += time.perf_counter() - began

        setattr(DefaultDialect, "do_commit", timed_commit)  # noqa: B010 - for every engine
        for name in ("fetchone", "fetchmany", "fetchall"):
            setattr(
                CursorFetchStrategy, name, self._timed_fetch(getattr(CursorFetchStrategy, name))
            )

    def _timed_fetch(self, fetch: Callable[..., Any]) -> Callable[..., Any]:
        """Rows read after the first: SQLite runs the statement on as they are fetched."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fetch(*args, **kwargs)
            finally:
                self.now.sql += time.perf_counter() - began

        return timed

    def _before(self, conn: object, *_: object) -> None:
        self.started[id(conn)] = time.perf_counter()

    def _after(self, conn: object, *_: object) -> None:
        began = self.started.pop(id(conn), None)
        if began is not None:
            self.now.statements += 1
            self.now.sql += time.perf_counter() - began

    def timed(self, app: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapper(scope: Any, receive: Any, send: Any) -> None:
            began = time.perf_counter()
            try:
                await app(scope, receive, send)
            finally:
                self.now.total += time.perf_counter() - began

        return wrapper

    def request(self, client: TestClient, path: str) -> Costs:
        self.now = Costs()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        return self.now


@dataclass(frozen=True)
class PageProfile:
    name: str
    requests: int
    statements: float
    total_ms: float
    sql_ms: float
    commit_ms: float
    template_ms: float
    python_ms: float


def profile_pages(
    settings: Settings, pages: list[tuple[str, Callable[[], str]]], requests: int
) -> list[PageProfile]:
    """Each page `requests` times in this process, after one warm-up request; medians."""
    profiler = Profiler()
    app = create_app(settings)
    client = TestClient(profiler.timed(app), base_url="http://localhost")
    body = {"username": "bench", "password": PASSWORD}
    if client.post("/login", data=body, follow_redirects=False).status_code != 303:
        raise SystemExit("bench login failed")
    found = []
    for name, path in pages:
        profiler.request(client, path())
        costs = [profiler.request(client, path()) for _ in range(requests)]
        found.append(
            PageProfile(
                name=name,
                requests=requests,
                statements=statistics.median(c.statements for c in costs),
                total_ms=statistics.median(c.total for c in costs) * 1000,
                sql_ms=statistics.median(c.sql for c in costs) * 1000,
                commit_ms=statistics.median(c.commit for c in costs) * 1000,
                template_ms=statistics.median(c.template for c in costs) * 1000,
                python_ms=statistics.median(c.python for c in costs) * 1000,
            )
        )
    client.close()
    app.state.db.dispose()
    return found


def report_profile(found: list[PageProfile], size: InstanceSize) -> None:
    table = Table(
        title=f"havenwatch web profile: {size.cases:,} cases, {size.events:,} events, "
        "one request at a time, medians per request",
        caption="app ms: the request inside the app (middleware included); commit: waiting "
        "for the disk; Python: app time less SQL, commits and templates.",
    )
    columns = ("requests", "SQL statements", "app ms", "SQL ms", "commit ms", "template ms")
    table.add_column("page")
    for column in (*columns, "Python ms"):
        table.add_column(column, justify="right")
    for page in found:
        table.add_row(
            page.name,
            str(page.requests),
            f"{page.statements:.0f}",
            f"{page.total_ms:.2f}",
            f"{page.sql_ms:.2f}",
            f"{page.commit_ms:.2f}",
            f"{page.template_ms:.2f}",
            f"{page.python_ms:.2f}",
        )
    console.print(table)


def bench_pages(prepared: Prepared, rng: random.Random) -> list[tuple[str, Callable[[], str]]]:
    """The pages measured, each a function giving the next address to request.

    Page 100 of the case list is asked for as its "Next" link gives it (with the cursor where
    page 99 ended; a version without cursors reads the page number alone).
    """
    deep = urlencode({"page": DEEP_PAGE, "after": prepared.deep_cursor})
    return [
        ("dashboard", lambda: "/"),
        (
            "filtered case list",
            lambda: f"/cases?status=open&country=RS&event_type={FILTER_TYPE}",
        ),
        ("case list by next deadline", lambda: "/cases?sort=next_deadline"),
        (f"case list, page {DEEP_PAGE}", lambda: f"/cases?{deep}"),
        ("search", lambda: f"/search?q={rng.choice(demo_data()['pseudonym_words'])}"),
        ("case page", lambda: f"/cases/{rng.choice(prepared.case_ids)}"),
        (
            "statistics",
            lambda: f"/statistics?period={rng.choice(STATISTICS_PERIODS)}&country=RS",
        ),
        ("leads (triage list)", lambda: "/leads"),
        (
            "leads by type, sorted by date",
            lambda: f"/leads?type={rng.choice(LEAD_TYPES)}&sort=date",
        ),
        ("leads sorted by date", lambda: "/leads?sort=date"),
        ("leads sorted by type", lambda: "/leads?sort=type"),
        ("leads sorted by language", lambda: "/leads?sort=language"),
        ("leads sorted by match", lambda: "/leads?sort=match"),
        ("leads, page 20", lambda: "/leads?page=20"),
    ]


def _chosen(
    pages: list[tuple[str, Callable[[], str]]], wanted: str
) -> list[tuple[str, Callable[[], str]]]:
    return [(name, path) for name, path in pages if wanted in name]


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
    parser.add_argument(
        "--profile",
        action="store_true",
        help="no load: SQL statements and SQL, template and Python time per request of each page",
    )
    parser.add_argument(
        "--profile-requests", type=int, default=50, help="requests per page with --profile"
    )
    parser.add_argument(
        "--pages", default="", help="only the pages whose name contains this text (`leads`)"
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
    prepared = prepare(settings, args.cases, args.events_per_case, args.leads)
    size = prepared.size
    console.print(f"instance ready in {time.monotonic() - started:.0f} s at {root}")
    if args.profile:
        pages = _chosen(bench_pages(prepared, random.Random(1)), args.pages)
        report_profile(profile_pages(settings, pages, args.profile_requests), size)
        return
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
        pages = _chosen(bench_pages(prepared, random.Random(1)), args.pages)
        plain = [Client(ds_port) for _ in range(CLIENTS)]
        table = re.sub(r"\W", "", settings.data_dir.joinpath("havenwatch.db").stem)
        listing = f"/{table}/events?type={FILTER_TYPE}&_size=50"
        measured: dict[str, list[Result]] = {}
        for _ in range(args.rounds):
            for name, path in pages:
                clients[0].get(path())
                measured.setdefault(name, []).append(measure(name, clients, path, args.seconds))
            for name, address in ((DATASETTE, listing), (DATASETTE_LEAN, listing + LEAN)):
                plain[0].get(address)
                measured.setdefault(name, []).append(
                    measure(name, plain, lambda address=address: address, args.seconds)
                )
        baseline = summarise(measured.pop(DATASETTE))
        lean = summarise(measured.pop(DATASETTE_LEAN))
        pages_measured = [summarise(rounds) for rounds in measured.values()]
        report(pages_measured, baseline, size, args.rounds, lean)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
