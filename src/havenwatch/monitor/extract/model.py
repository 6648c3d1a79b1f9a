"""The state one document accumulates as it goes through the pipeline's components.

Positions are token indices (`Token.index`), so every component speaks the same units;
`Analysis.token_at` maps a character offset in the matching string back to a token.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from havenwatch.monitor.extract.anchors import Anchor
from havenwatch.monitor.extract.patterns import Match, PatternSet


@dataclass(slots=True)
class Token:
    """A word or punctuation mark: its text, character span and (later) matching form."""

    index: int
    text: str
    start: int
    end: int
    sentence: int
    norm: str = ""


@dataclass(frozen=True)
class Sentence:
    """Tokens `first` (inclusive) to `last` (exclusive) and their character span."""

    index: int
    first: int
    last: int
    start: int
    end: int
    heading: bool = False


@dataclass(frozen=True)
class Span:
    """A labelled run of tokens, `first` inclusive to `last` exclusive."""

    label: str
    first: int
    last: int
    sentence: int
    value: Any = None


@dataclass
class Entity:
    """One person the text talks about, with everything said about them anywhere."""

    id: int
    names: list[str] = field(default_factory=list)
    nationality: str | None = None
    age: int | None = None
    gender: str | None = None
    role: str | None = None

    @property
    def name(self) -> str | None:
        return self.names[0] if self.names else None


@dataclass
class Mention:
    """A reference to a person: a name, a description, a pronoun or a plural group; `lead`
    is where a description set right before a name begins ("the Russian artist Lev ...")."""

    kind: str
    first: int
    last: int
    sentence: int
    entity: int | None = None
    plural: bool = False
    gender: str | None = None
    nationality: str | None = None
    age: int | None = None
    role: str | None = None
    text: str = ""
    definite: bool = False
    possessive: bool = False
    members: tuple[int, ...] = ()
    speaker: bool = False
    lead: int = -1
    first_plural: bool = False


@dataclass
class Trigger:
    """Words that state an event of `type`; `blocked` says why it is not asserted."""

    type: str
    first: int
    last: int
    sentence: int
    blocked: str | None = None
    source: str = "rules"
    score: float = 1.0


Features = dict[str, float]


@dataclass
class Candidate:
    """A mention that may be a trigger's subject, with its features; `rule` marks the
    rules' own choice."""

    mention: Mention
    features: Features
    rule: bool


@dataclass
class Decision:
    """One trigger's candidate subjects and trigger-level features (`extract/decisions.py`),
    what was chosen, and why the rules turned the trigger down (`reason`)."""

    trigger: Trigger
    reason: str | None
    candidates: list[Candidate]
    features: Features
    chosen: int | None = None
    probability: float = 0.0
    accepted: bool = False
    scores: list[float] = field(default_factory=list)


@dataclass
class Event:
    """An asserted event tied to an entity, before it becomes a contract object;
    `occurrence` tells apart the acts of one counted statement ("extended twice")."""

    type: str
    entity: int
    sentence: int
    trigger: Trigger
    country: str | None = None
    authority: str | None = None
    grounds: str | None = None
    date: str | None = None
    deadline_days: int | None = None
    occurrence: int = 0
    # The states the country model chose among, with their features (`extract/countries.py`).
    countries: dict[str, Features] = field(default_factory=dict)


@dataclass
class Aggregate:
    """A counted statement about several people."""

    types: list[str]
    count: int
    qualifier: str
    sentence: int
    nationality: str | None = None
    country: str | None = None


@dataclass
class Analysis:
    """A document under extraction; components read and extend it in order."""

    document: str
    text: str
    published: date | None
    language: str | None = None
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    matching: str = ""
    offsets: list[int] = field(default_factory=list)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    default_country: str | None = None
    # Values derived from the finished parts once per document (how often each person is
    # named, the opening sentences), reused by every decision that reads them.
    derived: dict[str, Any] = field(default_factory=dict)

    def token_at(self, offset: int) -> int:
        """The index of the token that contains (or starts after) `offset`."""
        return max(bisect_right(self.offsets, offset) - 1, 0)

    def span_of(self, match: Match, value: Any = None, base: int = 0) -> Span:
        """The tokens a match covers; `base` is where the matched window starts."""
        first = self.token_at(base + match.start)
        last = self.token_at(base + max(match.end - 1, match.start)) + 1
        return Span(match.label, first, last, self.tokens[first].sentence, value)

    def matches(self, patterns: PatternSet) -> Iterator[Match]:
        """Every match of `patterns` in the matching string. Only the sentences holding a
        word a match must contain are scanned (see `anchors`): the same matches, less work."""
        for start, end in self.runs_holding(patterns.anchor):
            yield from patterns.finditer(self.matching, start, end)

    def runs_holding(self, anchor: Anchor | None) -> list[tuple[int, int]]:
        """Bounds, in the matching string, of the runs of sentences holding an anchor word."""
        if anchor is None or not self.tokens:
            return [(0, len(self.matching))]
        words = self._sentence_words()
        hits = anchor.words_that_may_match(words[-1])
        runs: list[tuple[int, int]] = []
        if not hits:
            return runs
        previous = -2
        for sentence in self.sentences:
            if hits.isdisjoint(words[sentence.index]):
                continue
            bounds = (self.offsets[sentence.first], self.matching_end(sentence.last))
            if runs and sentence.index == previous + 1:
                runs[-1] = (runs[-1][0], bounds[1])
            else:
                runs.append(bounds)
            previous = sentence.index
        return runs

    def _sentence_words(self) -> list[frozenset[str]]:
        """Each sentence's words in matching form, and last the whole document's."""
        words: list[frozenset[str]] | None = self.derived.get("sentence_words")
        if words is None:
            words = [
                frozenset(token.norm for token in self.tokens[sentence.first : sentence.last])
                for sentence in self.sentences
            ]
            words.append(frozenset().union(*words))
            self.derived["sentence_words"] = words
        return words

    def matching_end(self, last: int) -> int:
        """Where, in the matching string, the token before `last` ends."""
        token = self.tokens[last - 1]
        return self.offsets[token.index] + len(token.norm)

    def sentence_text(self, index: int) -> str:
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end]

    def spans_in(self, kind: str, sentence: int) -> list[Span]:
        return [span for span in self.spans.get(kind, []) if span.sentence == sentence]

    def window(self, first: int, last: int, sentence: int) -> str:
        """The matching string of tokens `first`..`last` (exclusive), clipped to a sentence."""
        bounds = self.sentences[sentence]
        first, last = max(first, bounds.first), min(last, bounds.last)
        if first >= last:
            return ""
        end = self.tokens[last - 1]
        return self.matching[self.offsets[first] : self.offsets[last - 1] + len(end.norm)]

    def words(self, first: int, last: int) -> list[str]:
        return [token.norm for token in self.tokens[first:last]]
