"""Removing tags from recordings: who made them, on what, where and when.

Recorders and phones tag audio with the owner's or artist's name, titles and comments, the
device and app, cover pictures, and sometimes the GPS position. Every tag is removed; the
sound itself is not touched or re-encoded.

- MP3: ID3v2 (every tag at the start, even several in a row), ID3v1 and APEv2 tags.
- Ogg (Opus, Vorbis, FLAC, Speex): every comment, the vendor string, and the binary data Opus
  may keep after its comments. A file chaining several streams is refused, since only the
  first one's comments could be reached.
- M4A (MP4): the user data (`udta`: iTunes-style tags, GPS position `©xyz`, chapter names),
  metadata (`meta`) and `uuid` boxes (XMP) anywhere in the file, and `free`/`skip` padding that
  may hold stale tags, are blanked into zero-filled padding of the same size; the recording
  and modification times in the movie, track and media headers are zeroed. Nothing moves, so
  the offsets that point at the audio stay right.

Each file is read before and after; a file that cannot be read is refused.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import mutagen
from mutagen import apev2, id3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.ogg import OggFileType, OggPage

from havenwatch.media.filetypes import M4A, OGG, FileKind, UploadRefused
from havenwatch.media.filetypes import MP3 as MP3_KIND

NAMES = {MP3_KIND: "MP3", OGG: "Ogg", M4A: "M4A"}
MAX_LEADING_ID3_TAGS = 8
ONE_STREAM = "an Ogg file holding several streams cannot be cleaned of its metadata"

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"dinf", b"stbl", b"edts", b"mvex"}
MP4_CONTAINERS |= {b"moof", b"traf", b"mfra"}
MP4_BLANKED = {b"udta", b"meta", b"uuid", b"free", b"skip", b"wide"}
MP4_TIMED_HEADERS = {b"mvhd", b"tkhd", b"mdhd"}


def _damaged(kind: FileKind) -> UploadRefused:
    return UploadRefused(
        f"the {NAMES[kind]} recording is damaged or cannot be read, "
        "so its metadata cannot be removed"
    )


def _clean_mp3(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    MP3(buffer)
    apev2.delete(buffer)
    for _ in range(MAX_LEADING_ID3_TAGS):
        id3.delete(buffer)
        buffer.seek(0)
        if buffer.read(3) != b"ID3":
            break
    else:
        raise _damaged(MP3_KIND)
    cleaned = buffer.getvalue()
    if MP3(io.BytesIO(cleaned)).tags:
        raise _damaged(MP3_KIND)
    return cleaned


def _ogg_serials(data: bytes) -> set[int]:
    stream = io.BytesIO(data)
    serials: set[int] = set()
    while stream.tell() < len(data):
        serials.add(OggPage(stream).serial)
    return serials


def _open_ogg(data: bytes) -> Any:
    audio = mutagen.File(io.BytesIO(data))
    if not isinstance(audio, OggFileType) or audio.tags is None:
        raise _damaged(OGG)
    return audio


def _clean_ogg(data: bytes) -> bytes:
    if len(_ogg_serials(data)) != 1:
        raise UploadRefused(ONE_STREAM)
    audio = _open_ogg(data)
    audio.tags.vendor = ""
    if getattr(audio.tags, "_pad_data", b""):
        audio.tags._pad_data = b""  # Opus: binary data after the comments
    buffer = io.BytesIO(data)
    audio.delete(buffer)
    cleaned = buffer.getvalue()
    if len(_open_ogg(cleaned).tags) or len(_ogg_serials(cleaned)) != 1:
        raise _damaged(OGG)
    return cleaned


def _box_header(data: bytearray, position: int, end: int) -> tuple[bytes, int, int]:
    """The type, header length and total size of the box at `position`."""
    if end - position < 8:
        raise ValueError("truncated box header")
    size, kind = struct.unpack_from(">I4s", data, position)
    header = 8
    if size == 1:
        if end - position < 16:
            raise ValueError("truncated box header")
        (size,) = struct.unpack_from(">Q", data, position + 8)
        header = 16
    elif size == 0:
        size = end - position
    if size < header or position + size > end:
        raise ValueError("a box runs past its parent")
    return bytes(kind), header, size


def _zero_times(data: bytearray, body: int) -> None:
    width = 8 if data[body] == 1 else 4
    data[body + 4 : body + 4 + 2 * width] = bytes(2 * width)


def _blank_boxes(data: bytearray, start: int, end: int, depth: int = 0) -> None:
    position = start
    while position < end:
        if depth == 0 and end - position < 8:
            data[position:end] = bytes(end - position)
            return
        kind, header, size = _box_header(data, position, end)
        body = position + header
        if kind in MP4_BLANKED:
            data[position + 4 : body] = b"free" + data[position + 8 : body]
            data[body : position + size] = bytes(size - header)
        elif kind in MP4_TIMED_HEADERS:
            _zero_times(data, body)
        elif kind in MP4_CONTAINERS:
            _blank_boxes(data, body, position + size, depth + 1)
        position += size


def _clean_m4a(data: bytes) -> bytes:
    MP4(io.BytesIO(data))
    blanked = bytearray(data)
    _blank_boxes(blanked, 0, len(blanked))
    cleaned = bytes(blanked)
    if MP4(io.BytesIO(cleaned)).tags:
        raise _damaged(M4A)
    return cleaned


CLEANERS = {MP3_KIND: _clean_mp3, OGG: _clean_ogg, M4A: _clean_m4a}


def strip_audio_metadata(data: bytes, kind: FileKind) -> bytes:
    """The same recording without tags; `UploadRefused` if it cannot be read."""
    try:
        return CLEANERS[kind](data)
    except UploadRefused:
        raise
    except Exception:  # mutagen and our box walker raise many kinds of error on damaged files
        raise _damaged(kind) from None
