"""Near-duplicate detection for news reports: MinHash over word shingles, banded for lookup.

A wire story republished by several outlets differs by a headline, a byline, a sentence or a
few words. Its *shingles* (runs of three consecutive words) are mostly shared, so the Jaccard
similarity of the shingle sets stays high; MinHash estimates that similarity from a short
signature. Words are folded first (case, diacritics, Cyrillic and Latin script, the spelling
of transliterations: see `havenwatch.core.names`), so a Serbian story in both scripts, or a
name spelled two ways, still shares its shingles.

To find candidates without comparing a new report to every stored one, the signature is cut
into bands; reports that agree on all rows of at least one band share a *bucket*. With 16
bands of 4 rows, two reports of similarity 0.6 share a bucket with probability 0.88, of
similarity 0.3 with probability 0.12; candidates are then confirmed on the whole signature.
This module is pure: storing buckets is `havenwatch.monitor.stories`.
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
import zlib
from collections.abc import Sequence

from havenwatch.core.names import fold_name

PERMUTATIONS = 64
BANDS = 16
ROWS_PER_BAND = PERMUTATIONS // BANDS
SHINGLE_WORDS = 3
SAME_STORY_SIMILARITY = 0.5
MERSENNE_PRIME = (1 << 61) - 1
HASH_MASK = (1 << 32) - 1
SEED = 20240503
WORD = re.compile(r"\w+")
SIGNATURE_FORMAT = f">{PERMUTATIONS}I"

Signature = tuple[int, ...]


def _permutations() -> list[tuple[int, int]]:
    """Fixed (a, b) pairs of the universal hashes: signatures must compare across runs."""
    rng = random.Random(SEED)
    return [
        (rng.randrange(1, MERSENNE_PRIME), rng.randrange(0, MERSENNE_PRIME))
        for _ in range(PERMUTATIONS)
    ]


PERMUTATION_PAIRS = _permutations()
EMPTY_SIGNATURE: Signature = (HASH_MASK,) * PERMUTATIONS


def folded_words(text: str) -> list[str]:
    """The words of a text reduced to script- and spelling-independent skeletons."""
    words = []
    for word in WORD.findall(text):
        folded = word if word.isdigit() else fold_name(word)
        if folded:
            words.append(folded)
    return words


def shingles(text: str) -> set[int]:
    """32-bit hashes of every run of `SHINGLE_WORDS` folded words (of the whole text if shorter)."""
    words = folded_words(text)
    width = min(SHINGLE_WORDS, len(words))
    return (
        {
            zlib.crc32(" ".join(words[start : start + width]).encode())
            for start in range(len(words) - width + 1)
        }
        if words
        else set()
    )


def signature(text: str) -> Signature:
    """The MinHash signature: for each hash function, the least hash over the shingles."""
    hashed = shingles(text)
    if not hashed:
        return EMPTY_SIGNATURE
    return tuple(
        min(((a * value + b) % MERSENNE_PRIME) & HASH_MASK for value in hashed)
        for a, b in PERMUTATION_PAIRS
    )


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if len(first) != len(second) or not first:
        return 0.0
    return sum(1 for left, right in zip(first, second, strict=True) if left == right) / len(first)


def same_story(first: Sequence[int], second: Sequence[int]) -> bool:
    """Whether two signatures are close enough to be one story; a text without words is none."""
    if tuple(first) == EMPTY_SIGNATURE or tuple(second) == EMPTY_SIGNATURE:
        return False
    return similarity(first, second) >= SAME_STORY_SIMILARITY


def band_buckets(sig: Sequence[int]) -> list[int]:
    """One signed 64-bit bucket key per band (the band's number is hashed in)."""
    return [
        _bucket(band, sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND])
        for band in range(BANDS)
    ]


def _bucket(band: int, rows: Sequence[int]) -> int:
    packed = struct.pack(f">H{len(rows)}I", band, *rows)
    return int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "big", signed=True)


def to_bytes(sig: Sequence[int]) -> bytes:
    return struct.pack(SIGNATURE_FORMAT, *sig)


def from_bytes(blob: bytes) -> Signature:
    return tuple(struct.unpack(SIGNATURE_FORMAT, blob))
