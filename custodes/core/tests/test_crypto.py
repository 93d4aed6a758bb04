import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.core import crypto


def _keys(*ids: str) -> crypto.MasterKeys:
    return crypto.parse_master_keys(",".join(f"{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in ids))


@given(plaintext=st.binary(max_size=4096), context=st.text(min_size=1, max_size=40))
def test_round_trip_through_a_wrapped_data_key(plaintext: bytes, context: str):
    keys = _keys("a")
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap_data_key(data_key, context=context, keys=keys)
    sealed = crypto.encrypt(data_key, plaintext, associated_data=context)
    if len(plaintext) >= 16:  # a short plaintext can occur in random bytes by chance; a long one cannot
        assert plaintext not in sealed
    recovered_key = crypto.unwrap_data_key(wrapped, context=context, keys=keys)
    assert crypto.decrypt(recovered_key, sealed, associated_data=context) == plaintext


@given(plaintext=st.binary(min_size=1, max_size=512), flip=st.integers(min_value=0))
def test_any_altered_byte_is_refused(plaintext: bytes, flip: int):
    key = crypto.new_data_key()
    sealed = bytearray(crypto.encrypt(key, plaintext, associated_data="report:1:narrative"))
    sealed[flip % len(sealed)] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, bytes(sealed), associated_data="report:1:narrative")


def test_ciphertext_moved_to_another_record_is_refused():
    key = crypto.new_data_key()
    sealed = crypto.encrypt(key, b"what happened", associated_data="report:1:narrative")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, sealed, associated_data="report:2:narrative")


def test_rotation_rewraps_under_the_new_key_and_old_keys_still_unwrap():
    old = _keys("old")
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap_data_key(data_key, context="report:7", keys=old)
    both = crypto.MasterKeys(current_id="new", keys={**_keys("new").keys, **old.keys})
    assert crypto.unwrap_data_key(wrapped, context="report:7", keys=both) == data_key
    rewrapped = crypto.rewrap_data_key(wrapped, context="report:7", keys=both)
    assert rewrapped.master_key_id == "new"
    only_new = crypto.MasterKeys(current_id="new", keys={"new": both.keys["new"]})
    assert crypto.unwrap_data_key(rewrapped, context="report:7", keys=only_new) == data_key
    with pytest.raises(crypto.DecryptionError, match="not configured"):
        crypto.unwrap_data_key(wrapped, context="report:7", keys=only_new)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "holds no key"),
        ("nocolon", "ID:BASE64"),
        ("a:not-base64!", "not valid base64"),
        (f"a:{base64.b64encode(b'short').decode()}", "32 bytes"),
        (f"a:{base64.b64encode(bytes(32)).decode()},a:{base64.b64encode(bytes(32)).decode()}", "twice"),
    ],
)
def test_malformed_master_keys_are_refused_with_a_reason(value: str, message: str):
    with pytest.raises(crypto.KeyConfigurationError, match=message):
        crypto.parse_master_keys(value)


def test_the_first_configured_key_is_current():
    keys = _keys("k2", "k1")
    assert keys.current_id == "k2"
    assert set(keys.keys) == {"k1", "k2"}
