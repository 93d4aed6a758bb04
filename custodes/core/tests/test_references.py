import datetime as dt

import pytest
from django.db import transaction

from custodes.core.references import is_reference, next_reference

pytestmark = pytest.mark.django_db

JUNE = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_references_count_up_per_prefix_and_restart_each_year():
    assert next_reference("R", at=JUNE) == "R-2026-000001"
    assert next_reference("R", at=JUNE) == "R-2026-000002"
    assert next_reference("C", at=JUNE) == "C-2026-000001"
    assert next_reference("R", at=JUNE.replace(year=2027)) == "R-2027-000001"


def test_a_rolled_back_reference_is_issued_again_so_there_are_no_gaps():
    next_reference("R", at=JUNE)
    with transaction.atomic():
        assert next_reference("R", at=JUNE) == "R-2026-000002"
        transaction.set_rollback(True)
    assert next_reference("R", at=JUNE) == "R-2026-000002"


@pytest.mark.parametrize("prefix", ["", "r", "TOOLONG", "R1"])
def test_prefixes_are_one_to_four_capitals(prefix: str):
    with pytest.raises(ValueError, match="capital letters"):
        next_reference(prefix)


def test_recognising_references():
    assert is_reference("R-2026-000123")
    assert is_reference(" r-2026-000123 ", "R")
    assert not is_reference("R-2026-000123", "C")
    assert not is_reference("R-26-1")
