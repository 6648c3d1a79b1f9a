"""Hypothesis against the importers: any input is imported whole or refused in one line.

CSV files (arbitrary bytes, arbitrary text in several encodings, and rows that look like a
spreadsheet but are wrong in every way) go through `parse_file` and `import_csv_rows`; JSON
export documents with random damage go through `load_document` and `import_document`. Each
either succeeds or raises the project's own error with a one-line message, and a refused
import leaves every table as it was. Dates typed any way give a date or a `ValidationError`. The number of examples tried is printed at the end.
"""

from __future__ import annotations

import codecs
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from havenwatch.access.accounts import add_user
from havenwatch.access.scope import Scope
from havenwatch.cases.bulk import load_files
from havenwatch.cases.csv_import import CANONICAL_COLUMNS, import_csv_rows
from havenwatch.cases.demo import generate
from havenwatch.cases.interchange import export_document, import_document, load_document
from havenwatch.cases.sheet_import import parse_file
from havenwatch.core.dates import parse_day, parse_fuzzy
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.store.database import Database
from tests.helpers import report, snapshot

FUZZ = settings(
    max_examples=int(os.environ.get("HAVENWATCH_FUZZ_EXAMPLES", "80")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: Counter[str] = Counter()

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "latin-1", "koi8-r")
HEADER_WORDS = [
    *CANONICAL_COLUMNS,
    "Псевдоним",
    "Тип события",
    "Pseudonim",
    "Datum",
    "Država",
    "PERSON",
    " person ",
]
CELL_WORDS = [
    "Heron",
    "RS",
    "ru",
    "XX",
    "entry_ban",
    "expulsion_order",
    "no_such_event",
    "2024-09-16",
    "16.09.2024",
    "16 Sep 2024",
    "2024-02-30",
    "31.13.2024",
    "before 2024-10-19",
    "2024-10/2024-01",
    "0",
    "-1",
    "99999999999999999999",
    "border_police",
    "national_security",
    "https://news.example.org/a",
    "javascript:alert(1)",
    "=HYPERLINK(1)",
    "\x00",
    '"',
    "\ufeff",
    "\r",
]


@pytest.fixture(autouse=True, scope="module")
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name, count in sorted(TRIED.items()):
        report(request, f"importer fuzz {name}: {count} examples")


def _text_cells() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(CELL_WORDS),
        st.text(max_size=60),
        st.text(alphabet='",;\t\r\n\x00 ab', max_size=12),
        st.integers(40, 300).map(lambda size: "Ж" * size),
        st.just("x" * 140_000),
    )


