"""The component registry: pipeline steps are registered by name and chosen by config.

A component is a function `(analysis, resources) -> None` that reads what earlier
components left on the `Analysis` and adds its own part. `pipeline.json` lists the
components to run, in order, so a step can be swapped without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from havenwatch.monitor.extract.lexicon import Lexicon, lexicon
from havenwatch.monitor.extract.model import Analysis


@dataclass(frozen=True)
class Resources:
    """What components share: the settings of `pipeline.json` and the lexicons."""

    settings: dict[str, Any] = field(default_factory=dict)

    def lexicon(self, language: str | None) -> Lexicon:
        return lexicon(language if language in ("en", "ru", "sr") else "en")

    def setting(self, name: str, default: Any) -> Any:
        return self.settings.get(name, default)


Component = Callable[[Analysis, Resources], None]
COMPONENTS: dict[str, Component] = {}


class UnknownComponentError(KeyError):
    """The pipeline configuration names a component nobody registered."""


def component(name: str) -> Callable[[Component], Component]:
    """Register a pipeline component under `name`."""

    def register(function: Component) -> Component:
        COMPONENTS[name] = function
        return function

    return register


def get_component(name: str) -> Component:
    try:
        return COMPONENTS[name]
    except KeyError:
        raise UnknownComponentError(f"no pipeline component named {name!r}") from None
