"""A publishable release of anonymised counts, and its CSV and JSON forms.

Only categorical codes (ISO country codes, event-type codes, periods) and counts appear:
nothing the release holds could be a name, an id or free text. Zero counts and suppressed
entries are both left out, so a missing combination reads "0 or suppressed" and the release
never confirms that a hidden combination exists.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from havenwatch.core.csv_cells import SafeWriter
from havenwatch.reports.suppression import TOTAL

FORMAT = "havenwatch-anonymised/1"
COLUMNS = (
    "period",
    "period_precision",
    "event_type",
    "nationality",
    "host_country",
    "people",
    "grounds",
)
NOTES = (
    "Counts are people, not events: a person with several events of one type in one period "
    "counts once in that cell.",
    f"'{TOTAL}' rows are totals of the cells of their slice (event type x period); a person "
    "with the same event in two host countries in one period counts in both.",
    "Dates are generalised to the calendar month. Events dated less precisely than a month "
    "are counted only at their real precision: under the year (period_precision 'year', "
    "month unknown) or under period 'unknown'; those slices are not totals of the months.",
    "A combination that does not appear has 0 people or was suppressed.",
    "No totals across periods or event types are published: add them up at your own risk, "
    "people with several events would be counted more than once.",
    f"Rows with a grounds code count the people of a measure's slice by the grounds given for "
    f"it, over every nationality and host country ('{TOTAL}'); every other row has "
    f"grounds '{TOTAL}'. Grounds rows are suppressed like any other entry; a person whose "
    "measures of one slice gave two grounds counts under both, so they need not add up to "
    "the slice's total.",
)

LEVELS_NOTE = (
    "Each event type is published at one level 'period/nationality/host': period month, year "
    "or all (the whole record); nationality code, other (nationalities with fewer than k "
    "people grouped as OTHER) or none (totals only); host country, region or none (totals "
    "only). The finest level at which each slice is published whole or withheld whole (fewer "
    "than k people in it), and the published slices count most people, is used."
)


@dataclass(frozen=True)
class PublishedCount:
    period: str
    period_precision: str
    event_type: str
    nationality: str
    host_country: str
    people: int
    grounds: str = TOTAL


@dataclass(frozen=True)
class Shortfall:
    """An entry withheld for being under k, and how many more people would publish it.

    Told to the publisher only (who may see the records anyway), never written in the release:
    "3 more people" would give the hidden count away.
    """

    event_type: str
    period: str
    nationality: str
    host_country: str
    more_people: int
    grounds: str = TOTAL

    def sentence(self) -> str:
        people = "person" if self.more_people == 1 else "people"
        where = (
            f"nationality {self.nationality}, host {self.host_country}"
            if self.grounds == TOTAL
            else f"grounds {self.grounds}"
        )
        return (
            f"{self.event_type}, {self.period}, {where}: {self.more_people} more {people} "
            "would make this cell publishable"
        )


@dataclass(frozen=True)
class AnonymisedRelease:
    """What `anonymised_export` returns: the published counts and how they were protected.

    A published release (`reports.publication`) also carries its version number and the day
    it was published; an on-demand export has neither.
    """

    k: int
    counts: tuple[PublishedCount, ...]
    suppressed_cells: int
    suppressed_totals: int
    version: int | None = None
    published: str | None = None
    scheme: str = "monthly"
    levels: tuple[tuple[str, str], ...] = ()
    shortfalls: tuple[Shortfall, ...] = field(default=(), compare=False, repr=False)
    suppressed_grounds: int = 0

    def as_version(self, version: int, published: str) -> AnonymisedRelease:
        return replace(self, version=version, published=published)

    @classmethod
    def from_json(cls, text: str) -> AnonymisedRelease:
        """The release a `to_json` text describes (a stored published version)."""
        document: dict[str, Any] = json.loads(text)
        return cls(
            k=int(document["k"]),
            counts=tuple(PublishedCount(**count) for count in document["counts"]),
            suppressed_cells=int(document["suppressed_cells"]),
            suppressed_totals=int(document["suppressed_totals"]),
            version=document.get("version"),
            published=document.get("published"),
            scheme=str(document.get("scheme", "monthly")),
            levels=tuple((str(t), str(level)) for t, level in document.get("levels", {}).items()),
            suppressed_grounds=int(document.get("suppressed_grounds", 0)),
        )

    def method(self) -> str:
        return (
            f"cells and totals of fewer than k={self.k} people (but more than 0) suppressed, "
            "plus secondary suppression (each hidden entry on a rectangle of hidden entries, "
            "nested in k); see docs/anonymisation.md"
        )

    def header(self) -> dict[str, object]:
        frozen = {"version": self.version, "published": self.published}
        return {
            "format": FORMAT,
            **({} if self.version is None else frozen),
            "k": self.k,
            "suppressed_cells": self.suppressed_cells,
            "suppressed_totals": self.suppressed_totals,
            "suppressed_grounds": self.suppressed_grounds,
            "method": self.method(),
            "notes": list(NOTES),
            **self._generalisation(),
        }

    def _generalisation(self) -> dict[str, object]:
        """How each event type was generalised (generalised releases only)."""
        if self.scheme != "generalised":
            return {}
        return {"scheme": self.scheme, "levels": dict(self.levels), "ladder_note": LEVELS_NOTE}

    def to_json(self) -> str:
        document = {**self.header(), "counts": [asdict(count) for count in self.counts]}
        return json.dumps(document, ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        """CSV with a '#' preamble stating k, the suppressed counts and the method."""
        out = io.StringIO()
        out.write(f"# {FORMAT}\n")
        if self.version is not None:
            out.write(f"# version={self.version}\n# published={self.published}\n")
        out.write(f"# k={self.k}\n")
        out.write(f"# suppressed_cells={self.suppressed_cells}\n")
        out.write(f"# suppressed_totals={self.suppressed_totals}\n")
        out.write(f"# suppressed_grounds={self.suppressed_grounds}\n")
        out.write(f"# method: {self.method()}\n")
        out.writelines(f"# note: {note}\n" for note in NOTES)
        if self.scheme == "generalised":
            out.write(f"# scheme={self.scheme}\n# note: {LEVELS_NOTE}\n")
            out.writelines(f"# level: {event_type}={level}\n" for event_type, level in self.levels)
        writer = SafeWriter(out)
        writer.writerow(COLUMNS)
        writer.writerows(tuple(getattr(c, column) for column in COLUMNS) for c in self.counts)
        return out.getvalue()
