"""Word (DOCX) and OpenDocument text (ODT) files without who wrote, edited or commented them.

Both are ZIP archives of XML parts. The cleaner rebuilds the archive part by part:

- document properties are replaced by empty ones (DOCX `docProps/core.xml`, `app.xml`,
  `custom.xml`; ODT `meta.xml`): no author, last editor, company, template, dates, editing
  time or revision count;
- in the text parts, the names on tracked changes and comments (`w:author`, `w:initials`,
  `dc:creator`) are emptied, their dates removed, and Word's revision-session ids (`w:rsid*`),
  which tie a file to the editing sessions of one machine, dropped; `word/people.xml` (the
  reviewers' accounts) is emptied;
- every entry gets the same fixed timestamp and the archive comment is dropped.

Documents with macros (`vbaProject.bin`, OpenDocument `Basic/` or `Scripts/`) are refused, and so
are archives that expand to more than `MAX_EXPANDED_BYTES` or hold too many entries.
"""

from __future__ import annotations

import io
import re
import zipfile

from havenwatch.media.filetypes import DOCX, ODT, FileKind, UploadRefused

MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5000
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    b'properties"/>'
)
EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
    b'properties"/>'
)
EMPTY_PEOPLE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>'
)
EMPTY_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
REPLACED = {
    "docProps/core.xml": EMPTY_CORE,
    "docProps/app.xml": EMPTY_APP,
    "docProps/custom.xml": EMPTY_CUSTOM,
    "word/people.xml": EMPTY_PEOPLE,
    "meta.xml": EMPTY_META,
}
NAMES = re.compile(rb'\s(?:w:author|w:initials|w:date|w15:userId|w15:providerId)="[^"]*"')
SESSIONS = re.compile(rb'\sw:rsid\w*="[^"]*"')
CREATORS = re.compile(rb"<dc:(creator|date)>[^<]*</dc:\1>")
MACROS = ("vbaProject.bin", "vbaData.xml", "Basic/", "Scripts/")


def strip_office_metadata(data: bytes, kind: FileKind) -> bytes:
    """The DOCX or ODT `data` rebuilt without the metadata listed above."""
    assert kind in (DOCX, ODT), kind.media_type
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        entries = source.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRefused(f"the document cannot be read ({error})") from None
    _check(entries)
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for entry in _in_order(entries):
            try:
                content = REPLACED.get(entry.filename) or _cleaned_part(source.read(entry))
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                raise UploadRefused(f"the document cannot be read ({error})") from None
            info = zipfile.ZipInfo(entry.filename, FIXED_TIME)
            stored = entry.filename == "mimetype"  # ODF: first, uncompressed
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def _check(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused("the document holds too many parts")
    if sum(entry.file_size for entry in entries) > MAX_EXPANDED_BYTES:
        raise UploadRefused(f"the document expands to more than {MAX_EXPANDED_BYTES >> 20} MB")
    if any(macro in entry.filename for entry in entries for macro in MACROS):
        raise UploadRefused("documents with macros are not accepted; save it without them")


def _in_order(entries: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """OpenDocument's `mimetype` entry must stay the first."""
    return sorted(entries, key=lambda entry: entry.filename != "mimetype")


def _cleaned_part(content: bytes) -> bytes:
    if not content.lstrip().startswith(b"<"):
        return content  # images and other binary parts carry no names of the editors
    content = NAMES.sub(b"", content)
    content = SESSIONS.sub(b"", content)
    return CREATORS.sub(b"", content)
