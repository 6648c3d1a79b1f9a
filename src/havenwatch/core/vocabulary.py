"""The controlled vocabulary shared by cases, extraction, statistics and the web.

It lives in one data file, `havenwatch/data/vocabulary.json`, so every part of the product
agrees on what an event type, authority or grounds code means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Vocabulary:
    event_types: tuple[str, ...]
    decision_event_types: frozenset[str]
    event_labels: dict[str, str]
    authorities: tuple[str, ...]
    grounds: tuple[str, ...]
    aggregate_qualifiers: tuple[str, ...]
    origin_state_link: tuple[str, ...]
    case_statuses: tuple[str, ...]
    consent: tuple[str, ...]
    risk_levels: tuple[str, ...]
    outcomes: tuple[str, ...]
    genders: tuple[str, ...]
    document_types: tuple[str, ...]


def _build(raw: dict[str, Any]) -> Vocabulary:
    types = raw["event_types"]
    return Vocabulary(
        event_types=tuple(types),
        decision_event_types=frozenset(code for code, spec in types.items() if spec["decision"]),
        event_labels={code: spec["label"] for code, spec in types.items()},
        authorities=tuple(raw["authorities"]),
        grounds=tuple(raw["grounds"]),
        aggregate_qualifiers=tuple(raw["aggregate_qualifiers"]),
        origin_state_link=tuple(raw["origin_state_link"]),
        case_statuses=tuple(raw["case_statuses"]),
        consent=tuple(raw["consent"]),
        risk_levels=tuple(raw["risk_levels"]),
        outcomes=tuple(raw["outcomes"]),
        genders=tuple(raw["genders"]),
        document_types=tuple(raw["document_types"]),
    )


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, read once per process."""
    text = resources.files("havenwatch.data").joinpath("vocabulary.json").read_text("utf-8")
    return _build(json.loads(text))
