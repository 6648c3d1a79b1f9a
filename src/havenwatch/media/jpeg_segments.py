"""Dropping the metadata segments of a JPEG without decoding it.

A JPEG is a run of marker segments before its compressed pixels. EXIF (APP1: GPS position,
camera serial, owner, dates), XMP (APP1), ICC profiles (APP2), IPTC (APP13), maker data in the
other APPn segments and comments (COM) all live there. Copying every other segment byte for
byte keeps the picture exactly as it was, which matters for a scan inside a PDF where
re-encoding would lose quality. Kept: the JFIF header when it carries no thumbnail, and
Adobe's APP14, which says how to read the colours of CMYK scans.
"""

from __future__ import annotations

SOI = b"\xff\xd8"
START_OF_SCAN = 0xDA
END_OF_IMAGE = 0xD9
COMMENT = 0xFE
APP0, APP14, APP15 = 0xE0, 0xEE, 0xEF
STANDALONE = {0x01, *range(0xD0, 0xD8)}
JFIF_HEADER_BYTES = 14


class NotAJpeg(ValueError):
    """The data is not a well-formed JPEG up to its first scan."""


def _keep(marker: int, payload: bytes) -> bool:
    if marker == APP0:
        return (
            payload.startswith(b"JFIF\x00")
            and len(payload) == JFIF_HEADER_BYTES
            and payload[12:14] == b"\x00\x00"
        )
    if marker == APP14:
        return payload.startswith(b"Adobe")
    return not (APP0 <= marker <= APP15 or marker == COMMENT)


def strip_jpeg_segments(data: bytes) -> bytes:
    """The JPEG without its metadata segments; `NotAJpeg` if its structure is broken."""
    if not data.startswith(SOI):
        raise NotAJpeg("no JPEG start marker")
    output = bytearray(SOI)
    position = len(SOI)
    while True:
        if position + 2 > len(data) or data[position] != 0xFF:
            raise NotAJpeg("a JPEG segment is missing or truncated")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in (START_OF_SCAN, END_OF_IMAGE):
            output += data[position:]
            return bytes(output)
        if marker in STANDALONE:
            output += data[position : position + 2]
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise NotAJpeg("a JPEG segment runs past the end of the file")
        if _keep(marker, data[position + 4 : end]):
            output += data[position:end]
        position = end
