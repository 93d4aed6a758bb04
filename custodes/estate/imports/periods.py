"""Files of periods over time: postings (staff at an establishment) and placements (prisoners in a cell).

A period is upserted by its person and start date. Periods are whole days and half-open (see
custodes.estate.services): one that ends on 5 March and one that starts on 5 March do not overlap.

Whether a period is acceptable depends on every other period of the same person, stored or in the file, so
validation keeps one compact entry per row and checks each person once the whole file has been read. The plan
it leaves (what to create, update and close) is what writing carries out, without reading the file again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Model

from custodes.estate import models
from custodes.estate.current import sync_current_placements, sync_current_postings
from custodes.estate.imports import fields as f
from custodes.estate.imports.base import BATCH_SIZE, Kind, Lookup, ParsedRow, Row
from custodes.estate.imports.entities import establishment_lookup, unit_lookup
from custodes.estate.imports.fields import Column
from custodes.estate.imports.reading import Problem


@dataclass(slots=True)
class Period:
    line: int  # 0: already stored, not in the file
    pk: int | None
    start: dt.date
    end: dt.date | None
    establishment_id: int
    place_id: int | None  # the unit of a posting, the cell of a placement

    def describe(self) -> str:
        return f"from {self.start.isoformat()} to {self.end.isoformat() if self.end else 'now'}"


def _ends_after(period: Period, day: dt.date) -> bool:
    return period.end is None or period.end > day


class PeriodKind(Kind):
    streams = False
    word: ClassVar[str]
    person_column: ClassVar[str]
    model: ClassVar[type[Model]]
    person_field: ClassVar[str]  # the foreign key on the period: staff_member or prisoner
    place_field: ClassVar[str]  # unit or cell

    def __init__(self) -> None:
        super().__init__()
        self.people: Lookup[str, int] = Lookup(self.fetch_people)
        self.establishments = establishment_lookup()
        self.in_file: dict[int, list[Period]] = defaultdict(list)
        self.stored: dict[int, list[Period]] = {}
        self.creates: list[tuple[int, Period]] = []
        self.updates: list[Period] = []

    # --- what differs between postings and placements --------------------------------------------------------

    def fetch_people(self, numbers: list[str]) -> dict[str, int]:
        raise NotImplementedError

    def resolve_place(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    def sync(self, person_ids: list[int]) -> None:
        raise NotImplementedError

    # --- checking --------------------------------------------------------------------------------------------

    def check_row(self, row: Row) -> list[tuple[str, str]]:
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            return [("end_date", f"{row['end_date'].isoformat()} is before the start date")]
        return []

    def check_batch(self, rows: list[ParsedRow]) -> None:
        self.people.load(row.values[self.person_column] for row in rows)
        self.establishments.load(row.values["establishment"] for row in rows)
        for row in rows:
            number = row.values[self.person_column]
            row.resolved["person_id"] = self.people.get(number)
            if row.resolved["person_id"] is None:
                self.problem(row, self.person_column, f"{number} has not been imported (no such record)")
            if self.establishments.get(row.values["establishment"]) is None:
                self.problem(row, "establishment", f"no establishment has the code {row.values['establishment']}")
        self.resolve_place([row for row in rows if not row.bad])
        good = [row for row in rows if not row.bad]
        self._load_stored({row.resolved["person_id"] for row in good})
        for row in good:
            self.in_file[row.resolved["person_id"]].append(
                Period(
                    line=row.line,
                    pk=None,
                    start=row.values["start_date"],
                    end=row.values["end_date"],
                    establishment_id=self.establishments.get(row.values["establishment"]) or 0,
                    place_id=row.resolved.get("place_id"),
                )
            )

    def _load_stored(self, person_ids: set[int]) -> None:
        wanted = sorted(person_ids - self.stored.keys())
        person_key = f"{self.person_field}_id"
        place_key = f"{self.place_field}_id"
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            for person_id in chunk:
                self.stored[person_id] = []
            model: Any = self.model
            for row in model.objects.filter(**{f"{person_key}__in": chunk}).values(
                "pk", person_key, "start_date", "end_date", "establishment_id", place_key
            ):
                self.stored[row[person_key]].append(
                    Period(0, row["pk"], row["start_date"], row["end_date"], row["establishment_id"], row[place_key])
                )

    def finish_checks(self) -> None:
        for person_id, periods in self.in_file.items():
            self._plan_person(person_id, periods)

    def _plan_person(self, person_id: int, periods: list[Period]) -> None:
        by_start = {period.start: period for period in periods}
        kept: list[Period] = []
        for stored in self.stored.get(person_id, []):
            replacement = by_start.get(stored.start)
            if replacement is None:
                kept.append(stored)
                continue
            replacement.pk = stored.pk
            same = (stored.end, stored.establishment_id, stored.place_id) == (
                replacement.end,
                replacement.establishment_id,
                replacement.place_id,
            )
            if same:
                self.counts.unchanged += 1
            else:
                self.counts.updated += 1
                self.updates.append(replacement)
        for period in periods:
            if period.pk is None:
                self.counts.created += 1
                self.creates.append((person_id, period))
        # A period in the file that starts after the person's current open one ends it, as a move does.
        for stored in kept:
            if stored.end is None:
                later = [period.start for period in periods if period.start > stored.start]
                if later:
                    stored.end = min(later)
                    self.counts.closed += 1
                    self.updates.append(stored)
        self._check_overlaps(sorted([*kept, *periods], key=lambda p: p.start))

    def _check_overlaps(self, periods: list[Period]) -> None:
        if not periods:
            return
        reach = periods[0]  # the period, among those seen, that ends last
        for current in periods[1:]:
            if _ends_after(reach, current.start) and (current.line or reach.line):
                if current.line:
                    where = f"on line {reach.line}" if reach.line else "already recorded"
                    message = f"overlaps the {self.word} {where}, {reach.describe()}"
                    self.problems.append(Problem(current.line, "start_date", message))
                else:
                    message = f"overlaps the {self.word} already recorded {current.describe()}"
                    self.problems.append(Problem(reach.line, "end_date", message))
            if current.end is None or (reach.end is not None and current.end > reach.end):
                reach = current

    def final_open(self) -> dict[int, Period | None]:
        """Each person in the file: their open period once the file is applied, or None."""
        result: dict[int, Period | None] = {}
        for person_id, periods in self.in_file.items():
            candidates = [p for p in [*self.stored.get(person_id, []), *periods] if p.end is None]
            # After planning, stored periods that were replaced or closed are no longer open candidates.
            replaced = {p.pk for p in periods if p.pk is not None}
            candidates = [p for p in candidates if p.line or p.pk not in replaced]
            result[person_id] = max(candidates, key=lambda p: p.start) if candidates else None
        return result

    # --- writing ---------------------------------------------------------------------------------------------

    def _instance(self, period: Period, person_id: int | None = None) -> Model:
        values: dict[str, Any] = {
            "start_date": period.start,
            "end_date": period.end,
            "establishment_id": period.establishment_id,
            f"{self.place_field}_id": period.place_id,
        }
        if person_id is not None:
            values[f"{self.person_field}_id"] = person_id
        return self.model(pk=period.pk, **values)

    def write_batch(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError("period files are written from the plan, not row by row")

    def begin_write(self) -> None:
        """The plan made by validation stands; its counts are the import's counts."""

    def finish_write(self) -> None:
        model: Any = self.model
        fields = ["end_date", "establishment", self.place_field]
        # Ended periods first, then the ones left open, then new ones: "one open period per person" holds
        # after every statement.
        ending = [p for p in self.updates if p.end is not None]
        opening = [p for p in self.updates if p.end is None]
        ordered = sorted(self.creates, key=lambda item: item[1].end is None)
        # Model instances are made a batch at a time: a hundred thousand at once would hold hundreds of MB.
        for periods in (ending, opening):
            for start in range(0, len(periods), BATCH_SIZE):
                model.objects.bulk_update([self._instance(p) for p in periods[start : start + BATCH_SIZE]], fields)
        for start in range(0, len(ordered), BATCH_SIZE):
            model.objects.bulk_create([self._instance(p, person) for person, p in ordered[start : start + BATCH_SIZE]])
        self.sync(sorted(self.in_file))


