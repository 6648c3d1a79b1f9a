"""Run the configured components over a text and build the contract object.

The components and their settings come from `pipeline.json` beside this file (config as
data); importing the component modules registers them.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from havenwatch.monitor.extract import (  # noqa: F401 - importing registers the components
    aggregates,
    attributes,
    consolidate,
    coreference,
    dates,
    events,
    groups,
    language,
    negation,
    sentences,
    subjects,
    triggers,
)
from havenwatch.monitor.extract.decisions import DecisionModel
from havenwatch.monitor.extract.model import Aggregate, Analysis, Entity, Event
from havenwatch.monitor.extract.name_forms import nominative
from havenwatch.monitor.extract.registry import Component, Resources, get_component


@cache
def configured_pipeline() -> tuple[tuple[Component, ...], Resources]:
    config = json.loads(
        resources.files("havenwatch.monitor.extract").joinpath("pipeline.json").read_text("utf-8")
    )
    components = tuple(get_component(name) for name in config["components"])
    return components, Resources(settings=config.get("settings", {}))


def analyse(
    text: str,
    *,
    document: str,
    published: date | None = None,
    decisions: DecisionModel | str | None = "configured",
) -> Analysis:
    """Run every configured component over `text`. `decisions` overrides the configured
    decision maker: a trained model, or None for the rules alone (training, comparison)."""
    components, shared = configured_pipeline()
    if not isinstance(decisions, str):
        mode = "rules" if decisions is None else "model"
        settings = {**shared.settings, "decisions": mode, "decision_model": decisions}
        shared = Resources(settings=settings)
    analysis = Analysis(document=document, text=text, published=published)
    for run in components:
        run(analysis, shared)
    return analysis


def contract_object(analysis: Analysis) -> dict[str, Any]:
    """The result in the shape of `extraction.schema.json`."""
    entities = {entity.id: entity for entity in analysis.entities}
    found_events = [_event(analysis, event, entities[event.entity]) for event in analysis.events]
    found_aggregates = [_aggregate(analysis, aggregate) for aggregate in analysis.aggregates]
    return {
        "document": analysis.document,
        "language": analysis.language,
        "relevant": bool(found_events or found_aggregates),
        "events": found_events,
        "aggregates": found_aggregates,
    }


def _event(analysis: Analysis, event: Event, entity: Entity) -> dict[str, Any]:
    name = entity.name
    return {
        "type": event.type,
        "subject": {
            "name": nominative(name, analysis.language, entity.gender) if name else None,
            "nationality": entity.nationality,
            "age": entity.age,
            "gender": entity.gender,
        },
        "country": event.country,
        "authority": event.authority,
        "grounds": event.grounds,
        "date": event.date,
        "deadline_days": event.deadline_days,
        "evidence": analysis.sentence_text(event.sentence),
    }


def _aggregate(analysis: Analysis, aggregate: Aggregate) -> dict[str, Any]:
    return {
        "types": aggregate.types,
        "count": aggregate.count,
        "qualifier": aggregate.qualifier,
        "nationality": aggregate.nationality,
        "country": aggregate.country,
        "evidence": analysis.sentence_text(aggregate.sentence),
    }
