"""``custodes import estate``: each kind of file, upserts, idempotent re-imports, all-or-nothing, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pytest
from django.core.management import ManagementUtility

from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.estate import imports
from custodes.estate.models import Cell, Establishment, Placement, Posting, Prisoner, StaffMember, Unit
from custodes.estate.tests.conftest import Prison
from custodes.estate.tests.importing import csv_file, run_import
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

ESTABLISHMENTS = """code,name,category,region,in_use_cna,operational_capacity,active
QWA,HMP Quarry Wood,cat_b_local,Fictional South,420,610,yes
QWB,HMP Brackwater,Category C,Fictional North,300,350,
QWC,HMP Old Dunmere,cat_d,Fictional North,80,90,no
"""
UNITS = """establishment,code,name,kind
QWA,A,A wing,
QWA,HB1,House block 1,house_block
QWB,SEG,Segregation unit,Segregation unit
"""
CELLS = """establishment,unit,label,certified_capacity,operational_capacity,in_use
QWA,A,A-1-01,1,2,yes
QWA,A,A-1-02,1,1,
QWA,HB1,1-01,2,3,no
QWB,SEG,S-01,1,1,yes
"""
PRISONERS = """prison_number,first_name,last_name
Q1001AA,Corin,Dunmere
Q1002AA,Dace,Ashgrove
Q1003AA,Elowen,Fallowfield
"""
STAFF = """staff_number,first_name,last_name,grade
QS0001,Alder,Brackwater,band3
QS0002,Bramble,Coldharbour,Governing governor
"""
PLACEMENTS = """prison_number,establishment,unit,cell,start_date,end_date
Q1001AA,QWB,,,2024-11-01,2025-01-06
Q1001AA,QWA,A,A-1-01,2025-01-06,
Q1002AA,QWA,A,A-1-01,2025-02-01,
Q1003AA,QWB,,,2025-03-01,
"""
POSTINGS = """staff_number,establishment,unit,start_date,end_date
QS0001,QWB,,2020-04-01,2023-09-30
QS0001,QWA,A,2023-10-01,
QS0002,QWA,,2024-01-15,
"""


def load(tmp_path: Path, *kinds: str) -> None:
    """Import the example files, in order, checking each succeeds."""
    files = {
        "establishments": ESTABLISHMENTS,
        "units": UNITS,
        "cells": CELLS,
        "prisoners": PRISONERS,
        "staff": STAFF,
        "placements": PLACEMENTS,
        "postings": POSTINGS,
    }
    for kind in kinds:
        result = run_import(csv_file(tmp_path, files[kind], name=f"{kind}.csv"))
        assert result.status == 0, result.err


def test_establishments(tmp_path: Path):
    result = run_import(csv_file(tmp_path, ESTABLISHMENTS))
    assert result.status == 0, result.err
    assert "Imported 3 establishments rows: 3 created, 0 updated, 0 unchanged." in result.out
    qwb = Establishment.objects.get(code="QWB")
    assert (qwb.name, qwb.category, qwb.in_use_cna, qwb.operational_capacity, qwb.is_active) == (
        "HMP Brackwater",
        "cat_c",  # given as its label
        300,
        350,
        True,  # blank: a new establishment is active
    )
    assert Establishment.objects.get(code="QWC").is_active is False


def test_units_and_cells(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells")
    assert sorted(Unit.objects.values_list("establishment__code", "code", "kind")) == [
        ("QWA", "A", "wing"),
        ("QWA", "HB1", "house_block"),
        ("QWB", "SEG", "segregation"),
    ]
    cell = Cell.objects.get(unit__code="HB1", label="1-01")
    assert (cell.establishment.code, cell.certified_capacity, cell.operational_capacity, cell.in_use) == (
        "QWA",
        2,
        3,
        False,
    )
    assert Cell.objects.get(label="A-1-02").in_use is True


def test_prisoners_and_placements_keep_where_they_are_in_step(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "placements")
    first = Prisoner.objects.get(prison_number="Q1001AA")
    assert (first.current_establishment.code, first.current_cell.label) == ("QWA", "A-1-01")  # type: ignore[union-attr]
    assert list(first.placements.order_by("start_date").values_list("establishment__code", "end_date")) == [
        ("QWB", dt.date(2025, 1, 6)),
        ("QWA", None),
    ]
    third = Prisoner.objects.get(prison_number="Q1003AA")
    assert (third.current_establishment.code, third.current_cell) == ("QWB", None)  # type: ignore[union-attr]
    assert Cell.objects.get(label="A-1-01").current_occupants.count() == 2


def test_staff_and_postings_keep_where_they_work_in_step(tmp_path: Path):
    load(tmp_path, "establishments", "units", "staff", "postings")
    alder = StaffMember.objects.get(staff_number="QS0001")
    assert alder.current_establishment.code == "QWA"  # type: ignore[union-attr]
    assert list(alder.postings.order_by("start_date").values_list("establishment__code", "unit__code")) == [
        ("QWB", None),
        ("QWA", "A"),
    ]
    assert StaffMember.objects.get(staff_number="QS0002").grade == "governor"


def test_a_later_placement_in_a_file_ends_the_current_one_as_a_move_does(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "placements")
    moved = "prison_number,establishment,unit,cell,start_date,end_date\nQ1002AA,QWB,SEG,S-01,2025-05-01,\n"
    result = run_import(csv_file(tmp_path, moved))
    assert result.status == 0, result.err
    assert "1 created, 0 updated, 0 unchanged, 1 current placements ended" in result.out
    prisoner = Prisoner.objects.get(prison_number="Q1002AA")
    assert prisoner.current_cell.label == "S-01"  # type: ignore[union-attr]
    assert list(prisoner.placements.order_by("start_date").values_list("cell__label", "end_date")) == [
        ("A-1-01", dt.date(2025, 5, 1)),
        ("S-01", None),
    ]


def test_re_importing_the_same_file_changes_nothing(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners", "staff", "placements", "postings")

    def snapshot() -> list[object]:
        return [
            list(model.objects.order_by("pk").values())
            for model in (Establishment, Unit, Cell, Prisoner, StaffMember, Placement, Posting)
        ]

    before = snapshot()
    for name, text, rows in [
        ("establishments", ESTABLISHMENTS, 3),
        ("cells", CELLS, 4),
        ("placements", PLACEMENTS, 4),
        ("postings", POSTINGS, 3),
    ]:
        result = run_import(csv_file(tmp_path, text, name=f"again-{name}.csv"))
        assert result.status == 0, result.err
        assert f"0 created, 0 updated, {rows} unchanged" in result.out
    assert snapshot() == before


def test_upserts_by_natural_key_update_only_what_differs(tmp_path: Path):
    load(tmp_path, "establishments", "units", "cells", "prisoners")
    changed = ESTABLISHMENTS.replace(
        "QWB,HMP Brackwater,Category C,Fictional North,300,350,", "QWB,HMP Brackwater,cat_c,Fictional North,310,350,"
    )
    result = run_import(csv_file(tmp_path, changed))
    assert "0 created, 1 updated, 2 unchanged" in result.out
    assert Establishment.objects.get(code="QWB").in_use_cna == 310
    # A blank optional column leaves the stored value alone: QWC stays closed.
    reopened = changed.replace(
        "QWC,HMP Old Dunmere,cat_d,Fictional North,80,90,no", "QWC,HMP Old Dunmere,cat_d,Fictional North,80,90,"
    )
    assert "0 created, 0 updated, 3 unchanged" in run_import(csv_file(tmp_path, reopened)).out
    assert Establishment.objects.get(code="QWC").is_active is False
    renamed = "prison_number,first_name,last_name\nQ1002AA,Dace,Ashgrove-Ives\nQ1009AA,Garnet,Hollis\n"
    assert "1 created, 1 updated, 0 unchanged" in run_import(csv_file(tmp_path, renamed)).out
    assert Prisoner.objects.get(prison_number="Q1002AA").last_name == "Ashgrove-Ives"


def test_an_import_is_one_audit_event_with_counts_and_the_files_hash_never_its_content(tmp_path: Path):
    load(tmp_path, "establishments")
    path = csv_file(tmp_path, PRISONERS)
    before = AuditEvent.objects.count()
    assert run_import(path).status == 0
    (event,) = AuditEvent.objects.filter(seq__gt=before)
    assert event.action == "estate.imported"
    assert event.actor_label == "command line"
    assert (event.target_type, event.target_id) == ("estate.import", "prisoners")
    assert event.detail == {
        "kind": "prisoners",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "closed": 0,
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    assert "Dunmere" not in str(event.detail)
    assert "Q1001AA" not in str(event.detail)


def test_a_dry_run_writes_nothing_and_says_what_would_change(tmp_path: Path):
    path = csv_file(tmp_path, ESTABLISHMENTS)
    result = run_import(path, "--dry-run")
    assert result.status == 0
    assert "Dry run: 3 establishments rows are valid (3 created, 0 updated, 0 unchanged). Nothing was written." in (
        result.out
    )
    assert not Establishment.objects.exists()
    assert not AuditEvent.objects.filter(action="estate.imported").exists()


def test_all_or_nothing_one_bad_row_and_nothing_is_written(tmp_path: Path):
    bad = ESTABLISHMENTS + "QWD,HMP Elmscote,cat_c,Fictional East,0,10,yes\n"
    result = run_import(csv_file(tmp_path, bad))
    assert result.status == 1
    assert result.problems == ["line 5: in_use_cna: 0 is out of range: it must be from 1 to 2147483647"]
    assert "1 problem on 1 line of estate.csv: nothing was imported." in result.err
    assert not Establishment.objects.exists()
    assert not AuditEvent.objects.filter(action="estate.imported").exists()


def test_all_or_nothing_for_a_file_of_many_batches(tmp_path: Path):
    """The bad row is in the last batch: the batches before it, already checked, are not written either."""
    rows = [f"Q{n:04d}AB,Ives,Hazeldean" for n in range(1200)] + ["Q12XXAB,Ives,Hazeldean"]
    result = run_import(csv_file(tmp_path, "prison_number,first_name,last_name\n" + "\n".join(rows) + "\n"))
    assert result.status == 1
    assert [p.split(":")[0] for p in result.problems] == ["line 1202"]
    assert not Prisoner.objects.exists()


def test_a_large_file_costs_queries_per_batch_not_per_row(tmp_path: Path, django_assert_max_num_queries):
    load(tmp_path, "establishments", "units", "cells")
    names = itertools.cycle(["Alder", "Bramble", "Corin", "Dace"])
    rows = [f"Q{n % 10000:04d}{chr(65 + n // 10000)}B,{next(names)},Hazeldean" for n in range(5000)]
    path = csv_file(tmp_path, "prison_number,first_name,last_name\n" + "\n".join(rows) + "\n")
    with django_assert_max_num_queries(80):
        result = run_import(path)
    assert result.status == 0, result.err
    assert Prisoner.objects.count() == 5000
    placements = ["prison_number,establishment,unit,cell,start_date,end_date"] + [
        f"Q{n:04d}AB,QWB,,,2025-01-01," for n in range(3000)
    ]
    with django_assert_max_num_queries(80):
        result = run_import(csv_file(tmp_path, "\n".join(placements) + "\n", name="placements.csv"))
    assert result.status == 0, result.err
    assert Prisoner.objects.filter(current_establishment__code="QWB").count() == 3000


def test_the_command_line_exit_status(tmp_path: Path):
    good, bad = csv_file(tmp_path, ESTABLISHMENTS, name="good.csv"), csv_file(tmp_path, "code\nQ\n", name="bad.csv")
    for path, status in [(good, 0), (bad, 1), (tmp_path / "missing.csv", 2)]:
        utility = ManagementUtility(["custodes", "import", "estate", str(path)])
        if status == 0:
            utility.execute()
        else:
            with pytest.raises(SystemExit) as exited:
                utility.execute()
            assert exited.value.code == status


def test_the_actor_is_recorded_and_must_be_allowed_to_manage_the_estate(tmp_path: Path, prison_a: Prison):
    path = csv_file(tmp_path, ESTABLISHMENTS)
    governor = persona(Role.GOVERNOR, prison_a.establishment)
    refused = run_import(path, "--actor", governor.username)
    assert refused.status == 2
    assert "may not import estate records" in refused.err
    assert run_import(path, "--actor", "nobody-at-all").status == 2
    assert not Establishment.objects.filter(code="QWA").exists()
    admin = persona(Role.SYSTEM_ADMINISTRATOR)
    assert run_import(path, "--actor", admin.username).status == 0
    event = AuditEvent.objects.filter(action="estate.imported").get()
    assert event.actor_id == admin.pk
    assert event.actor_roles == "system_administrator@national"


@pytest.mark.parametrize("name", list(imports.KINDS))
def test_every_kind_is_recognised_from_its_header_alone(name: str):
    kind = imports.KINDS[name]
    optional = [c.name for c in kind.columns if not c.required]
    for header in ([c for c in kind.column_names() if c not in optional], kind.column_names()):
        assert [k.name for k in imports.KINDS.values() if k.accepts(header)] == [name]


def test_a_file_that_changes_between_checking_and_writing_is_refused(tmp_path: Path):
    path = csv_file(tmp_path, ESTABLISHMENTS)
    result = imports.validate(path)
    assert result.ok
    path.write_text(ESTABLISHMENTS.replace("420", "421"), encoding="utf-8")
    with pytest.raises(imports.FileChanged):
        imports.write(path, result)


def test_the_documented_examples_import_in_order_and_name_every_column(tmp_path: Path):
    """docs/estate-import.md: each kind's section documents each of its columns, and its example imports."""
    import re

    from django.conf import settings

    text = (Path(settings.BASE_DIR).parent / "docs" / "estate-import.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL))
    assert list(imports.KINDS) == [name for name in sections if name in imports.KINDS]
    for name, kind in imports.KINDS.items():
        section = sections[name]
        for column in kind.columns:
            assert f"| `{column.name}` | {'yes' if column.required else 'no'} |" in section, (name, column.name)
        (example,) = re.findall(r"```csv\n(.*?)```", section, flags=re.DOTALL)
        result = run_import(csv_file(tmp_path, example, name=f"{name}.csv"))
        assert result.status == 0, (name, result.err)
        assert result.out.startswith(f"Imported {example.count(chr(10)) - 1} {name} rows")
