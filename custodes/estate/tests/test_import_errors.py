"""``custodes import estate`` with bad files: every problem reported as "line N: column: reason", line numbers
as a spreadsheet shows them (the header is line 1), exit status 1, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.audit.models import AuditEvent
from custodes.estate.models import Establishment, Placement, Prisoner
from custodes.estate.tests.importing import csv_file, run_import
from custodes.estate.tests.test_import import CELLS, PLACEMENTS, PRISONERS, STAFF, UNITS, load

pytestmark = pytest.mark.django_db

EST_HEADER = "code,name,category,region,in_use_cna,operational_capacity\n"


def problems(tmp_path: Path, text: str, *options: str) -> list[str]:
    before = AuditEvent.objects.count()
    counts = {model: model.objects.count() for model in (Establishment, Prisoner, Placement)}
    result = run_import(csv_file(tmp_path, text, name="bad.csv"), *options)
    assert result.status == 1, result.out
    assert "nothing was imported" in result.err
    # Nothing written: no row and no audit event.
    assert AuditEvent.objects.count() == before
    assert {model: model.objects.count() for model in counts} == counts
    return result.problems


# --- The file as a whole -----------------------------------------------------------------------------------------


def test_an_empty_file(tmp_path: Path):
    assert problems(tmp_path, "") == ["line 1: the file is empty: the first line must name the columns"]


def test_a_header_and_no_rows(tmp_path: Path):
    assert problems(tmp_path, EST_HEADER + "\n\n") == ["line 2: there are no rows after the header: nothing to import"]


def test_a_blank_first_line(tmp_path: Path):
    assert problems(tmp_path, "\n" + EST_HEADER) == ["line 1: the first line is blank: it must name the columns"]


def test_a_header_that_matches_no_kind(tmp_path: Path):
    assert problems(tmp_path, "colour,size\nred,9\n") == [
        "line 1: the header names no column of any kind of estate file; the kinds are establishments, units, "
        "cells, staff, postings, prisoners, placements (see docs/estate-import.md)"
    ]


def test_a_file_separated_by_semicolons(tmp_path: Path):
    assert problems(tmp_path, "prison_number;first_name;last_name\nQ1001AA;Corin;Dunmere\n") == [
        "line 1: the columns seem to be separated by something other than commas: save the file as CSV UTF-8"
    ]


def test_a_header_near_a_kind_says_what_to_add_and_remove(tmp_path: Path):
    assert problems(tmp_path, "prison_number,first_name,surname\nQ1001AA,Corin,Dunmere\n") == [
        "line 1: the header matches no kind of estate file exactly; checked as prisoners, the nearest",
        "line 1: last_name: is missing (a file of prisoners needs prison_number, first_name, last_name)",
        "line 1: surname: is not a column of a file of prisoners",
    ]


def test_a_header_that_does_not_fit_the_kind_asked_for(tmp_path: Path):
    assert problems(tmp_path, PRISONERS, "--kind", "staff") == [
        "line 1: staff_number: is missing (a file of staff needs staff_number, first_name, last_name, grade)",
        "line 1: grade: is missing (a file of staff needs staff_number, first_name, last_name, grade)",
        "line 1: prison_number: is not a column of a file of staff",
    ]


def test_headers_are_matched_whatever_their_case_and_spacing(tmp_path: Path):
    result = run_import(csv_file(tmp_path, "Prison Number, First name ,LAST-NAME\nQ1001AA,Corin,Dunmere\n"))
    assert result.status == 0, result.err


def test_a_column_named_twice_or_not_at_all(tmp_path: Path):
    assert problems(tmp_path, "prison_number,first_name,last_name,first_name,\nQ1001AA,A,B,C,\n") == [
        "line 1: first_name: appears twice in the header",
        "line 1: a column has no name: every column of the header needs one",
    ]


def test_a_file_that_is_not_utf8_names_each_line(tmp_path: Path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "prison_number,first_name,last_name\nQ1001AA,Ren\xe9e,Ives\nQ1002AA,Juno,Ives\nQ1003AA,Zo\xeb,Fenn\n".encode(
            "latin-1"
        )
    )
    result = run_import(path)
    assert result.status == 1
    assert result.problems == [
        "line 2: is not UTF-8 text (byte 0xE9 at position 12): save it from your spreadsheet as "
        "'CSV UTF-8 (comma delimited)'",
        "line 4: is not UTF-8 text (byte 0xEB at position 11): save it from your spreadsheet as "
        "'CSV UTF-8 (comma delimited)'",
    ]
    assert not Prisoner.objects.exists()


def test_utf16_is_refused_in_one_message(tmp_path: Path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(PRISONERS.encode("utf-16"))
    result = run_import(path)
    assert result.problems == [
        "line 1: The file is UTF-16 text, not UTF-8: save it from your spreadsheet as 'CSV UTF-8 (comma delimited)'."
    ]


def test_a_byte_order_mark_and_windows_line_endings_are_welcome(tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "prison_number,first_name,last_name\r\nQ1001AA,Ren\u00e9e,Ives\r\n".encode())
    result = run_import(path)
    assert result.status == 0, result.err
    assert Prisoner.objects.get().first_name == "Ren\u00e9e"


def test_line_numbers_are_rows_as_a_spreadsheet_shows_them(tmp_path: Path):
    """A quoted value over two lines of the file is one row; a blank row still counts."""
    text = 'prison_number,first_name,last_name\nQ1001AA,"Corin\nthe second",Ives\n\nbad,Juno,Ives\n'
    assert problems(tmp_path, text) == [
        "line 2: first_name: contains a control character (such as a tab or line break)",
        "line 4: prison_number: 'bad' is not a prison number: one capital letter, four digits, two capital "
        "letters, like A1234BC",
    ]


def test_rows_with_the_wrong_number_of_values_and_broken_quoting(tmp_path: Path):
    text = 'prison_number,first_name,last_name\nQ1001AA,Corin\nQ1002AA,"Dace"x,Ives\nQ1003AA,A,B,C\n'
    assert problems(tmp_path, text) == [
        "line 2: has 2 values but the header has 3 columns",
        "line 3: is not valid CSV: ',' expected after '\"'",
        "line 4: has 4 values but the header has 3 columns",
    ]


# --- Values --------------------------------------------------------------------------------------------------------


def test_every_bad_value_on_every_row_is_reported(tmp_path: Path):
    text = EST_HEADER + (
        "QWA,HMP Quarry Wood,cat_b_local,Fictional South,420,610\n"
        "qwb,,cat_z,Fictional North,3.5,-1\n"
        f"QWC,{'x' * 121},high_security,,99999999999,1\n"
    )
    assert problems(tmp_path, text) == [
        "line 3: code: 'qwb' is not a NOMIS code: three capital letters, like WWI",
        "line 3: name: is empty; it is required",
        "line 3: category: 'cat_z' is not one of: high_security, cat_b_local, cat_b_trainer, cat_c, cat_d, "
        "female_closed, female_open, yoi",
        "line 3: in_use_cna: '3.5' is not a whole number (digits only, like 120)",
        "line 3: operational_capacity: '-1' is not a whole number (digits only, like 120)",
        "line 4: name: is 121 characters long; the most is 120",
        "line 4: region: is empty; it is required",
        "line 4: in_use_cna: 99999999999 is out of range: it must be from 1 to 2147483647",
    ]


def test_dates_must_be_real_iso_dates_and_yes_no_must_be_yes_or_no(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners")
    text = (
        "prison_number,establishment,unit,cell,start_date,end_date\n"
        "Q1001AA,QWA,,,06/01/2025,\n"
        "Q1002AA,QWA,,,2025-02-30,\n"
        "Q1003AA,QWA,,,20250101,\n"
    )
    assert problems(tmp_path, text) == [
        "line 2: start_date: '06/01/2025' is not a date written as YYYY-MM-DD, like 2025-03-31",
        "line 3: start_date: 2025-02-30 is not a real date",
        "line 4: start_date: '20250101' is not a date written as YYYY-MM-DD, like 2025-03-31",
    ]
    cells = "establishment,unit,label,certified_capacity,operational_capacity,in_use\nQWA,A,A-1-09,1,1,maybe\n"
    assert problems(tmp_path, cells) == ["line 2: in_use: 'maybe' is not yes or no"]


# --- References, duplicates and business rules ------------------------------------------------------------------


def test_references_must_exist(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "staff")
    assert problems(tmp_path, "establishment,code,name\nQZZ,A,A wing\n") == [
        "line 2: establishment: no establishment has the code QZZ"
    ]
    assert problems(tmp_path, "establishment,unit,label,certified_capacity,operational_capacity\nQWB,A,A-1,1,1\n") == [
        "line 2: unit: QWB has no unit with the code A"
    ]
    text = (
        "prison_number,establishment,unit,cell,start_date,end_date\n"
        "Q9999ZZ,QWA,,,2025-01-01,\n"
        "Q1001AA,QWA,A,A-9-99,2025-01-01,\n"
        "Q1002AA,QWA,Z,A-1-01,2025-01-01,\n"
        "Q1003AA,QWA,A,,2025-01-01,\n"
    )
    assert problems(tmp_path, text) == [
        "line 2: prison_number: Q9999ZZ has not been imported (no such record)",
        "line 3: cell: unit A at QWA has no cell labelled A-9-99",
        "line 4: unit: QWA has no unit with the code Z",
        "line 5: cell: is required when unit is given",
    ]
    postings = "staff_number,establishment,unit,start_date\nQS9999,QWA,,2025-01-01\nQS0001,QWA,ZZ,2025-01-01\n"
    assert problems(tmp_path, postings) == [
        "line 2: staff_number: QS9999 has not been imported (no such record)",
        "line 3: unit: QWA has no unit with the code ZZ",
    ]


def test_duplicates_within_the_file_and_names_taken_by_others(tmp_path: Path):
    load(tmp_path, "establishments")
    text = EST_HEADER + (
        "QXA,HMP Hollis,cat_c,Fictional East,10,10\n"
        "QXA,HMP Ives,cat_c,Fictional East,10,10\n"
        "QXB,HMP Hollis,cat_c,Fictional East,10,10\n"
        "QXC,HMP Quarry Wood,cat_c,Fictional East,10,10\n"
    )
    assert problems(tmp_path, text) == [
        "line 3: code: QXA is already on line 2",
        "line 4: name: 'HMP Hollis' is already the name on line 2",
        "line 5: name: 'HMP Quarry Wood' is already the name of QWA",
    ]
    assert problems(tmp_path, UNITS + "QWA,A,Another A wing,\n") == ["line 5: code: QWA, A is already on line 2"]
    assert problems(tmp_path, STAFF.replace("QS0002", "QS0001")) == [
        "line 3: staff_number: QS0001 is already on line 2"
    ]


def test_cells_rules(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "placements")
    text = (
        "establishment,unit,label,certified_capacity,operational_capacity,in_use\n"
        "QWA,A,A-1-05,2,1,yes\n"  # operational capacity below certified
        "QWA,A,A-1-01,1,1,yes\n"  # holds 2 now
        "QWA,A,A-1-01x,0,1,yes\n"  # a cell holds someone
    )
    assert problems(tmp_path, text) == [
        "line 2: operational_capacity: 1 is less than the certified capacity, 2",
        "line 3: operational_capacity: the cell holds 2 now, more than that",
        "line 4: certified_capacity: 0 is out of range: it must be from 1 to 32767",
    ]
    assert problems(tmp_path, CELLS.replace("QWA,A,A-1-01,1,2,yes", "QWA,A,A-1-01,1,2,no")) == [
        "line 2: in_use: the cell holds 2 now: move them before taking it out of use"
    ]


def test_periods_may_not_overlap_in_the_file_or_with_what_is_stored(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "placements")
    text = (
        "prison_number,establishment,unit,cell,start_date,end_date\n"
        "Q1001AA,QWB,,,2024-10-01,2024-11-15\n"  # overlaps the stored 2024-11-01 to 2025-01-06
        "Q1003AA,QWB,,,2024-01-01,2024-06-30\n"
        "Q1003AA,QWB,,,2024-06-01,2024-12-31\n"  # overlaps line 3
    )
    assert problems(tmp_path, text) == [
        "line 2: end_date: overlaps the placement already recorded from 2024-11-01 to 2025-01-06",
        "line 4: start_date: overlaps the placement on line 3, from 2024-01-01 to 2024-06-30",
    ]
    backwards = PLACEMENTS.splitlines()[0] + "\nQ1002AA,QWB,,,2025-03-01,2025-02-01\n"
    assert problems(tmp_path, backwards) == ["line 2: end_date: 2025-02-01 is before the start date"]
    # Two current placements for one prisoner in one file: the second starts while the first is open.
    two_open = PLACEMENTS.splitlines()[0] + "\nQ1003AA,QWB,,,2025-04-01,\nQ1003AA,QWA,,,2025-05-01,\n"
    assert problems(tmp_path, two_open) == [
        "line 3: start_date: overlaps the placement on line 2, from 2025-04-01 to now"
    ]


def test_a_current_placement_needs_a_cell_in_use_with_room(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "placements")
    header = PLACEMENTS.splitlines()[0] + "\n"
    assert problems(tmp_path, header + "Q1003AA,QWA,HB1,1-01,2025-06-01,\n") == [
        "line 2: cell: 1-01 is out of use, so no one can be placed in it now"
    ]
    # A-1-01 (operational capacity 2) holds Q1001AA and Q1002AA already.
    assert problems(tmp_path, header + "Q1003AA,QWA,A,A-1-01,2025-06-01,\n") == [
        "line 2: cell: A-1-01 would hold 3, more than its operational capacity of 2"
    ]
    # Moving one of them out in the same file makes room.
    room = header + "Q1003AA,QWA,A,A-1-01,2025-06-01,\nQ1001AA,QWA,A,A-1-02,2025-06-01,\n"
    assert run_import(csv_file(tmp_path, room, name="room.csv")).status == 0
    assert Prisoner.objects.get(prison_number="Q1003AA").current_cell.label == "A-1-01"  # type: ignore[union-attr]
