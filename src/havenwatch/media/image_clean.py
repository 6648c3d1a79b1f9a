"""Re-encoding photos so that nothing but their pixels leaves the upload.

EXIF (GPS position, camera serial number, owner name), XMP, IPTC, ICC profiles and comments
can identify the person who took a photo and where. Copying only the pixels into a fresh
image drops all of them at once, whatever container they hid in. The orientation recorded in
EXIF is applied first, so the photo still looks the right way up.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from havenwatch.media.filetypes import JPEG, PNG, WEBP, FileKind, UploadRefused

MAX_PIXELS = 60_000_000
OUTPUT_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UploadRefused("the image has too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused("the image is damaged or cannot be read") from None
    return image


def _pixels_only(image: Image.Image, kind: FileKind) -> Image.Image:
    upright = ImageOps.exif_transpose(image)
    has_alpha = "A" in upright.getbands() or "transparency" in upright.info
    mode = "RGB" if kind == JPEG or not has_alpha else "RGBA"
    if upright.mode == "L" and not has_alpha:
        mode = "L"
    converted = upright.convert(mode)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def strip_image_metadata(data: bytes, kind: FileKind) -> bytes:
    """The same picture, re-encoded in its own format, with no metadata at all."""
    clean = _pixels_only(_open(data), kind)
    output = io.BytesIO()
    if kind == JPEG:
        clean.save(output, "JPEG", quality=92, optimize=True)
    elif kind == WEBP:
        clean.save(output, "WEBP", quality=92)
    else:
        clean.save(output, "PNG", optimize=True)
    return output.getvalue()
