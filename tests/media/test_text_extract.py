"""The words of PDF, Word, OpenDocument and plain-text uploads are read; others give none."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from havenwatch.media.filetypes import sniff
from havenwatch.media.metadata_clean import strip_metadata
from havenwatch.media.text_extract import extract_text
from tests.media.document_samples import docx_with_text, odt_with_text, pdf_with_text


def _read(data: bytes) -> str:
    kind = sniff(data)
    return extract_text(strip_metadata(data, kind).data, kind)


def test_a_pdfs_text_layer_is_read_page_by_page_after_cleaning() -> None:
    text = _read(pdf_with_text("Rešenje o prestanku boravka", "Novi Sad, 3. mart 2025"))
    assert "Rešenje o prestanku boravka" in text
    assert "Novi Sad" in text


def test_word_and_opendocument_paragraphs_are_read_whole_in_any_script() -> None:
    word = _read(docx_with_text("Решење о престанку боравка", "Broj 26-1234/25"))
    assert word.splitlines() == ["Решење о престанку боравка", "Broj 26-1234/25"]
    odt = _read(odt_with_text("Žalba na rešenje", "Upravni sud"))
    assert odt.splitlines() == ["Žalba na rešenje", "Upravni sud"]


def test_plain_text_is_itself_and_photos_have_no_words() -> None:
    assert _read(b"Odluka MUP-a") == "Odluka MUP-a"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    assert _read(buffer.getvalue()) == ""


def test_an_unreadable_part_gives_no_text_instead_of_refusing_the_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body>unclosed")
    assert extract_text(buffer.getvalue(), sniff(buffer.getvalue())) == ""
    assert extract_text(b"%PDF-1.4 nothing else", sniff(b"%PDF-1.4 nothing else")) == ""
