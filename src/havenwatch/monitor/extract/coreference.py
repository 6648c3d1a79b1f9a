"""Who each mention refers to: the same name in any form, pronouns, definite descriptions.

Names join the most recent entity whose name they match across scripts, spellings and
case endings (`names_match`: "Koposovoj" is "Elena Koposova"). A pronoun or a definite
description ("the woman", "активистка") refers back to the most recent compatible
entity; an indefinite description ("a 54-year-old Russian woman") introduces one, and so
does a lawyer, an official, or a description after a possessive ("his lawyer", "её брат").
Everything a mention says (nationality, age, gender) is pooled on its entity.

First-person words ("I", "меня", "rekli su mi") refer to whoever speaks: the person named
in their sentence ("'I was held for hours,' Petrov said", or "she said"), else the
narrator of the report: the interviewee introduced before the questions (not the host who
introduced them: among several people named before the first "I", the one described by age,
else the last), the author of a first-person post.
"""

from __future__ import annotations

from havenwatch.core.names import names_match
from havenwatch.monitor.extract.model import Analysis, Entity, Mention
from havenwatch.monitor.extract.name_forms import (
    is_first_name,
    name_gender,
    russian_surname_gender,
    surname_gender,
)
from havenwatch.monitor.extract.registry import Resources, component

PRONOUN_REACH = 3
OTHER_PEOPLE = ("lawyer", "official")
DESCRIPTION_REACH = 6


@component("coreference")
def resolve_coreference(analysis: Analysis, resources: Resources) -> None:
    recent: list[tuple[int, Entity]] = []
    for mention in analysis.mentions:
        if mention.plural or mention.speaker:
            continue
        entity = _resolve(analysis, mention, recent)
        if entity is None:
            continue
        mention.entity = entity.id
        _pool(entity, mention)
        recent = [(sentence, other) for sentence, other in recent if other.id != entity.id]
        recent.append((mention.sentence, entity))
    _resolve_speakers(analysis)
    _defence_teams(analysis)


def _defence_teams(analysis: Analysis) -> None:
    """ "'We filed an appeal,' said his lawyer", "Мы подали апелляцию, — сказала адвокат",
    "Uložili smo žalbu, rekla je advokatica": a lawyer's "we" is the defence, acting for
    the client (whose event it is), not a group of people the event befell."""
    roles = {entity.id: entity.role for entity in analysis.entities}
    lawyers = {
        mention.sentence
        for mention in analysis.mentions
        if "lawyer" in (mention.role, _role(roles, mention))
    }
    for mention in analysis.mentions:
        if mention.first_plural and mention.sentence in lawyers:
            mention.role = "lawyer"


def _resolve_speakers(analysis: Analysis) -> None:
    roles = {entity.id: entity.role for entity in analysis.entities}
    named = [mention for mention in analysis.mentions if mention.kind == "name"]
    subjects = [mention for mention in named if _role(roles, mention) not in OTHER_PEOPLE]
    if not subjects:
        return
    narrator = _narrator(analysis, subjects)
    for mention in analysis.mentions:
        if mention.speaker:
            speakers = [other for other in named if other.sentence == mention.sentence]
            speakers += _third_persons(analysis, mention.sentence)
            speaker = speakers[0] if speakers else narrator
            mention.entity = speaker.entity
            mention.role = _role(roles, speaker)


def _narrator(analysis: Analysis, subjects: list[Mention]) -> Mention:
    """Who says "I" where no one else is named: the person introduced before the first
    words in the first person outside the headline, and among several (the host who
    arranged the talk, then the guest) the one described by age, else the last introduced;
    with nobody before them, the first person named ("меня зовут Вера Шилова")."""
    first_person = next(
        (
            m.first
            for m in analysis.mentions
            if m.speaker and not analysis.sentences[m.sentence].heading
        ),
        None,
    )
    before = [m for m in subjects if first_person is not None and m.last <= first_person]
    if not before:
        return subjects[0]
    ages = {entity.id: entity.age for entity in analysis.entities}
    aged = [m for m in before if m.entity is not None and ages[m.entity] is not None]
    return (aged or before)[-1]


