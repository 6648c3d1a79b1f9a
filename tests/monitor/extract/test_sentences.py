"""Sentences in hard-wrapped text: a fold inside a sentence does not end it, a real break does.

Every labelled set (the blind set aside) is folded at 60, 72 and 78 columns, as e-mail
clients and plain-text exports do, and must score within 3 % of the same reports unwrapped.
"""

from __future__ import annotations

import textwrap
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from havenwatch.commands.evaluate import load_gold_directory
from havenwatch.monitor.evaluate import evaluate
from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.model import Analysis
from havenwatch.monitor.extract.pipeline import analyse
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news

MONITOR_TESTS = Path(__file__).resolve().parents[1]
SETS = ("corpus", "heldout", "devset", "devset2", "devset3", "devset4")
WIDTHS = (60, 72, 78)
TOLERANCE = 0.03


def fold(text: str, width: int) -> str:
    """Each line of `text` filled to `width` columns, words kept whole."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
        if line.strip()
        else line
        for line in text.split("\n")
    )


@cache
def documents(name: str) -> tuple[list[dict[str, object]], list[NewsItem]]:
    directory = MONITOR_TESTS / name
    gold = load_gold_directory(directory)
    paths = [str(directory / Path(str(item["document"])).name) for item in gold]
    read = [item for item in read_news(paths) if isinstance(item, NewsItem)]
    assert len(read) == len(gold)
    return gold, read


def event_f1(name: str, width: int | None) -> float:
    gold, read = documents(name)
    produced = [
        extract_text(
            fold(doc.text, width) if width else doc.text,
            document=Path(doc.id).name,
            published=doc.published,
        ).to_contract()
        for doc in read
    ]
    f1: float = evaluate(gold, produced).events.f1
    return f1


@pytest.mark.parametrize("name", SETS)
def test_folded_reports_score_within_three_percent_of_unwrapped(name: str) -> None:
    unwrapped = event_f1(name, None)
    folded = {width: event_f1(name, width) for width in WIDTHS}
    assert all(score >= unwrapped * (1 - TOLERANCE) for score in folded.values()), (
        unwrapped,
        folded,
    )


def sentences(text: str) -> list[str]:
    analysis: Analysis = analyse(text, document="t")
    return [
        " ".join(analysis.sentence_text(index).split()) for index in range(len(analysis.sentences))
    ]


FOLDED = fold(
    "Serbian border police refused entry to the Russian activist Pavel Zorin at Belgrade "
    "airport on Tuesday, his lawyer said in a statement to the press.",
    60,
)


def test_a_fold_inside_a_sentence_does_not_end_it() -> None:
    assert "\n" in FOLDED
    assert sentences(FOLDED) == [" ".join(FOLDED.split())]


def test_a_folded_sentence_still_states_its_event() -> None:
    published = date(2024, 3, 14)
    found = extract_text(FOLDED, document="t", published=published).events
    assert [(event.type, event.subject.name) for event in found] == [("entry_ban", "Pavel Zorin")]


def test_headings_bylines_and_list_items_still_end_at_their_line_break() -> None:
    text = (
        "Activist refused entry\n"
        "By Ana Petrovic\n"
        + fold(
            "Serbian border police refused entry to the Russian activist Pavel Zorin at "
            "Belgrade airport on Tuesday, his lawyer said in a statement on Wednesday. Two "
            "other cases are known to the lawyers who represent him in Belgrade:",
            72,
        )
        + "\n- Ivan Petrov, refused entry in May\n- Oksana Rudenko, permit revoked\n"
    )
    found = sentences(text)
    assert found[:2] == ["Activist refused entry", "By Ana Petrovic"]
    assert found[-2:] == ["- Ivan Petrov, refused entry in May", "- Oksana Rudenko, permit revoked"]


def test_evidence_of_a_folded_report_is_its_text_up_to_whitespace() -> None:
    found = extract_text(FOLDED, document="t", published=date(2024, 3, 14)).events
    assert found and all(
        " ".join(event.evidence.split()) in " ".join(FOLDED.split()) for event in found
    )
