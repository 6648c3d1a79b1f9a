"""Serbian Latin written in Cyrillic: letter for letter, digraphs as one letter, and nothing
that is not Serbian touched (placeholders, markup, addresses, abbreviations, foreign words)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havenwatch.core.serbian import LETTERS, to_cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ljubljana", "Љубљана"),
        ("Njegoš", "Његош"),
        ("džep", "џеп"),
        ("LJUDI NJIHOVI", "ЉУДИ ЊИХОВИ"),
        ("Đorđe Ćirić", "Ђорђе Ћирић"),
        ("Žalba Upravnom sudu", "Жалба Управном суду"),
        ("rešenje MUP-a", "решење МУП-а"),
    ],
)
def test_letters_and_digraphs(latin: str, cyrillic: str) -> None:
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    "kept",
    [
        "%(days)s",
        "%s",
        "{date}",
        '<a href="/cases">',
        "&amp;",
        "https://example.org/rs",
        "/admin/feeds",
        "30m",
        "2025-Q2",
        "CSV",
        "havenwatch",
        "JavaScript",
        "ćirilica već",
    ],
)
def test_what_is_not_serbian_latin_is_left_as_it_is(kept: str) -> None:
    expected = "ћирилица већ" if kept == "ćirilica već" else kept
    assert to_cyrillic(f"Rok {kept} ističe") == f"Рок {expected} истиче"


@given(st.text(alphabet=sorted({*LETTERS, " ", ",", "."} - {"lj", "nj", "dž"}), max_size=40))
def test_serbian_latin_text_leaves_no_latin_letter(text: str) -> None:
    assert not any("a" <= char.lower() <= "z" for char in to_cyrillic(text))


def test_already_cyrillic_text_is_unchanged() -> None:
    assert to_cyrillic("Решење о отказу боравка") == "Решење о отказу боравка"
