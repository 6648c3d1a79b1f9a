"""Name folding and matching across scripts, transliterations and Slavic case endings."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from havenwatch.core.names import fold_name, name_keys, names_match, strip_name_ending

VOLOKHONSKY_SPELLINGS = [
    "Volokhonsky",
    "Volokhonski",
    "Volohonski",
    "Волохонский",
    "Волохонски",
    "Volochonski",
    "Wolochonski",
    "VOLOKHONSKIY",
    "Volokhonskij",
]

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяђјљњћџ"
LATIN = "abcdefghijklmnopqrstuvwxyzčćđšžé"


@pytest.mark.parametrize("spelling", VOLOKHONSKY_SPELLINGS)
def test_transliteration_variants_share_one_skeleton(spelling: str) -> None:
    assert fold_name(spelling) == fold_name("Volokhonsky")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Пётр", "Петр"),
        ("Pyotr", "Петр"),
        ("Fyodor", "Фёдор"),
        ("Жуков", "Žukov"),
        ("Zhukov", "Žukov"),
        ("Шишкин", "Šiškin"),
        ("Shishkin", "Шишкин"),
        ("Щукин", "Shchukin"),
        ("Чернов", "Černov"),
        ("Chernov", "Černov"),
        ("Цветаева", "Tsvetaeva"),
        ("Cvetajeva", "Tsvetaeva"),
        ("Vučić", "Vucic"),
        ("Вучић", "Vučić"),
        ("Ђорђевић", "Đorđević"),
        ("Djordjevic", "Đorđević"),
        ("Юлия", "Yulia"),
        ("Julija", "Yuliya"),
        ("Яковлев", "Jakovlev"),
        ("Yakovlev", "Jakovlev"),
        ("Елена", "Jelena"),
        ("Yelena", "Elena"),
        ("Алексеев", "Alekseyev"),
        ("Sergey", "Sergej"),
        ("Сергей", "Sergei"),
        ("Наталья", "Natalija"),
        ("Љубов", "Любовь"),
    ],
)
def test_spellings_of_one_name_fold_alike(first: str, second: str) -> None:
    assert fold_name(first) == fold_name(second)


def test_fold_name_lowercases_and_separates_tokens_by_single_spaces() -> None:
    assert fold_name("  Elena   KOPOSOVA ") == "elena koposova"
    assert fold_name("Rimsky-Korsakov") == "rimski korsakov"
    assert fold_name("") == ""
    assert fold_name("1234 !?") == ""


@pytest.mark.parametrize(
    "inflected",
    ["Копосова", "Копосовой", "Копосовој", "Koposovoj", "Koposovu", "Koposova", "Копосову"],
)
def test_case_endings_are_stripped_from_keys(inflected: str) -> None:
    assert name_keys(inflected) == ["koposov"]


@pytest.mark.parametrize(
    "inflected",
    ["Волохонского", "Волохонскому", "Volokhonskaya", "Волохонской", "Volohonskim"],
)
def test_adjectival_surnames_share_a_stem(inflected: str) -> None:
    assert name_keys(inflected) == name_keys("Volokhonsky")


@pytest.mark.parametrize(
    ("base", "inflected"),
    [
        ("Vadim", "Vadima"),
        ("Вадим", "Вадимом"),
        ("Maksim", "Maksimu"),
        ("Максим", "Максима"),
        ("Кољцов", "Кољцова"),
        ("Koljcov", "Koljcovom"),
        ("Arsenij", "Arsenija"),
        ("Sergej", "Sergeju"),
        ("Волохонски", "Volohonskog"),
        ("Kovaljova", "Kovaljovoj"),
        ("Darja", "Darju"),
    ],
)
def test_inflected_first_names_and_surnames_share_the_stem_of_the_nominative(
    base: str, inflected: str
) -> None:
    assert name_keys(inflected) == name_keys(base)


def test_an_inflected_full_name_matches_its_nominative_across_scripts() -> None:
    assert names_match("Вадима Кољцова", "Вадим Кољцов")
    assert names_match("Maksima Šubina", "Максим Шубин")
    assert not names_match("Вадим Кољцов", "Максим Кољцов")


@given(st.text(alphabet=LATIN[:26], min_size=1, max_size=12))
def test_stripping_an_ending_is_idempotent(token: str) -> None:
    stem = strip_name_ending(token)
    assert strip_name_ending(stem) == stem


def test_name_keys_start_with_an_order_free_full_name_key() -> None:
    keys = name_keys("Елена Копосова")
    assert keys[0] == name_keys("Koposova Jelena")[0]
    assert set(keys[1:]) == {"elen", "koposov"}
    assert name_keys("") == []


def test_short_stems_keep_their_ending() -> None:
    assert strip_name_ending("ana") == "an"
    assert strip_name_ending("ia") == "ia"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Koposova", "Elena Koposova"),
        ("Елени Копосовој", "Elena Koposova"),
        ("Копосовой", "Елена Копосова"),
        ("E. Koposova", "Елена Копосова"),
        ("Koposova Elena", "Elena Koposova"),
        ("Dmitry Volokhonsky", "Дмитрия Волохонского"),
        ("Elena", "Elena Koposova"),
    ],
)
def test_names_match(first: str, second: str) -> None:
    assert names_match(first, second)
    assert names_match(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Elena Koposova", "Elena Smirnova"),
        ("Koposova", "Petrova"),
        ("E.", "Elena Koposova"),
        ("", "Elena Koposova"),
        ("Elena Koposova", "Irina Koposova"),
        ("Anna", "Koposova"),
    ],
)
def test_names_do_not_match(first: str, second: str) -> None:
    assert not names_match(first, second)


names = st.text(alphabet=CYRILLIC + CYRILLIC.upper() + LATIN + LATIN.upper() + " -.'", max_size=30)


@given(names)
def test_fold_name_is_idempotent(name: str) -> None:
    folded = fold_name(name)
    assert fold_name(folded) == folded


@given(names)
def test_skeleton_is_plain_lowercase_latin(name: str) -> None:
    assert all(letter == " " or "a" <= letter <= "z" for letter in fold_name(name))


@given(names)
def test_case_does_not_matter(name: str) -> None:
    assert fold_name(name.upper()) == fold_name(name.lower())


SERBIAN_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
        "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
        "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
        "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
    }
)  # fmt: skip
SERBIAN_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
CONSONANT_BEFORE_KHA = re.compile("[жзкпстцчшџ]х")


@given(st.text(alphabet=SERBIAN_CYRILLIC + " ", max_size=30))
def test_serbian_cyrillic_and_latin_spellings_fold_alike(cyrillic: str) -> None:
    # Serbian Latin "zh", "kh", "ph", "th" spell two letters; elsewhere they are digraphs.
    assume(not CONSONANT_BEFORE_KHA.search(cyrillic))
    latin = cyrillic.translate(SERBIAN_CYRILLIC_TO_LATIN)
    assert fold_name(cyrillic) == fold_name(latin)


@given(names, names)
def test_names_match_is_symmetric(first: str, second: str) -> None:
    assert names_match(first, second) == names_match(second, first)


@given(st.text(alphabet=CYRILLIC + LATIN, min_size=2, max_size=20))
def test_a_name_matches_itself_in_any_case(name: str) -> None:
    assume(len(fold_name(name)) > 1)
    assert names_match(name, name.upper())
