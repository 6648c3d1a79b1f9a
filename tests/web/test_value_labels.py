"""data/value_labels.json is what the vocabulary and catalogues say; both label files fit the schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from havenwatch.core.value_labels import code_for, fold_label, generated, synonyms
from havenwatch.web.value_labels import data_path, render


def _data(name: str) -> object:
    return json.loads(resources.files("havenwatch.data").joinpath(name).read_text("utf-8"))


def test_the_label_table_is_generated_from_vocabulary_and_catalogues() -> None:
    assert data_path().read_text(encoding="utf-8") == render(), (
        "data/value_labels.json is stale: run `python -m havenwatch.web.value_labels`"
    )


@pytest.mark.parametrize("name", ["value_labels.json", "value_synonyms.json"])
def test_label_files_follow_their_schema(name: str) -> None:
    schema = _data("value_labels.schema.json")
    jsonschema.Draft202012Validator(schema).validate(_data(name))  # type: ignore[arg-type]


def test_every_synonym_names_one_known_code_unambiguously() -> None:
    for kind, codes in synonyms().items():
        known = generated()["kinds"][kind]
        for code, words in codes.items():
            assert code in known, f"{kind}: unknown code {code}"
            for word in words:
                assert code_for(kind, word) == code, f"{kind}: {word!r} is ambiguous"


def test_every_label_reads_back_as_its_own_code_in_every_language() -> None:
    for kind, codes in generated()["kinds"].items():
        for code, labels in codes.items():
            for label in labels.values():
                assert code_for(kind, label) == code, (kind, label)
                assert code_for(kind, fold_label(label).upper()) == code


def test_the_schema_refuses_a_label_missing_a_language() -> None:
    schema = _data("value_labels.schema.json")
    broken = {"_comment": "x", "locales": ["en"], "columns": {}, "kinds": {"event_type": {}}}
    broken["kinds"] = {
        k: {"a": {"en": "A"}} for k in ("event_type", "authority", "grounds", "status", "country")
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)  # type: ignore[arg-type]
