from __future__ import annotations

from havenwatch.monitor.linking import (
    EVERY_PART,
    FIRST_NAME_DIFFERS,
    PROPOSAL_THRESHOLD,
    WHOLE_NAME,
    name_parts,
    score_match,
)


def _score(name: str, *hit_parts: str) -> tuple[int, str]:
    parts = name_parts(name)
    assert parts is not None
    hits = {parts.whole} if "whole" in hit_parts else set()
    hits |= {
        parts.stems[index] for index, part in enumerate(("first", "last")) if part in hit_parts
    }
    score = score_match(parts, hits)
    return score.value, score.reason


def test_a_whole_name_match_scores_highest_and_its_reason_is_a_code_not_the_name() -> None:
    value, reason = _score("Олег Волохонский", "whole", "first", "last")
    assert (value, reason) == (100, WHOLE_NAME)


def test_first_name_and_surname_matching_separately_is_a_strong_match() -> None:
    value, reason = _score("Oleg Volokhonski", "first", "last")
    assert value >= 90 and reason == EVERY_PART


def test_a_surname_alone_is_proposed_but_a_first_name_alone_is_not() -> None:
    assert _score("Volokhonsky")[0] < PROPOSAL_THRESHOLD  # nothing hit
    parts = name_parts("Volokhonsky")
    assert parts is not None
    assert score_match(parts, {parts.surname}).value >= PROPOSAL_THRESHOLD
    assert _score("Oleg Ivanov", "first")[0] < PROPOSAL_THRESHOLD
    assert _score("Pavel Volokhonsky", "last")[1] == FIRST_NAME_DIFFERS


def test_a_name_without_letters_has_no_parts() -> None:
    assert name_parts("— 42 —") is None
