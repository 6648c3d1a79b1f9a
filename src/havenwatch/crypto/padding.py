"""Padding stored files so their exact size cannot fingerprint a document an adversary holds.

Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
PURBs", 2019) rounds a length up so that only O(log log n) bits of it remain, for at most
about 12% overhead. The true length travels inside the ciphertext.
"""

from __future__ import annotations

LENGTH_BYTES = 8


def padme(length: int) -> int:
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    mantissa_bits = exponent.bit_length()
    low_bits = exponent - mantissa_bits
    mask = (1 << low_bits) - 1
    return (length + mask) & ~mask


def pad(data: bytes) -> bytes:
    framed = len(data).to_bytes(LENGTH_BYTES, "big") + data
    return framed + bytes(padme(len(framed)) - len(framed))


def unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:LENGTH_BYTES], "big")
    if length > len(padded) - LENGTH_BYTES:
        raise ValueError("padded data is shorter than its recorded length")
    return padded[LENGTH_BYTES : LENGTH_BYTES + length]