class Postings(PeriodKind):
    name = "postings"
    description = "Where staff members work: one row per posting, by staff number and start date."
    word = "posting"
    person_column = "staff_number"
    model = models.Posting
    person_field = "staff_member"
    place_field = "unit"
    key_columns = ("staff_number", "start_date")
    columns = (
        Column("staff_number", f.staff_number, "A staff member already imported.", "QS10001"),
        Column("establishment", f.nomis_code, "NOMIS code of an establishment already imported.", "QWA"),
        Column(
            "unit",
            f.unit_code,
            "Code of a unit at that establishment; blank: the establishment as a whole.",
            "A",
            required=False,
        ),
        Column("start_date", f.iso_date, "First day, YYYY-MM-DD. With staff_number, the key.", "2024-04-01"),
        Column("end_date", f.iso_date, "The day it ended, YYYY-MM-DD; blank: current.", "", required=False),
    )
    rules = (
        "end_date is not before start_date.",
        "A staff member's postings, those stored and those in the file, do not overlap.",
        "A posting that starts after the staff member's current (open) posting ends that one on its start date.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.units = unit_lookup()

    def fetch_people(self, numbers: list[str]) -> dict[str, int]:
        return dict(models.StaffMember.objects.filter(staff_number__in=numbers).values_list("staff_number", "pk"))

    def resolve_place(self, rows: list[ParsedRow]) -> None:
        wanted = [(row.values["establishment"], row.values["unit"]) for row in rows if row.values.get("unit")]
        self.units.load(wanted)
        for row in rows:
            if row.values.get("unit"):
                found = self.units.get((row.values["establishment"], row.values["unit"]))
                if found is None:
                    message = f"{row.values['establishment']} has no unit with the code {row.values['unit']}"
                    self.problem(row, "unit", message)
                else:
                    row.resolved["place_id"] = found[0]

    def sync(self, person_ids: list[int]) -> None:
        sync_current_postings(person_ids)


class Placements(PeriodKind):
    name = "placements"
    description = "Where prisoners are held: one row per placement, by prison number and start date."
    word = "placement"
    person_column = "prison_number"
    model = models.Placement
    person_field = "prisoner"
    place_field = "cell"
    key_columns = ("prison_number", "start_date")
    columns = (
        Column("prison_number", f.prison_number, "A prisoner already imported.", "Q1234AB"),
        Column("establishment", f.nomis_code, "NOMIS code of an establishment already imported.", "QWA"),
        Column("unit", f.unit_code, "Unit of the cell; give both unit and cell, or neither.", "A", required=False),
        Column(
            "cell",
            f.cell_label,
            "Cell label in that unit; blank: not in a cell (reception, hospital).",
            "A-1-01",
            required=False,
        ),
        Column("start_date", f.iso_date, "First day, YYYY-MM-DD. With prison_number, the key.", "2025-01-06"),
        Column("end_date", f.iso_date, "The day it ended, YYYY-MM-DD; blank: current.", "", required=False),
    )
    rules = (
        "end_date is not before start_date; unit and cell are given together or not at all.",
        "A prisoner's placements, those stored and those in the file, do not overlap.",
        "A placement that starts after the prisoner's current (open) placement ends that one on its start date.",
        "A current placement is in a cell that is in use, and no cell ends up holding more than its "
        "operational capacity.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.cells: Lookup[tuple[str, str, str], tuple[int, bool]] = Lookup(self._fetch_cells)
        self.units = unit_lookup()

    @staticmethod
    def _fetch_cells(keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[int, bool]]:
        rows = models.Cell.objects.filter(
            establishment__code__in={k[0] for k in keys},
            unit__code__in={k[1] for k in keys},
            label__in={k[2] for k in keys},
        ).values_list("establishment__code", "unit__code", "label", "pk", "in_use")
        return {(e, u, c): (pk, in_use) for e, u, c, pk, in_use in rows}

    def check_row(self, row: Row) -> list[tuple[str, str]]:
        problems = super().check_row(row)
        if row.get("unit") and not row.get("cell"):
            problems.append(("cell", "is required when unit is given"))
        if row.get("cell") and not row.get("unit"):
            problems.append(("unit", "is required when cell is given"))
        return problems

    def fetch_people(self, numbers: list[str]) -> dict[str, int]:
        return dict(models.Prisoner.objects.filter(prison_number__in=numbers).values_list("prison_number", "pk"))

    def resolve_place(self, rows: list[ParsedRow]) -> None:
        located = [row for row in rows if row.values.get("cell")]
        self.units.load((row.values["establishment"], row.values["unit"]) for row in located)
        self.cells.load((row.values["establishment"], row.values["unit"], row.values["cell"]) for row in located)
        for row in located:
            establishment, unit, label = row.values["establishment"], row.values["unit"], row.values["cell"]
            found = self.cells.get((establishment, unit, label))
            if self.units.get((establishment, unit)) is None:
                self.problem(row, "unit", f"{establishment} has no unit with the code {unit}")
            elif found is None:
                self.problem(row, "cell", f"unit {unit} at {establishment} has no cell labelled {label}")
            elif not found[1] and row.values["end_date"] is None:
                self.problem(row, "cell", f"{label} is out of use, so no one can be placed in it now")
            else:
                row.resolved["place_id"] = found[0]

    def finish_checks(self) -> None:
        super().finish_checks()
        if not self.problems:  # overlapping periods first: who ends up where is unclear until they are fixed
            self._check_occupancy()

    def _check_occupancy(self) -> None:
        final = {person: period for person, period in self.final_open().items() if period and period.place_id}
        cells = sorted({period.place_id for period in final.values() if period.place_id})
        arriving: dict[int, list[Period]] = defaultdict(list)
        for period in final.values():
            arriving[period.place_id].append(period)  # type: ignore[index]
        for start in range(0, len(cells), BATCH_SIZE):
            chunk = cells[start : start + BATCH_SIZE]
            staying: dict[int, int] = defaultdict(int)
            for cell_id, prisoner_id in models.Prisoner.objects.filter(current_cell_id__in=chunk).values_list(
                "current_cell_id", "pk"
            ):
                if prisoner_id not in self.in_file:  # those in the file are where the file puts them
                    staying[cell_id] += 1
            for cell_id, label, capacity in models.Cell.objects.filter(pk__in=chunk).values_list(
                "pk", "label", "operational_capacity"
            ):
                total = staying[cell_id] + len(arriving[cell_id])
                if total > capacity:
                    for period in arriving[cell_id]:
                        message = f"{label} would hold {total}, more than its operational capacity of {capacity}"
                        self.problems.append(Problem(period.line, "cell", message))

    def sync(self, person_ids: list[int]) -> None:
        sync_current_placements(person_ids)