def _role(roles: dict[int, str | None], mention: Mention) -> str | None:
    return None if mention.entity is None else roles[mention.entity]


def _third_persons(analysis: Analysis, sentence: int) -> list[Mention]:
    """The "she" of "'None of my clients was expelled,' she said"."""
    return [
        mention
        for mention in analysis.mentions
        if mention.sentence == sentence
        and mention.kind == "pronoun"
        and not mention.speaker
        and mention.entity is not None
    ]


def _resolve(
    analysis: Analysis, mention: Mention, recent: list[tuple[int, Entity]]
) -> Entity | None:
    if mention.kind == "name":
        mention.gender = mention.gender or name_gender(mention.text, analysis.language)
        return _named(analysis, mention, recent)
    if mention.kind == "pronoun":
        return _antecedent(mention, recent, PRONOUN_REACH)
    if mention.role in OTHER_PEOPLE or _after_possessive(analysis, mention):
        return _new_entity(analysis)
    if mention.definite:
        found = _antecedent(mention, recent, DESCRIPTION_REACH)
        if found is not None:
            return found
    return _new_entity(analysis)


def _after_possessive(analysis: Analysis, mention: Mention) -> bool:
    """ "his lawyer", "Zorin's partner", "её сестра", "njen suprug": someone else than the
    possessor."""
    return any(
        (other.kind == "pronoun" or other.possessive) and other.last == mention.first
        for other in analysis.mentions
        if other.sentence == mention.sentence
    )


def _named(analysis: Analysis, mention: Mention, recent: list[tuple[int, Entity]]) -> Entity:
    for _, entity in reversed(recent):
        if _same_person(mention, entity, analysis.language):
            if len(mention.text.split()) > len(entity.names[0].split()):
                entity.names.insert(0, mention.text)
            else:
                entity.names.append(mention.text)
            return entity
    entity = _new_entity(analysis)
    entity.names.append(mention.text)
    return entity


def _same_person(mention: Mention, entity: Entity, language: str | None) -> bool:
    """The names match and the first names do not tell the two apart: "Ekaterina Orlova"
    is not "Stepan Orlov", though their surnames match. In English, where names do not
    decline, a surname's feminine and masculine forms are two people too ("Orlov's appeal
    ... his wife Marina Orlova"). In Russian a surname alone whose every reading has one
    gender ("Зарецкого", "Петровой") is not someone of the other ("Марина Зарецкая")."""
    if not any(names_match(mention.text, name) for name in entity.names):
        return False
    words = mention.text.split()
    full = max(entity.names, key=lambda name: len(name.split())).split()
    if language == "en" and _genders_differ(words[-1], full[-1]):
        return False
    if language == "ru" and len(words) == 1 and entity.gender is not None:
        gender = russian_surname_gender(words[0])
        if gender is not None and gender != entity.gender:
            return False
    if len(words) > 1 and len(full) > 1 and is_first_name(words[0]) and is_first_name(full[0]):
        return names_match(words[0], full[0])
    return True


def _genders_differ(surname: str, other: str) -> bool:
    genders = {surname_gender(surname), surname_gender(other)}
    return None not in genders and len(genders) == 2


def _antecedent(mention: Mention, recent: list[tuple[int, Entity]], reach: int) -> Entity | None:
    for sentence, entity in reversed(recent):
        if mention.sentence - sentence > reach:
            break
        if entity.role in ("lawyer", "official"):
            continue
        if _compatible(mention, entity):
            return entity
    return None


def _compatible(mention: Mention, entity: Entity) -> bool:
    if mention.gender and entity.gender and mention.gender != entity.gender:
        return False
    return not (
        mention.nationality and entity.nationality and mention.nationality != entity.nationality
    )


def _new_entity(analysis: Analysis) -> Entity:
    entity = Entity(len(analysis.entities))
    analysis.entities.append(entity)
    return entity


def _pool(entity: Entity, mention: Mention) -> None:
    entity.gender = entity.gender or mention.gender
    entity.nationality = entity.nationality or mention.nationality
    entity.age = entity.age or mention.age
    if entity.role is None and mention.kind in ("name", "description"):
        entity.role = mention.role
