"""Small documents with a text layer, made here: a PDF (one line per page, Helvetica) and a
Word file (one paragraph per line, any script)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def pdf_with_text(*lines: str) -> bytes:
    """A PDF whose pages show `lines` (Latin-1 letters: the standard Helvetica font)."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for line in lines:
        page = writer.add_blank_page(595, 842)
        content = DecodedStreamObject()
        text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content.set_data(b"BT /F1 12 Tf 72 760 Td (" + text.encode("cp1252") + b") Tj ET")
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_with_text(*paragraphs: str) -> bytes:
    """A minimal Word document, one paragraph per argument, split over two runs each."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text[: len(text) // 2])}</w:t></w:r>'
        f"<w:r><w:t>{escape(text[len(text) // 2 :])}</w:t></w:r></w:p>"
        for text in paragraphs
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def odt_with_text(*paragraphs: str) -> bytes:
    """A minimal OpenDocument text, one paragraph per argument, with a span inside each."""
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    body = "".join(
        f"<text:p>{escape(text[:3])}<text:span>{escape(text[3:])}</text:span></text:p>"
        for text in paragraphs
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        archive.writestr(info, "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()
