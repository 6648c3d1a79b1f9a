"""Every interface string is in the catalogs, translated into Russian and Serbian (Latin)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from havenwatch.web.i18n import catalog_path
from havenwatch.web.labels import english_labels

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def interface_messages() -> set[str]:
    root = Path(str(resources.files("havenwatch.web")))
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), METHODS, OPTIONS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    for table in english_labels().values():
        found.update(table.values())
    return found


@pytest.mark.parametrize("locale", ["en", "ru", "sr_Latn"])
def test_catalog_has_every_interface_message(locale: str) -> None:
    source = resources.files("havenwatch.web").joinpath(catalog_path(locale))
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(interface_messages() - set(known))
    assert not missing, f"add to {locale}: {missing}"
    if locale != "en":
        untranslated = [
            key
            for key, message in known.items()
            if not (message.string if isinstance(message.string, str) else all(message.string))
        ]
        assert not untranslated, f"translate in {locale}: {untranslated}"
