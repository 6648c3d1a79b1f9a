"""Small but valid PDF, MP3, Ogg Opus and M4A files, built in code, carrying planted metadata.

Each builder hides the canary string in every place its format keeps identifying metadata,
so a test can upload the file and search the stored bytes for it.
"""

from __future__ import annotations

import io
import struct

from mutagen.apev2 import APEv2
from mutagen.id3 import COMM, ID3, TIT2, TPE1, TXXX
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

PAGE_TEXT = "Decision 17-2025 on expulsion"


def xmp_packet(canary: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{canary}</rdf:li></rdf:Seq></dc:creator>"
        f"<xmp:CreatorTool>{canary} Scanner</xmp:CreatorTool>"
        "<exif:GPSLatitude>44,49.2N</exif:GPSLatitude>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _metadata_stream(writer: PdfWriter, canary: str) -> object:
    stream = DecodedStreamObject()
    stream.set_data(xmp_packet(canary))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return writer._add_object(stream)


def _jpeg_image(writer: PdfWriter, jpeg: bytes) -> object:
    image = StreamObject()
    StreamObject.set_data(image, jpeg)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(32),
            NameObject("/Height"): NumberObject(24),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    return writer._add_object(image)


def pdf_with_metadata(canary: str, jpeg: bytes) -> bytes:
    """Two pages of text and a photo, with the canary in the document information dictionary,
    XMP on the document, a page and the photo, application data, a comment's author, and the
    photo's own EXIF. Written uncompressed, so the canary is visible in the raw bytes."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    image = _jpeg_image(writer, jpeg)
    for number in (1, 2):
        page = writer.add_blank_page(595, 842)
        content = DecodedStreamObject()
        content.set_data(
            f"BT /F1 14 Tf 72 760 Td ({PAGE_TEXT}, page {number}) Tj ET "
            "q 64 0 0 48 72 600 cm /Im1 Do Q".encode()
        )
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
                NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image}),
            }
        )
    first = writer.pages[0]
    first[NameObject("/Metadata")] = _metadata_stream(writer, canary)
    first[NameObject("/PieceInfo")] = DictionaryObject(
        {
            NameObject("/Illustrator"): DictionaryObject(
                {NameObject("/Private"): TextStringObject(canary)}
            )
        }
    )
    comment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 500, 92, 520)]),
            NameObject("/Contents"): TextStringObject("check the date of service"),
            NameObject("/T"): TextStringObject(canary),
            NameObject("/M"): TextStringObject("D:20250312101500+03'00'"),
        }
    )
    first[NameObject("/Annots")] = ArrayObject([writer._add_object(comment)])
    writer.add_metadata(
        {
            "/Author": canary,
            "/Creator": f"{canary} Office",
            "/Producer": f"{canary} PDF library",
            "/Title": f"Statement of {canary}",
            "/CreationDate": "D:20250312101500+03'00'",
        }
    )
    writer.root_object[NameObject("/Metadata")] = _metadata_stream(writer, canary)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MP3_FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
MP3_FRAME_BYTES = 417
MP3_FRAMES = 40


def silent_mp3() -> bytes:
    """About a second of MPEG audio: frames whose side information says "nothing to play"."""
    frame = MP3_FRAME_HEADER + bytes(MP3_FRAME_BYTES - len(MP3_FRAME_HEADER))
    return frame * MP3_FRAMES


def mp3_with_metadata(canary: str) -> bytes:
    """An MP3 with an ID3v2 tag (artist, title, comment, a custom field), an ID3v1 tag and an
    APEv2 tag, each naming the canary."""
    buffer = io.BytesIO(silent_mp3())
    tags = ID3()
    tags.add(TPE1(encoding=3, text=[canary]))
    tags.add(TIT2(encoding=3, text=[f"Interview with {canary}"]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=[f"recorded at home of {canary}"]))
    tags.add(TXXX(encoding=3, desc="location", text=[f"44.8167,20.4589 {canary}"]))
    tags.save(buffer, v1=2)
    ape = APEv2()
    ape["Artist"] = canary
    ape.save(buffer)
    return buffer.getvalue()


OPUS_SERIAL = 0x5EC12E7
OPUS_PACKETS = 50  # 20 ms each


def _opus_head() -> bytes:
    return b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)


def _opus_tags(vendor: str, comments: list[str]) -> bytes:
    data = b"OpusTags" + struct.pack("<I", len(vendor.encode())) + vendor.encode()
    data += struct.pack("<I", len(comments))
    for comment in comments:
        data += struct.pack("<I", len(comment.encode())) + comment.encode()
    return data


def ogg_opus_with_metadata(canary: str, serial: int = OPUS_SERIAL) -> bytes:
    """A second of Ogg Opus (the format of most voice messages) whose comment header names
    the canary in its vendor string and its tags, with a GPS tag."""
    comments = [
        f"ARTIST={canary}",
        f"TITLE=Voice message from {canary}",
        "LOCATION=44.8167,20.4589",
        f"ENCODER={canary} phone",
    ]
    packets = [_opus_head(), _opus_tags(f"{canary} recorder", comments)]
    pages = []
    for sequence, packet in enumerate(packets):
        page = OggPage()
        page.serial, page.sequence, page.position = serial, sequence, 0
        page.first = sequence == 0
        page.packets = [packet]
        pages.append(page)
    audio = OggPage()
    audio.serial, audio.sequence = serial, 2
    audio.position = 312 + OPUS_PACKETS * 960
    audio.last = True
    audio.packets = [b"\xf8"] * OPUS_PACKETS  # CELT, 20 ms, one empty frame each
    pages.append(audio)
    return b"".join(page.write() for page in pages)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", version << 24) + payload)


RECORDED_AT = 3_824_000_000  # seconds since 1904: an instant in 2025
M4A_SAMPLES = 43
SAMPLE_BYTES = 4


def _m4a_moov(chunk_offset: int, canary: str) -> bytes:
    mvhd = _full_box(
        b"mvhd",
        0,
        struct.pack(">IIII", RECORDED_AT, RECORDED_AT, 44100, M4A_SAMPLES * 1024)
        + struct.pack(">IH", 0x00010000, 0x0100)
        + bytes(10)
        + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
        + bytes(24)
        + struct.pack(">I", 2),
    )
    tkhd = _full_box(
        b"tkhd",
        0,
        struct.pack(">IIIII", RECORDED_AT, RECORDED_AT, 1, 0, M4A_SAMPLES * 1024)
        + bytes(8)
        + struct.pack(">hhhH", 0, 0, 0x0100, 0)
        + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
        + struct.pack(">II", 0, 0),
    )
    tkhd = tkhd[:11] + b"\x07" + tkhd[12:]  # flags: enabled, in movie, in preview
    mdhd = _full_box(
        b"mdhd",
        0,
        struct.pack(">IIII", RECORDED_AT, RECORDED_AT, 44100, M4A_SAMPLES * 1024)
        + struct.pack(">HH", 0x55C4, 0),
    )
    hdlr = _full_box(b"hdlr", 0, struct.pack(">I", 0) + b"soun" + bytes(12) + b"SoundHandler\x00")
    esds = _full_box(
        b"esds",
        0,
        b"\x03\x19\x00\x01\x00"  # ES descriptor
        + b"\x04\x11\x40\x15\x00\x00\x00\x00\x01\xf4\x00\x00\x01\xf4\x00"  # decoder config
        + b"\x05\x02\x12\x08"  # AAC LC, 44.1 kHz, mono
        + b"\x06\x01\x02",
    )
    mp4a = _box(
        b"mp4a",
        bytes(6)
        + struct.pack(">H", 1)
        + bytes(8)
        + struct.pack(">HHHHI", 1, 16, 0, 0, 44100 << 16)
        + esds,
    )
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, struct.pack(">I", 1) + mp4a)
        + _full_box(b"stts", 0, struct.pack(">III", 1, M4A_SAMPLES, 1024))
        + _full_box(b"stsc", 0, struct.pack(">IIII", 1, 1, M4A_SAMPLES, 1))
        + _full_box(b"stsz", 0, struct.pack(">II", SAMPLE_BYTES, M4A_SAMPLES))
        + _full_box(b"stco", 0, struct.pack(">II", 1, chunk_offset)),
    )
    dinf = _box(b"dinf", _full_box(b"dref", 0, struct.pack(">I", 1) + _full_box(b"url ", 0, b"")))
    dinf = dinf[:-1] + b"\x01"  # url flags: media in this file
    minf = _box(b"minf", _full_box(b"smhd", 0, bytes(4)) + dinf + stbl)
    trak_udta = _box(b"udta", _box(b"name", canary.encode()))
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + minf) + trak_udta)
    location = _box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"+44.8167+020.4589/")
    return _box(b"moov", mvhd + trak + _box(b"udta", location))


def m4a_with_metadata(canary: str) -> bytes:
    """An AAC recording in an MP4 container, laid out as phones write it (metadata before the
    audio): iTunes-style tags, a GPS position and a track name in user data, XMP in a `uuid`
    box, leftover tags in a `free` box, and the recording time in the movie headers."""
    ftyp = _box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
    xmp = _box(b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + xmp_packet(canary))
    leftover = _box(b"free", f"old tags: {canary}".encode())
    frames = b"\x01\x18\x20\x07" * M4A_SAMPLES  # silent AAC-LC frames (mono)
    moov_size = len(_m4a_moov(0, canary))
    offset = len(ftyp) + len(xmp) + moov_size + len(leftover) + 8
    data = ftyp + xmp + _m4a_moov(offset, canary) + leftover + _box(b"mdat", frames)
    buffer = io.BytesIO(data)
    tags = MP4(buffer)
    tags["\xa9ART"] = [canary]
    tags["\xa9nam"] = [f"Interview with {canary}"]
    tags["\xa9cmt"] = [f"recorded at home of {canary}"]
    tags.save(buffer)
    return buffer.getvalue()


def duration_of(kind: str, data: bytes) -> float:
    """The length mutagen reads from the stream's own headers: proof the file is still audio."""
    if kind == "ogg":
        return float(OggOpus(io.BytesIO(data)).info.length)
    if kind == "m4a":
        return float(MP4(io.BytesIO(data)).info.length)
    return float(MP3(io.BytesIO(data)).info.length)
