"""Re-encoding photos so that nothing but their pixels leaves the upload.

EXIF (GPS position, camera serial number, owner name), XMP, IPTC, ICC profiles and comments
can identify the person who took a photo and where. Copying only the pixels into a fresh
image drops all of them at once, whatever container they hid in. The orientation recorded in
EXIF is applied first, so the photo still looks the right way up.

HEIC photos (what iPhones take) are decoded with pillow-heif (libheif is in its wheel), which
applies the container's rotation itself, and stored as JPEG: browsers and readers without
HEIF support can then open the cleaned copy; the original's SHA-256 is kept as for any file.

`found_metadata` names what the photo carried before cleaning (GPS position, EXIF, XMP...),
so the upload page can say what was removed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from havenwatch.media.filetypes import HEIC, JPEG, WEBP, FileKind, UploadRefused

MAX_PIXELS = 60_000_000
GPS_IFD = 0x8825
# Where Pillow and pillow-heif put each kind of metadata, and the code the page shows for it.
INFO_KEYS = {
    "xmp": "xmp",
    "XML:com.adobe.xmp": "xmp",
    "photoshop": "iptc",
    "icc_profile": "icc_profile",
    "comment": "comment",
    "thumbnails": "thumbnail",
    "depth_images": "depth_map",
}


@dataclass(frozen=True)
class CleanImage:
    """The re-encoded picture, its kind (JPEG for a HEIC) and what the upload carried."""

    data: bytes
    kind: FileKind
    found: tuple[str, ...]


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UploadRefused("the image has too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused("the image is damaged or cannot be read") from None
    return image


def _open_heic(data: bytes) -> tuple[Image.Image, dict[str, object]]:
    """The primary picture of a HEIC, upright, and the metadata its container held."""
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > MAX_PIXELS:
            raise UploadRefused("the image has too many pixels")
        image = heif.to_pillow()
        image.load()
    except (ValueError, RuntimeError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused("the image is damaged or cannot be read") from None
    return image, dict(heif.info)


def found_metadata(info: dict[str, object], exif: Image.Exif, text: dict[str, str]) -> list[str]:
    """Codes of what a photo carried: "gps", "exif", "xmp", "iptc", "icc_profile"..."""
    found: dict[str, None] = {}
    if exif.get_ifd(GPS_IFD):
        found["gps"] = None
    if len(exif) or exif.get_ifd(GPS_IFD):
        found["exif"] = None
    for key, code in INFO_KEYS.items():
        if info.get(key):
            found[code] = None
    if text:
        found["text_chunks"] = None
    return list(found)


def _exif_of(info: dict[str, object]) -> Image.Exif:
    exif = Image.Exif()
    raw = info.get("exif")
    if isinstance(raw, bytes) and raw:
        try:
            exif.load(raw)
        except (ValueError, OSError, SyntaxError, KeyError, TypeError):
            exif[0] = 0  # present but unreadable: still reported as EXIF
    return exif


def _pixels_only(image: Image.Image, kind: FileKind, *, transpose: bool = True) -> Image.Image:
    upright = ImageOps.exif_transpose(image) if transpose else image
    has_alpha = "A" in upright.getbands() or "transparency" in upright.info
    mode = "RGB" if kind == JPEG or not has_alpha else "RGBA"
    if upright.mode == "L" and not has_alpha:
        mode = "L"
    converted = upright.convert(mode)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def clean_image(data: bytes, kind: FileKind) -> CleanImage:
    """The same picture with no metadata at all, in its own format (a HEIC as JPEG)."""
    if kind == HEIC:
        picture, info = _open_heic(data)
        found = found_metadata(info, _exif_of(info), {})
        # libheif has already turned the picture by the container's rotation.
        clean, kind = _pixels_only(picture, JPEG, transpose=False), JPEG
    else:
        picture = _open(data)
        chunks = dict(getattr(picture, "text", None) or {})
        text = {key: value for key, value in chunks.items() if key not in INFO_KEYS}
        info = {str(key): value for key, value in picture.info.items()}
        found = found_metadata(info, picture.getexif(), text)
        clean = _pixels_only(picture, kind)
    output = io.BytesIO()
    if kind == JPEG:
        clean.save(output, "JPEG", quality=92, optimize=True)
    elif kind == WEBP:
        clean.save(output, "WEBP", quality=92)
    else:
        clean.save(output, "PNG", optimize=True)
    return CleanImage(output.getvalue(), kind, tuple(found))
