"""Marking a lead's evidence inside its source text, case- and spacing-insensitively."""

from __future__ import annotations

import re

MAX_EVIDENCE = 2000


def highlight(text: str, evidence: str) -> list[tuple[str, bool]]:
    """The text cut into (segment, is_evidence) pieces; unmarked when the evidence is absent."""
    words = evidence.split()[:200]
    if not words or len(evidence) > MAX_EVIDENCE:
        return [(text, False)]
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces or [(text, False)]
