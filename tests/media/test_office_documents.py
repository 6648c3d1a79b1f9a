"""Word and OpenDocument files are accepted and lose who wrote, edited and commented them;
documents with macros, other archives and archive bombs are refused in one line."""

from __future__ import annotations

import io
import zipfile

import pytest

from havenwatch.media import filetypes, office_clean
from havenwatch.media.filetypes import UploadRefused, sniff
from havenwatch.media.metadata_clean import strip_metadata

CANARY = b"Radomir Informant"
DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
    "docProps/core.xml": b"<cp:coreProperties><dc:creator>" + CANARY + b"</dc:creator>"
    b"<cp:lastModifiedBy>" + CANARY + b"</cp:lastModifiedBy>"
    b"<dcterms:created>2025-03-03T10:00:00Z</dcterms:created></cp:coreProperties>",
    "docProps/app.xml": b"<Properties><Company>Novi Sad Legal Aid</Company>"
    b"<TotalTime>42</TotalTime></Properties>",
    "word/document.xml": b'<w:document><w:body><w:p w:rsidR="00A1B2C3"><w:ins w:id="1" '
    b'w:author="' + CANARY + b'" w:date="2025-03-04T09:00:00Z"><w:r><w:t>'
    b"Zalba protiv resenja o otkazu boravka</w:t></w:r></w:ins></w:p></w:body></w:document>",
    "word/comments.xml": b'<w:comments><w:comment w:id="0" w:author="' + CANARY + b'" '
    b'w:initials="RI"><w:p><w:r><w:t>Check the date</w:t></w:r></w:p></w:comment></w:comments>',
    "word/people.xml": b'<w15:people><w15:person w15:author="' + CANARY + b'"/></w15:people>',
}
ODT_PARTS = {
    "mimetype": b"application/vnd.oasis.opendocument.text",
    "META-INF/manifest.xml": b"<manifest:manifest/>",
    "meta.xml": b"<office:document-meta><office:meta><meta:initial-creator>"
    + CANARY
    + b"</meta:initial-creator><dc:creator>"
    + CANARY
    + b"</dc:creator></office:meta>"
    b"</office:document-meta>",
    "content.xml": b"<office:document-content><office:body><office:text><text:p>"
    b"Zalba<office:annotation><dc:creator>" + CANARY + b"</dc:creator><dc:date>"
    b"2025-03-04</dc:date><text:p>note</text:p></office:annotation></text:p>"
    b"</office:text></office:body></office:document-content>",
}


def archive(parts: dict[str, bytes], *, comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(zipfile.ZipInfo(name, (2025, 3, 4, 9, 30, 0)), content, method)
        target.comment = comment
    return out.getvalue()


@pytest.mark.parametrize(("parts", "kind"), [(DOCX_PARTS, "DOCX"), (ODT_PARTS, "ODT")])
def test_office_documents_lose_their_authors_and_stay_documents(
    parts: dict[str, bytes], kind: str
) -> None:
    data = archive(parts, comment=CANARY)
    assert sniff(data) == getattr(filetypes, kind)
    cleaned = strip_metadata(data, getattr(filetypes, kind))
    assert cleaned.stripped and CANARY not in cleaned.data
    result = zipfile.ZipFile(io.BytesIO(cleaned.data))
    assert sorted(result.namelist()) == sorted(parts)
    assert all(entry.date_time == (1980, 1, 1, 0, 0, 0) for entry in result.infolist())
    text = b"".join(result.read(name) for name in result.namelist())
    assert CANARY not in text and b"2025-03-04" not in text and b"rsid" not in text
    assert b"Zalba" in text
    if kind == "ODT":
        assert result.infolist()[0].filename == "mimetype"
        assert result.infolist()[0].compress_type == zipfile.ZIP_STORED


def test_a_document_with_macros_is_refused() -> None:
    data = archive({**DOCX_PARTS, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    with pytest.raises(UploadRefused, match="macros"):
        strip_metadata(data, sniff(data))
    odt = archive({**ODT_PARTS, "Basic/Standard/Module1.xml": b"<script/>"})
    with pytest.raises(UploadRefused, match="macros"):
        strip_metadata(odt, sniff(odt))


def test_other_archives_are_refused() -> None:
    with pytest.raises(UploadRefused, match="not accepted"):
        sniff(archive({"secret.txt": b"plain files in a zip"}))


def test_a_document_that_expands_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office_clean, "MAX_EXPANDED_BYTES", 2 * 1024 * 1024)
    bomb = archive({**DOCX_PARTS, "word/media/blank.bin": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    with pytest.raises(UploadRefused, match="expands"):
        strip_metadata(bomb, sniff(bomb))


def test_a_broken_document_is_refused_in_one_line() -> None:
    data = archive(DOCX_PARTS)
    broken = data[: len(data) // 2]
    with pytest.raises(UploadRefused) as refused:
        strip_metadata(broken, filetypes.DOCX)
    assert "\n" not in str(refused.value)
