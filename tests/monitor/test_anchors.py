"""Anchors: the word beginnings every trigger match holds, so sentences without one are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.anchors import Anchor, _required_beginnings
from havenwatch.monitor.extract.lexicon import LANGUAGES, lexicon

# Every tuned labelled set; the blind set is never read by tests that could shape the code.
LABELLED = ["corpus", "heldout", "devset", "devset2", "devset3", "devset4"]
HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("pattern", "beginnings"),
    [
        ("zabran* ~2 ulas*", {"zabran"}),
        ("(odbi*|odbij*) ~ (zahtev*|zahtjev*)", {"zahtev", "zahtjev"}),
        ("(the )?(extension|renewal) (was )?(refused|turned down)", {"extension", "renewal"}),
        ("(выдворил*|выдворен(а|о|ы)?|выслал*)", {"выдворил", "выдворен", "выслал"}),
        ("(under|placed under) (house )?arrest", {"arrest"}),
        ("stalni? boravak", {"boravak"}),
        ("#-year-old ~ deported", {"deported"}),
    ],
)
def test_the_most_selective_required_word_is_chosen(pattern: str, beginnings: set[str]) -> None:
    assert _required_beginnings(pattern) == beginnings


@pytest.mark.parametrize(
    "pattern",
    ["expelled|deported", "(un)?lawful ~", "[Pp]olice", "# ~ (a|)"],
)
def test_a_pattern_without_a_sure_beginning_gives_no_anchor(pattern: str) -> None:
    assert _required_beginnings(pattern) is None
    assert Anchor.of(["zabran* ~2 ulas*", pattern]) is None


def test_every_languages_triggers_have_an_anchor() -> None:
    """A pattern added without a sure beginning would silently slow every document down."""
    assert all(lexicon(language).patterns("triggers").anchor for language in LANGUAGES)


def test_skipping_sentences_without_an_anchor_word_changes_no_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        path.read_text(encoding="utf-8")
        for name in LABELLED
        for path in sorted((HERE / name).glob("*.txt"))
    ]
    assert len(texts) > 200
    anchored = [extract_text(text, document="t").to_contract() for text in texts]
    for language in LANGUAGES:
        monkeypatch.setattr(lexicon(language).patterns("triggers"), "anchor", None)
    assert [extract_text(text, document="t").to_contract() for text in texts] == anchored
