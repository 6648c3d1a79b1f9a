"""The web's translation catalogues are well formed: one entry per message and a msgstr line
for each (a union merge once kept two "Days to act" entries, of which the first silently won,
and dropped msgstr lines)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "havenwatch" / "web" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
MSGID = re.compile(r'^msgid "(.*)"$')


def _entries(path: Path) -> list[tuple[str, bool]]:
    """Each single-line msgid of the file, and whether a msgstr line follows it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for index, line in enumerate(lines):
        match = MSGID.match(line)
        if match and match.group(1):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            found.append((match.group(1), following.startswith(("msgstr", "msgid_plural", '"'))))
    return found


def test_there_are_catalogues_to_check() -> None:
    assert {path.parent.parent.name for path in CATALOGUES} >= {"en", "ru", "sr_Latn"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_each_message_has_one_entry(path: Path) -> None:
    counts = Counter(message for message, _ in _entries(path))
    assert [message for message, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_each_message_is_followed_by_its_translation(path: Path) -> None:
    assert [message for message, translated in _entries(path) if not translated] == []
