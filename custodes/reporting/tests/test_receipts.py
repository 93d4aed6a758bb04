import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.reporting import keys, receipts, throttle
from custodes.reporting.models import ReceiptGuessWindow


def test_receipts_are_16_digits_and_differ():
    made = {receipts.new_receipt() for _ in range(200)}
    assert len(made) == 200
    assert all(len(r) == 16 and r.isdigit() for r in made)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16), st.sampled_from([" ", "-", "\u2013", "  "]))
def test_typed_receipts_normalise_with_separators(digits: str, separator: str):
    spaced = separator.join(digits[i : i + 4] for i in range(0, 16, 4))
    assert receipts.normalise(spaced) == digits
    assert receipts.normalise(receipts.display(digits)) == digits


@pytest.mark.parametrize(
    "text", ["", "123", "1234 5678 9012 345", "1234 5678 9012 34567", "abcd efgh ijkl mnop", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦"]
)
def test_anything_but_16_ascii_digits_is_not_a_receipt(text: str):
    assert receipts.normalise(text) is None


@settings(max_examples=5, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_the_argon2id_hash_verifies_only_its_own_receipt(receipt: str):
    stored = receipts.hash_receipt(receipt)
    assert stored.startswith("$argon2id$")
    assert receipt not in stored
    assert receipts.verify(stored, receipt)
    other = f"{(int(receipt) + 1) % 10**16:016d}"
    assert not receipts.verify(stored, other)
    assert not receipts.verify("not a hash", receipt)


def test_lookup_values_are_keyed_and_separated_by_purpose(settings):
    lookup = keys.receipt_lookup("1234567890123456")
    assert lookup != keys.filer_tag(1234567890123456)
    assert "1234567890123456" not in lookup
    settings.LOOKUP_KEY = "ab" * 32
    assert keys.receipt_lookup("1234567890123456") != lookup


@pytest.mark.django_db
def test_failed_lookups_are_counted_per_minute_and_brake_at_the_limit(settings):
    settings.CUSTODES_RECEIPT_GUESS_LIMIT = 3
    minute = dt.datetime(2026, 11, 27, 10, 15, 20, tzinfo=dt.UTC)
    for _ in range(3):
        throttle.check_allowed(minute)
        throttle.note_failure(minute)
    with pytest.raises(throttle.TooManyGuesses):
        throttle.check_allowed(minute + dt.timedelta(seconds=30))
    throttle.check_allowed(minute + dt.timedelta(minutes=1))  # a new minute, a new allowance
    assert list(ReceiptGuessWindow.objects.values_list("failures", flat=True)) == [3]
    assert not any(hasattr(row, "address") for row in ReceiptGuessWindow.objects.all())
