"""Reading the words of a scanned image with Debian's tesseract, when it is installed.

havenwatch ships no OCR engine or model. When the `tesseract` program is on the PATH (Debian:
`apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-srp tesseract-ocr-srp-latn`),
photos and image-only PDF pages are read with every installed language of Russian, Serbian
(Cyrillic and Latin) and English; without it an upload is stored as before and the page says
its text was not read. `HAVENWATCH_TESSERACT` names another program path, or turns OCR off
when set to "off".

tesseract runs as a subprocess: no shell, the image on its standard input (re-encoded as a
grey PNG by Pillow, scaled down to at most `MAX_OCR_PIXELS`), one thread, `TIMEOUT_SECONDS`
per image, at most `MAX_OUTPUT_BYTES` of text kept. Pages of an image-only PDF are rendered
by poppler's `pdftoppm` when it is installed (else the scans embedded in the page are read),
at most `MAX_OCR_PAGES` of them.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

TESSERACT_ENV = "HAVENWATCH_TESSERACT"
WANTED_LANGUAGES = ("rus", "srp", "srp_latn", "eng")
TIMEOUT_SECONDS = 120
MAX_OCR_PIXELS = 25_000_000
MAX_OCR_PAGES = 10
MAX_OUTPUT_BYTES = 4 * 1024 * 1024
RENDER_DPI = 300


class OcrFailed(Exception):
    """tesseract ran but gave no answer in time (or failed on this image)."""


@dataclass(frozen=True)
class Tesseract:
    """An installed tesseract and the wanted languages it has data for."""

    program: str
    languages: tuple[str, ...]

    def read_png(self, png: bytes) -> str:
        """The text of one image given as PNG bytes."""
        command = [self.program, "stdin", "stdout", "-l", "+".join(self.languages)]
        try:
            done = subprocess.run(
                command,
                input=png,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                env=_quiet_environment(),
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError) as error:
            raise OcrFailed(str(error)) from None
        if done.returncode != 0:
            raise OcrFailed(done.stderr.decode("utf-8", "replace")[-300:])
        return done.stdout[:MAX_OUTPUT_BYTES].decode("utf-8", "replace")

    def read_image(self, image: Image.Image) -> str:
        return self.read_png(ocr_png(image))


def _quiet_environment() -> dict[str, str]:
    """Only what tesseract needs: one thread each (uploads run in parallel), no user config."""
    keep = {
        key: os.environ[key] for key in ("PATH", "LANG", "TESSDATA_PREFIX") if key in os.environ
    }
    return {**keep, "OMP_THREAD_LIMIT": "1"}


def ocr_png(image: Image.Image) -> bytes:
    """A grey PNG of the image, scaled down to at most `MAX_OCR_PIXELS`."""
    grey = image.convert("L")
    pixels = grey.width * grey.height
    if pixels > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / pixels) ** 0.5
        size = (max(1, int(grey.width * scale)), max(1, int(grey.height * scale)))
        grey = grey.resize(size)
    output = io.BytesIO()
    grey.save(output, "PNG")
    return output.getvalue()


@lru_cache(maxsize=8)
def _tesseract_at(program: str) -> Tesseract | None:
    try:
        listed = subprocess.run(
            [program, "--list-langs"],
            capture_output=True,
            timeout=30,
            env=_quiet_environment(),
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if listed.returncode != 0:
        return None
    lines = listed.stdout.decode("utf-8", "replace").split()
    languages = tuple(language for language in WANTED_LANGUAGES if language in lines)
    return Tesseract(program, languages) if languages else None


def find_tesseract() -> Tesseract | None:
    """The installed tesseract with at least one wanted language, or None (OCR not done)."""
    configured = os.environ.get(TESSERACT_ENV, "").strip()
    if configured.lower() == "off":
        return None
    program = configured or shutil.which("tesseract")
    if not program:
        return None
    return _tesseract_at(program)


def render_pdf_page(data: bytes, page_number: int) -> Image.Image | None:
    """One page (from 1) of a PDF as a grey image at `RENDER_DPI`, when pdftoppm is installed."""
    program = shutil.which("pdftoppm")
    if program is None:
        return None
    command = [program, "-r", str(RENDER_DPI), "-gray", "-png", "-singlefile"]
    command += ["-f", str(page_number), "-l", str(page_number), "-"]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if done.returncode != 0 or not done.stdout:
        return None
    try:
        image = Image.open(io.BytesIO(done.stdout))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return image
