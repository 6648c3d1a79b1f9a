from __future__ import annotations

from havenwatch.monitor import dedup

STORY = (
    "Oleg Volokhonsky, a Russian activist, was refused entry at Belgrade airport on 3 May 2024. "
    "He had lived in Novi Sad since 2022 and taught programming to refugees. Friends said he "
    "organised weekly anti-war readings in a bookshop near the river. His lawyer said the "
    "decision gave no reasons beyond a reference to a security report."
)
REPUBLISHED = (
    "Oleg Volokhonski, a Russian campaigner, was refused entry at Belgrade airport on 3 May "
    "2024. He had lived in Novi Sad since 2022 and taught programming to refugees. Friends "
    "said he organised weekly anti-war readings in a bookshop near the river. Reporting by "
    "Danube Daily."
)
UNRELATED = (
    "Anna Morozova, a Russian journalist, was detained by police in Niš on 12 June 2023. She "
    "left Russia in 2021 and worked as a translator. A petition in her support collected 800 "
    "signatures in eight days, and supporters gathered outside the police station."
)


def test_a_republished_copy_with_small_edits_is_the_same_story() -> None:
    first, second = dedup.signature(STORY), dedup.signature(REPUBLISHED)
    assert dedup.same_story(first, second)
    assert set(dedup.band_buckets(first)) & set(dedup.band_buckets(second))


def test_an_unrelated_report_is_another_story() -> None:
    first, other = dedup.signature(STORY), dedup.signature(UNRELATED)
    assert not dedup.same_story(first, other)
    assert dedup.similarity(first, other) < 0.2


def test_serbian_in_latin_and_cyrillic_script_is_one_story() -> None:
    latin = "Olegu Volohonskom je zabranjen ulazak u Srbiju na beogradskom aerodromu 3. maja."
    cyrillic = "Олегу Волохонском је забрањен улазак у Србију на београдском аеродрому 3. маја."
    assert dedup.similarity(dedup.signature(latin), dedup.signature(cyrillic)) == 1.0


def test_signatures_are_reproducible_and_survive_storage() -> None:
    sig = dedup.signature(STORY)
    assert sig == dedup.signature(STORY)
    assert dedup.from_bytes(dedup.to_bytes(sig)) == sig
    assert len(dedup.band_buckets(sig)) == dedup.BANDS


def test_a_text_without_words_matches_nothing() -> None:
    empty = dedup.signature("… — !!!")
    assert empty == dedup.EMPTY_SIGNATURE
    assert not dedup.same_story(empty, empty)
