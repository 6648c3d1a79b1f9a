"""Run the configured components over a text and build the contract object.

The components and their settings come from `pipeline.json` beside this file (config as
data); importing the component modules registers them.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources

from havenwatch.monitor.extract import (  # noqa: F401 - importing registers the components
    aggregates,
    attributes,
    consolidate,
    coreference,
    dates,
    events,
    groups,
    language,
    learned_triggers,
    negation,
    sentences,
    subjects,
    triggers,
)
from havenwatch.monitor.extract.decisions import DecisionModel
from havenwatch.monitor.extract.model import Aggregate, Analysis, Entity, Event
from havenwatch.monitor.extract.name_forms import nominative
from havenwatch.monitor.extract.registry import Component, Resources, get_component
from havenwatch.monitor.extract.result import (
    ExtractedAggregate,
    ExtractedEvent,
    Extraction,
    Subject,
)


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
    proposals: DecisionModel | None = None,
) -> Analysis:
    """Run every configured component over `text`. `decisions` overrides the configured
    decision maker: a trained model, or None for the rules alone (training, comparison);
    `proposals`, a model whose sentence models propose triggers whatever decides
    (training the decisions on learned triggers)."""
    components, shared = configured_pipeline()
    if not isinstance(decisions, str):
        mode = "rules" if decisions is None else "model"
        settings = {**shared.settings, "decisions": mode, "decision_model": decisions}
        shared = Resources(settings=settings)
    if proposals is not None:
        shared = Resources(settings={**shared.settings, "proposals": proposals})
    analysis = Analysis(document=document, text=text, published=published)
    for run in components:
        run(analysis, shared)
    return analysis


def extraction(analysis: Analysis) -> Extraction:
    """The typed result of an analysed document."""
    entities = {entity.id: entity for entity in analysis.entities}
    return Extraction(
        document=analysis.document,
        language=analysis.language,
        events=tuple(_event(analysis, event, entities[event.entity]) for event in analysis.events),
        aggregates=tuple(_aggregate(analysis, aggregate) for aggregate in analysis.aggregates),
    )


def _event(analysis: Analysis, event: Event, entity: Entity) -> ExtractedEvent:
    name = entity.name
    subject = Subject(
        name=nominative(name, analysis.language, entity.gender) if name else None,
        nationality=entity.nationality,
        age=entity.age,
        gender=entity.gender,
    )
    return ExtractedEvent(
        type=event.type,
        subject=subject,
        evidence=analysis.sentence_text(event.sentence),
        country=event.country,
        authority=event.authority,
        grounds=event.grounds,
        date=event.date,
        deadline_days=event.deadline_days,
    )


def _aggregate(analysis: Analysis, aggregate: Aggregate) -> ExtractedAggregate:
    return ExtractedAggregate(
        types=tuple(aggregate.types),
        count=aggregate.count,
        qualifier=aggregate.qualifier,
        evidence=analysis.sentence_text(aggregate.sentence),
        nationality=aggregate.nationality,
        country=aggregate.country,
    )
