"""Shared helpers for the protection tests: one canary person with everything that identifies them."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from PIL import Image

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.custom_fields import define_field, list_fields, set_values
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cases.vault import Document, store_document
from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database

FULL_NAME = "Zlatoslava Quennington-Vrbikova"
CYRILLIC_NAME = "Златослава Кверингтонова"
BIRTH_DATE = dt.date(1987, 3, 14)
CONTACT = "+381 64 555 0199 zlatoslava.qv@example.org"
ADDRESS = "Ulica Nebojsina 77, Beograd"
PASSPORT = "PX7731992"
PERSON_NOTE = "Personal note: sister lives in Tver, fears reprisals"
CASE_NOTE = "Case note: hearing moved after lawyer Gribovskaya called"
EVENT_NOTE = "Event note: served by inspector Milutinovic at night"
DOCUMENT_TEXT = "DECISION-SENTINEL-8841 expulsion of the bearer of passport"
DOCUMENT_NAME = "Quennington_decision_scan.txt"
# Values of identifying fields the canary's team defined (sealed with the person's key).
CUSTOM_CITY = "Petrovaradin-Kvrzica 4471"
CUSTOM_DECISION = "03-26-QV-1187/25"
CUSTOM_COURT_FILE = "U-QV-5512/25"
CUSTOM_FIELDS = (
    FieldDefinition("city", "person", "text", {"en": "City"}, identifying=True),
    FieldDefinition("decision_number", "case", "text", {"en": "Decision number"},
                    identifying=True),
    FieldDefinition("court_file", "event", "text", {"en": "Court file"}, identifying=True),
)  # fmt: skip
# Words only inside uploaded files (a PDF in Latin, a Word file in Cyrillic): what is read from
# a document must be as sealed as the document.
EXTRACTED_LATIN = "Kvernigradsko"
EXTRACTED_CYRILLIC = "Вербикорадско"

NEEDLES = [
    FULL_NAME,
    "Zlatoslava",
    "Quennington",
    CYRILLIC_NAME,
    "Златослава",
    "Кверингтонова",
    BIRTH_DATE.isoformat(),
    "14.03.1987",
    CONTACT,
    "555 0199",
    "zlatoslava.qv",
    ADDRESS,
    "Nebojsina",
    PASSPORT,
    PERSON_NOTE,
    "Tver",
    CASE_NOTE,
    "Gribovskaya",
    EVENT_NOTE,
    "Milutinovic",
    DOCUMENT_TEXT,
    "DECISION-SENTINEL-8841",
    DOCUMENT_NAME,
    CUSTOM_CITY,
    "Kvrzica",
    CUSTOM_DECISION,
    "QV-1187",
    CUSTOM_COURT_FILE,
    "QV-5512",
    EXTRACTED_LATIN,
    EXTRACTED_CYRILLIC,
]


def encodings(needle: str) -> list[bytes]:
    """Every byte form a string could take on disk or in a log."""
    forms = {needle, needle.lower(), needle.upper()}
    result: list[bytes] = []
    for form in forms:
        for codec in ("utf-8", "utf-16-le", "utf-16-be"):
            result.append(form.encode(codec))
    return result


def find_needles(blob: bytes) -> list[str]:
    return [needle for needle in NEEDLES if any(form in blob for form in encodings(needle))]


@dataclass
class Canary:
    person_id: str
    case_id: str
    event_id: str
    document: Document


def canary_identity() -> Identity:
    return Identity(
        full_name=FULL_NAME,
        other_names=[CYRILLIC_NAME],
        date_of_birth=BIRTH_DATE,
        contact=CONTACT,
        address=ADDRESS,
        document_numbers=[PASSPORT],
        notes=PERSON_NOTE,
    )


def add_canary(db: Database, settings: Settings, actor: str = "tester") -> Canary:
    """A person with every kind of identifying data, a case, an event and a document, and a
    value of an identifying field of their team on each of the three records."""
    defined = {(f.applies_to, f.key) for f in list_fields(db, scope=Scope.everything())}
    for definition in CUSTOM_FIELDS:
        if (definition.applies_to, definition.key) not in defined:
            define_field(db, definition, actor, team="default", scope=Scope.everything())
    person = add_person(
        db,
        Person(pseudonym="Client A-17", identity=canary_identity(), nationality="RU"),
        actor,
        scope=Scope.everything(),
        custom={"city": CUSTOM_CITY},
    )
    assert person.id is not None
    case = add_case(
        db,
        Case(person_id=person.id, country="RS", notes=CASE_NOTE),
        actor,
        scope=Scope.everything(),
        custom={"decision_number": CUSTOM_DECISION},
    )
    assert case.id is not None
    event = add_event(
        db,
        Event(case_id=case.id, type="entry_ban", notes=EVENT_NOTE),
        actor,
        scope=Scope.everything(),
    )
    assert event.id is not None
    custom = {"court_file": CUSTOM_COURT_FILE}
    set_values(db, "event", event.id, custom, actor, scope=Scope.everything())
    document = store_document(
        db,
        settings,
        case_id=case.id,
        filename=DOCUMENT_NAME,
        data=DOCUMENT_TEXT.encode(),
        actor=actor,
        event_id=event.id,
        scope=Scope.everything(),
    )
    return Canary(person.id, case.id, event.id, document)


def add_plain_person(db: Database, name: str, actor: str = "tester") -> tuple[str, str]:
    """A person with a name and one case; returns their id and the case id."""
    person = add_person(
        db,
        Person(pseudonym=f"P-{name[:3]}", identity=Identity(full_name=name)),
        actor,
        scope=Scope.everything(),
    )
    assert person.id is not None
    case = add_case(
        db,
        Case(person_id=person.id, country="RS", notes=f"note on {name}"),
        actor,
        scope=Scope.everything(),
    )
    assert case.id is not None
    return person.id, case.id


def jpeg_with_gps(secret: str) -> bytes:
    """A small JPEG whose EXIF carries a GPS position and an artist name."""
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = secret  # Artist
    exif[0x010E] = secret  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (44.0, 49.0, 12.0)
    gps[3], gps[4] = "E", (20.0, 27.0, 33.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=secret.encode())
    return buffer.getvalue()
