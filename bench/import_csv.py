"""How fast a spreadsheet of 10,000 events imports into SQLite (target: under 10 s).

Generates a fixed CSV from the demo generator, then times `parse_file` + `import_csv_rows` into a
fresh instance. Baseline in the same run: inserting the same rows with sqlite3 executemany into
a bare table, so the ratio shows the cost of validation, encryption and the audit trail.

    .venv/bin/python bench/import_csv.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from havenwatch.access.scope import Scope
from havenwatch.cases.csv_import import CANONICAL_COLUMNS, import_csv_rows
from havenwatch.cases.demo import generate
from havenwatch.cases.sheet_import import parse_file
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise

HEADERS = list(CANONICAL_COLUMNS)


def write_sheet(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        written = 0
        for item in generate(rows, seed=99):
            for event in item.events:
                day = event.date.exact if event.date else None
                writer.writerow(
                    [
                        item.person.pseudonym,
                        item.person.identity.full_name,
                        item.person.nationality,
                        item.case.country,
                        event.type,
                        day.strftime("%d.%m.%Y") if day else "",
                        event.served_on.isoformat() if event.served_on else "",
                        event.authority or "",
                        event.grounds or "",
                        event.deadline_days or "",
                        "imported from the bench",
                        "",
                    ]
                )
                written += 1
                if written == rows:
                    return


def baseline(path: Path, directory: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        rows = [tuple(row) for row in csv.reader(handle)][1:]
    conn = sqlite3.connect(directory / "baseline.db")
    conn.execute(f"CREATE TABLE events ({', '.join(HEADERS)})")
    conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(HEADERS))})", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        sheet = directory / "events.csv"
        write_sheet(sheet, args.rows)
        db = initialise(resolve_settings(directory / "data", None, directory / "keys" / "k.key"))
        start = time.perf_counter()
        summary = import_csv_rows(db, parse_file(sheet), "bench", scope=Scope.everything())
        elapsed = time.perf_counter() - start
        base = baseline(sheet, directory)
    table = Table(title=f"CSV import of {summary.events:,} event rows (SQLite)")
    for column in ("what", "seconds", "rows/s", "× baseline"):
        table.add_column(column)
    table.add_row(
        "havenwatch import",
        f"{elapsed:.2f}",
        f"{summary.events / elapsed:,.0f}",
        f"{elapsed / base:.1f}",
    )
    table.add_row(
        "sqlite3 executemany (baseline)", f"{base:.2f}", f"{summary.events / base:,.0f}", "1.0"
    )
    Console().print(table)
    verdict = "meets" if elapsed < 10 else "MISSES"
    Console().print(f"{verdict} the 10 s target for {summary.events:,} rows")


if __name__ == "__main__":
    main()