@st.composite
def wrong_spreadsheets(draw: st.DrawFn) -> bytes:
    """Spreadsheet-like text: plausible and random headers, cells, quoting and delimiters."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    headers = draw(
        st.lists(st.one_of(st.sampled_from(HEADER_WORDS), st.text(max_size=15)), max_size=14)
    )
    lines = [delimiter.join(headers)]
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.integers(0, len(headers) + 2))
        cells = [draw(_text_cells()) for _ in range(width)]
        quoted = draw(st.booleans())
        lines.append(delimiter.join(f'"{cell}"' if quoted else cell for cell in cells))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return newline.join(lines).encode(encoding, errors="replace")


PLAUSIBLE_CELLS = {
    "person": ["Heron", "Lark", "Цапля", "Vrabac"],
    "full_name": ["", "Oleg Volokhonsky", "Олег Волохонский"],
    "nationality": ["", "RU", "BY"],
    "country": ["RS", "GE", "", "rs"],
    "event_type": ["entry_ban", "expulsion_order", "security_designation", "appeal"],
    "date": ["2024-09-16", "16.09.2024", "16 Sep 2024", "2024-05", "before 2024-10-19", ""],
    "served_on": ["", "18 Sep 2024", "2024-09-20"],
    "authority": ["", "border_police", "interior_ministry"],
    "grounds": ["", "national_security"],
    "deadline_days": ["", "30", "8"],
    "notes": ["", "told to leave", "Ж" * 300],
    "source_url": ["", "https://news.example.org/a", "https://news.example.org/b"],
}


@st.composite
def nearly_valid_spreadsheets(draw: st.DrawFn) -> bytes:
    """The canonical columns with plausible cells, a few of them replaced by something wrong."""
    headers = draw(st.permutations(CANONICAL_COLUMNS))
    lines = [",".join(headers)]
    for _ in range(draw(st.integers(1, 5))):
        cells = [draw(st.sampled_from(PLAUSIBLE_CELLS[header])) for header in headers]
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            cells[draw(st.integers(0, len(cells) - 1))] = draw(_text_cells())
        lines.append(",".join(cells))
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


def _encoded_text() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda text, encoding: text.encode(encoding, errors="replace"),
        st.text(max_size=400),
        st.sampled_from(ENCODINGS),
    )


def csv_files() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=600),
        _encoded_text(),
        wrong_spreadsheets(),
        st.builds(lambda body: codecs.BOM_UTF8 + body, wrong_spreadsheets()),
        nearly_valid_spreadsheets(),
    )


def _assert_refused_cleanly(error: BaseException) -> None:
    assert isinstance(error, HavenwatchError), f"{type(error).__name__}: {error}"
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message


def _refused_or_imported(db: Database, attempt: Callable[[], object], kind: str) -> None:
    before = snapshot(db)
    try:
        attempt()
    except Exception as error:  # the point of the test: any exception is examined
        _assert_refused_cleanly(error)
        assert snapshot(db) == before, "a refused import changed the database"
    else:
        TRIED[f"{kind} (imported)"] += 1


LONG_PSEUDONYM = "person,country,event_type\n" + "Ж" * 250 + ",RS,entry_ban\n"
LATE_NUL = (
    "person,country,event_type,notes\n"
    + "Heron,RS,entry_ban,a\n" * 300
    + "Heron,RS,entry_ban,\x00\n"
)


@FUZZ
@example(data=LONG_PSEUDONYM.encode(), encoding="utf-8")
@example(data=LATE_NUL.encode(), encoding="utf-8")
@given(data=csv_files(), encoding=st.sampled_from(["utf-8", "utf-8", "cp1251", "utf-16"]))
def test_any_csv_file_is_imported_whole_or_refused_in_one_line(
    db: Database, tmp_path: Path, data: bytes, encoding: str
) -> None:
    TRIED["CSV files"] += 1
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)

    def parse_and_import() -> None:
        rows = parse_file(path, encoding=encoding, default_country="RS")
        import_csv_rows(db, rows, "fuzz", team="fuzz", scope=Scope.everything(), origin=str(path))

    _refused_or_imported(db, parse_and_import, "CSV files")


def _base_document(db: Database) -> dict[str, Any]:
    load_files(db, generate(2), "test")
    add_user(db, "fuzz-exporter", "correct horse battery", "caseworker", "fuzz", "test")
    return export_document(db, "test")


@pytest.fixture(scope="module")
def export_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    from havenwatch.core.settings import resolve_settings
    from havenwatch.operations.instance import initialise

    root = tmp_path_factory.mktemp("export")
    source = initialise(resolve_settings(root / "data", None, root / "keys" / "data.key"))
    try:
        return json.dumps(_base_document(source))
    finally:
        source.dispose()


def _identifiers(document: dict[str, Any]) -> set[str]:
    """Values that must be unique per import: ids, usernames and content hashes."""
    found = {user["username"] for user in document.get("users", [])}
    for section in ("users", "people", "cases", "events", "sources"):
        for record in document.get(section, []):
            found.add(record["id"])
            found.update(filter(None, [record.get("content_hash")]))
    return found


def fresh_copy(text: str, number: int) -> dict[str, Any]:
    """The export with every id renamed, so each example inserts new records."""
    document: dict[str, Any] = json.loads(text)
    for identifier in sorted(_identifiers(document), key=len, reverse=True):
        text = text.replace(identifier, f"{identifier[:-6]}{number:06x}")
    renamed: dict[str, Any] = json.loads(text)
    return renamed


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
WRONG_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from(
        [
            "2024-02-30",
            "2024-13-01",
            "0000-01-01",
            "9999-99-99",
            "before",
            "no_such_code",
            "XX",
            "zz",
            "2024-01-01T25:00:00",
            "\x00",
            "x" * 5000,
            -1,
            2**70,
        ]
    ),
    st.integers(50, 400).map(_nested),
)


def _containers(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value)
    if isinstance(value, (dict, list)):
        for key, child in children:
            if isinstance(child, (dict, list)):
                yield from _containers(child, (*path, key))


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def mutations(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """Drop keys, replace values with wrong types, unknown codes, impossible dates, nesting."""
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_containers(document))
        target = _at(document, draw(st.sampled_from(paths)))
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        if draw(st.booleans()) and isinstance(target, dict):
            del target[key]
        else:
            target[key] = draw(WRONG_VALUES)
    return document


@FUZZ
@given(data=st.data())
def test_any_damaged_export_is_imported_whole_or_refused_in_one_line(
    db: Database, export_text: str, data: st.DataObject
) -> None:
    TRIED["JSON documents"] += 1
    document = data.draw(mutations(fresh_copy(export_text, TRIED["JSON documents"])))
    _refused_or_imported(
        db, lambda: import_document(db, document, "fuzz", origin="fuzz.json"), "JSON documents"
    )


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        JSON_VALUES.map(lambda value: json.dumps({"format": "havenwatch-export/1", "x": value})),
        st.integers(1, 100_000).map(lambda depth: "[" * depth + "]" * depth),
        st.integers(1, 100_000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    )
)
def test_any_file_given_as_an_export_is_read_or_refused_in_one_line(
    tmp_path: Path, data: bytes | str
) -> None:
    TRIED["JSON files"] += 1
    path = tmp_path / "fuzz.json"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    try:
        load_document(path)
    except Exception as error:  # any exception is examined
        _assert_refused_cleanly(error)


DATE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-./ befoatrSepJn", max_size=30),
    st.sampled_from(["2024-02-30", "31.13.2024", "before 2024-10-19", "2024/2023", "0000-00-00"]),
)


@FUZZ
@given(text=DATE_TEXT)
def test_any_typed_date_is_a_date_or_a_validation_error(text: str) -> None:
    TRIED["typed dates"] += 1
    for parse in (parse_fuzzy, parse_day):
        try:
            parse(text, "date")
        except ValidationError as error:
            assert "\n" not in str(error)
