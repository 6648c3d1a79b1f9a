"""Open data: the release as CSV, JSON and SQLite with a codebook, served by Datasette as it is
(a real process), with stable cell identifiers and nothing identifying in any file."""

from __future__ import annotations

import csv
import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import generate
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.reports.open_data import DATABASE, cell_id, codebook, write_open_data
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.release import AnonymisedRelease

TITLE = "Test open data"
DATASETTE = Path(sys.executable).with_name("datasette")


POPULATION = list(generate(600, seed=7, upto=date(2025, 12, 31)))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> AnonymisedRelease:
    base = tmp_path_factory.mktemp("open-data-instance")
    db = initialise(resolve_settings(base / "data", None, base / "keys" / "k.key"))
    try:
        load_files(db, iter(POPULATION), "test")
        return anonymised_export(db, 5)
    finally:
        db.dispose()


def test_every_file_holds_the_same_cells_with_stable_ids(
    release: AnonymisedRelease, tmp_path: Path
) -> None:
    assert release.counts, "the demo population should publish something at k=5"
    write_open_data(release, tmp_path, title=TITLE)
    with (tmp_path / "counts.csv").open(encoding="utf-8") as handle:
        from_csv = {row["cell_id"]: int(row["people"]) for row in csv.DictReader(handle)}
    document = json.loads((tmp_path / "counts.json").read_text("utf-8"))
    from_json = {cell["cell_id"]: cell["people"] for cell in document["counts"]}
    with sqlite3.connect(tmp_path / DATABASE) as conn:
        from_sqlite = dict(conn.execute("SELECT cell_id, people FROM counts").fetchall())
    expected = {cell_id(count): count.people for count in release.counts}
    assert from_csv == from_json == from_sqlite == expected
    assert document["k"] == 5 and document["licence"]


def test_the_codebook_explains_every_code_in_the_counts(
    release: AnonymisedRelease, tmp_path: Path
) -> None:
    write_open_data(release, tmp_path, title=TITLE)
    explained = {(entry.field, entry.code) for entry in codebook()}
    for count in release.counts:
        assert ("event_type", count.event_type) in explained
        assert ("period_precision", count.period_precision) in explained
        assert count.grounds == "ALL" or ("grounds", count.grounds) in explained
    assert any(count.grounds != "ALL" for count in release.counts), "grounds are published"
    markdown = (tmp_path / "codebook.md").read_text("utf-8")
    assert "host state" in markdown and "people, not events" in markdown


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def datasette(release: AnonymisedRelease, tmp_path: Path) -> Iterator[str]:
    write_open_data(release, tmp_path, title=TITLE)
    port = free_port()
    command = [str(DATASETTE), str(tmp_path / DATABASE), "-m", str(tmp_path / "metadata.json")]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not DATASETTE.exists(), reason="Datasette is a development dependency")
def test_datasette_serves_the_file_with_its_descriptions(
    datasette: str, release: AnonymisedRelease
) -> None:
    database = Path(DATABASE).stem
    tables = httpx.get(f"{datasette}/{database}.json", timeout=30).json()
    assert {table["name"] for table in tables["tables"]} == {"counts", "codebook"}
    metadata = httpx.get(f"{datasette}/-/metadata.json", timeout=30).json()
    columns = metadata["databases"][database]["tables"]["counts"]["columns"]
    assert set(columns) == {"cell_id", "period", "period_precision", "event_type",
                            "nationality", "host_country", "people", "grounds"}  # fmt: skip
    rows = httpx.get(f"{datasette}/{database}/counts.json?_shape=array&_size=max", timeout=30)
    assert len(rows.json()) == min(len(release.counts), 1000)
    page = httpx.get(f"{datasette}/{database}/counts", timeout=30).text
    assert "Stable id of the cell" in page or "period:precision" in page


def test_nothing_identifying_is_in_any_open_data_file(
    release: AnonymisedRelease, tmp_path: Path
) -> None:
    write_open_data(release, tmp_path, title=TITLE)
    people = [demo.person for demo in POPULATION]
    words = {person.pseudonym for person in people}
    words |= {person.identity.full_name for person in people if person.identity}
    words |= {demo.case.title for demo in POPULATION}
    for path in tmp_path.iterdir():
        text = path.read_bytes().decode("utf-8", "replace")
        assert not [word for word in words if word and word in text], path.name


def test_the_command_exports_a_published_release_and_refuses_when_none_is(
    tmp_path: Path,
) -> None:
    base = ["--data-dir", str(tmp_path / "data"), "--key-file", str(tmp_path / "k.key")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "havenwatch", *base, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)

    assert run("init").returncode == 0
    refused = run("export-open-data", str(tmp_path / "out"))
    assert refused.returncode != 0 and "release publish" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run("release", "publish").returncode == 0
    exported = run("export-open-data", str(tmp_path / "out"))
    assert exported.returncode == 0, exported.stderr
    assert {path.name for path in (tmp_path / "out").iterdir()} == {
        "counts.csv", "counts.json", "metadata.json", "codebook.md", DATABASE,
    }  # fmt: skip
    assert "release 1" in json.loads((tmp_path / "out" / "counts.json").read_text())["title"]
