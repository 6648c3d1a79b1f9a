"""Property tests: sealing round-trips, and any change of key, place or bytes is refused."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havenwatch.crypto.keys import (
    KeyFileError,
    generate_keyring,
    keyring_from_json,
    keyring_to_json,
    seal,
    unseal,
)
from havenwatch.crypto.padding import pad, padme, unpad

KEY = secrets.token_bytes(32)
places = st.text(min_size=0, max_size=60)


@given(st.binary(max_size=2048), places)
def test_unseal_gives_back_what_was_sealed(plaintext: bytes, aad: str) -> None:
    assert unseal(KEY, seal(KEY, plaintext, aad), aad) == plaintext


@given(st.binary(max_size=512), places, places)
def test_a_ciphertext_moved_to_another_place_does_not_open(
    plaintext: bytes, aad: str, other: str
) -> None:
    if aad != other:
        with pytest.raises(KeyFileError):
            unseal(KEY, seal(KEY, plaintext, aad), other)


@given(st.binary(max_size=512), places, st.data())
def test_any_flipped_bit_is_refused(plaintext: bytes, aad: str, data: st.DataObject) -> None:
    blob = bytearray(seal(KEY, plaintext, aad))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(KeyFileError):
        unseal(KEY, bytes(blob), aad)


@given(st.binary(max_size=256), places)
def test_another_key_does_not_open(plaintext: bytes, aad: str) -> None:
    with pytest.raises(KeyFileError):
        unseal(secrets.token_bytes(32), seal(KEY, plaintext, aad), aad)


@given(st.binary(max_size=4096))
def test_padding_round_trips_and_hides_the_exact_length(data: bytes) -> None:
    padded = pad(data)
    assert unpad(padded) == data and len(padded) == padme(len(data) + 8)


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_a_key_file_under_a_passphrase_opens_only_with_it(passphrase: str) -> None:
    keyring = generate_keyring()
    text = keyring_to_json(keyring, passphrase)
    assert keyring_from_json(text, passphrase) == keyring
    with pytest.raises(KeyFileError):
        keyring_from_json(text, passphrase + "x")


@given(st.binary(min_size=32, max_size=32))
def test_a_data_key_wrapped_by_one_key_file_is_refused_by_another(data_key: bytes) -> None:
    first, second = generate_keyring(), generate_keyring()
    assert first.unwrap(first.wrap(data_key, "p1"), "p1") == data_key
    with pytest.raises(KeyFileError):
        second.unwrap(first.wrap(data_key, "p1"), "p1")


@given(st.binary(min_size=32, max_size=32), places, places)
def test_a_data_key_wrapped_for_one_person_does_not_open_for_another(
    data_key: bytes, person_id: str, other_id: str
) -> None:
    keyring = generate_keyring()
    wrapped = keyring.wrap(data_key, person_id)
    assert keyring.unwrap(wrapped, person_id) == data_key
    if other_id != person_id:
        with pytest.raises(KeyFileError, match="moved from another person"):
            keyring.unwrap(wrapped, other_id)
