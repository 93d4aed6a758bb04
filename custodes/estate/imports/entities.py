"""Files of things that are upserted by their natural key: establishments, units, cells, staff, prisoners."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from django.db.models import Count, Model

from custodes.estate import models
from custodes.estate.imports import fields as f
from custodes.estate.imports.base import BATCH_SIZE, Counts, Kind, Lookup, ParsedRow, Row, apply_values
from custodes.estate.imports.fields import Column


def establishment_lookup() -> Lookup[str, int]:
    def fetch(codes: list[str]) -> dict[str, int]:
        return dict(models.Establishment.objects.filter(code__in=codes).values_list("code", "pk"))

    return Lookup(fetch)


def unit_lookup() -> Lookup[tuple[str, str], tuple[int, int]]:
    """(establishment code, unit code) -> (unit id, establishment id)."""

    def fetch(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
        rows = models.Unit.objects.filter(
            establishment__code__in={e for e, _ in keys}, code__in={u for _, u in keys}
        ).values_list("establishment__code", "code", "pk", "establishment_id")
        return {(e, u): (pk, establishment_id) for e, u, pk, establishment_id in rows}

    return Lookup(fetch)


class EntityKind(Kind):
    """Rows upserted by natural key: new keys are created, existing ones updated where a value differs."""

    model: ClassVar[type[Model]]

    def resolve(self, rows: list[ParsedRow]) -> None:
        """Find referenced rows (for example the establishment of a unit), noting problems on the row."""

    @abstractmethod
    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        """The objects already stored for these rows' keys."""

    @abstractmethod
    def new_object(self, row: ParsedRow) -> Model:
        """An unsaved object with its natural key (and references) set."""

    @abstractmethod
    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        """Model field values from the row. An optional column left blank is omitted for an existing object
        (unchanged) and given its default for a new one."""

    def check_existing(self, row: ParsedRow, obj: Model) -> None:
        """Rules that depend on what is stored now (for example, who is in a cell)."""

    def _plan(self, rows: list[ParsedRow], counts: Counts) -> tuple[list[Model], list[Model], set[str]]:
        self.resolve(rows)
        rows = [row for row in rows if not row.bad]
        existing = self.existing(rows)
        new: list[Model] = []
        changed: list[Model] = []
        changed_fields: set[str] = set()
        for row in rows:
            obj = existing.get(self.key(row.values))
            if obj is not None:
                self.check_existing(row, obj)
                if row.bad:
                    continue
            if obj is None:
                obj = self.new_object(row)
                apply_values(obj, self.values(row, creating=True))
                new.append(obj)
                counts.created += 1
            elif fields_changed := apply_values(obj, self.values(row, creating=False)):
                changed.append(obj)
                changed_fields |= fields_changed
                counts.updated += 1
            else:
                counts.unchanged += 1
        return new, changed, changed_fields

    def check_batch(self, rows: list[ParsedRow]) -> None:
        self._plan(rows, self.counts)

    def write_batch(self, rows: list[ParsedRow]) -> None:
        new, changed, changed_fields = self._plan(rows, self.counts)
        if any(row.bad for row in rows):
            # Validated a moment ago in this same transaction: the file or the data changed under us.
            raise RuntimeError(f"line {next(r.line for r in rows if r.bad)} no longer passes its checks")
        model: Any = self.model
        model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            model.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)


# --- Establishments --------------------------------------------------------------------------------------------


class Establishments(EntityKind):
    name = "establishments"
    description = "Prisons, by NOMIS code, with their category, region and capacity figures."
    model = models.Establishment
    key_columns = ("code",)
    columns = (
        Column("code", f.nomis_code, "NOMIS code: three capital letters. The key.", "QWA"),
        Column("name", f.text(120), "Name, unique across the estate.", "HMP Quarry Wood"),
        Column("category", f.choice(models.EstablishmentCategory), "Category (value or label).", "cat_b_local"),
        Column("region", f.text(80), "Region or prison group.", "Fictional South"),
        Column("in_use_cna", f.integer(1, f.MAX_INTEGER), "In-use certified normal accommodation.", "420"),
        Column("operational_capacity", f.integer(1, f.MAX_INTEGER), "Operational capacity.", "610"),
        Column(
            "active",
            f.boolean,
            "yes or no; blank: yes for a new establishment, unchanged otherwise.",
            "yes",
            required=False,
        ),
    )
    rules = (
        "A name already used by another establishment cannot be taken, even by one renamed in the same file: "
        "import the rename first.",
    )

    def __init__(self) -> None:
        super().__init__()
        self._names: dict[str, int] = {}

    def resolve(self, rows: list[ParsedRow]) -> None:
        names = {row.values["name"] for row in rows}
        taken = dict(models.Establishment.objects.filter(name__in=names).values_list("name", "code"))
        for row in rows:
            name, code = row.values["name"], row.values["code"]
            if name in self._names and self._names[name] != row.line:
                self.problem(row, "name", f"{name!r} is already the name on line {self._names[name]}")
            elif taken.get(name, code) != code:
                self.problem(row, "name", f"{name!r} is already the name of {taken[name]}")
            self._names.setdefault(name, row.line)

    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        found = models.Establishment.objects.filter(code__in=[row.values["code"] for row in rows])
        return {(obj.code,): obj for obj in found}

    def new_object(self, row: ParsedRow) -> Model:
        return models.Establishment(code=row.values["code"])

    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        v = row.values
        values = {
            "name": v["name"],
            "category": v["category"],
            "region": v["region"],
            "in_use_cna": v["in_use_cna"],
            "operational_capacity": v["operational_capacity"],
        }
        if v.get("active") is not None or creating:
            values["is_active"] = True if v.get("active") is None else v["active"]
        return values


# --- Units -----------------------------------------------------------------------------------------------------


class Units(EntityKind):
    name = "units"
    description = "Wings, house blocks and other units, by establishment and unit code."
    model = models.Unit
    key_columns = ("establishment", "code")
    columns = (
        Column("establishment", f.nomis_code, "NOMIS code of an establishment already imported.", "QWA"),
        Column("code", f.unit_code, "Unit code, unique within the establishment. With establishment, the key.", "A"),
        Column("name", f.text(80), "Name.", "A wing"),
        Column(
            "kind",
            f.choice(models.UnitKind),
            "wing, house_block, segregation, healthcare or other; blank: wing for a new unit, unchanged otherwise.",
            "wing",
            required=False,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.establishments = establishment_lookup()

    def resolve(self, rows: list[ParsedRow]) -> None:
        self.establishments.load(row.values["establishment"] for row in rows)
        for row in rows:
            establishment_id = self.establishments.get(row.values["establishment"])
            if establishment_id is None:
                self.problem(row, "establishment", f"no establishment has the code {row.values['establishment']}")
            row.resolved["establishment_id"] = establishment_id

    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        found = models.Unit.objects.filter(
            establishment_id__in={row.resolved["establishment_id"] for row in rows},
            code__in={row.values["code"] for row in rows},
        ).select_related("establishment")
        return {(obj.establishment.code, obj.code): obj for obj in found}

    def new_object(self, row: ParsedRow) -> Model:
        return models.Unit(establishment_id=row.resolved["establishment_id"], code=row.values["code"])

    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        values: dict[str, Any] = {"name": row.values["name"]}
        if row.values.get("kind") is not None or creating:
            values["kind"] = row.values.get("kind") or models.UnitKind.WING
        return values


# --- Cells -----------------------------------------------------------------------------------------------------


class Cells(EntityKind):
    name = "cells"
    description = "Cells, by establishment, unit and label, with their certified and operational capacity."
    model = models.Cell
    key_columns = ("establishment", "unit", "label")
    columns = (
        Column("establishment", f.nomis_code, "NOMIS code of an establishment already imported.", "QWA"),
        Column("unit", f.unit_code, "Code of a unit already imported at that establishment.", "A"),
        Column(
            "label", f.cell_label, "Cell label, unique within the unit. With establishment and unit, the key.", "A-1-01"
        ),
        Column("certified_capacity", f.integer(1, f.MAX_SMALL_INTEGER), "Certified normal accommodation.", "1"),
        Column("operational_capacity", f.integer(1, f.MAX_SMALL_INTEGER), "The most it may hold.", "2"),
        Column(
            "in_use", f.boolean, "yes or no; blank: yes for a new cell, unchanged otherwise.", "yes", required=False
        ),
    )
    rules = (
        "operational_capacity is at least certified_capacity.",
        "A cell that holds prisoners now cannot be taken out of use, nor its operational capacity set below "
        "how many it holds: move them first (a placements file).",
    )

    def __init__(self) -> None:
        super().__init__()
        self.units = unit_lookup()
        self.establishments = establishment_lookup()

    def check_row(self, row: Row) -> list[tuple[str, str]]:
        if row["operational_capacity"] < row["certified_capacity"]:
            return [
                (
                    "operational_capacity",
                    f"{row['operational_capacity']} is less than the certified capacity, {row['certified_capacity']}",
                )
            ]
        return []

    def resolve(self, rows: list[ParsedRow]) -> None:
        self.units.load((row.values["establishment"], row.values["unit"]) for row in rows)
        self.establishments.load(row.values["establishment"] for row in rows)
        for row in rows:
            found = self.units.get((row.values["establishment"], row.values["unit"]))
            if self.establishments.get(row.values["establishment"]) is None:
                self.problem(row, "establishment", f"no establishment has the code {row.values['establishment']}")
            elif found is None:
                self.problem(
                    row, "unit", f"{row.values['establishment']} has no unit with the code {row.values['unit']}"
                )
            else:
                row.resolved["unit_id"], row.resolved["establishment_id"] = found

    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        found = (
            models.Cell.objects.filter(
                unit_id__in={row.resolved["unit_id"] for row in rows}, label__in={row.values["label"] for row in rows}
            )
            .select_related("unit__establishment")
            .annotate(occupancy=Count("current_occupants"))
        )
        return {(obj.unit.establishment.code, obj.unit.code, obj.label): obj for obj in found}

    def check_existing(self, row: ParsedRow, obj: Model) -> None:
        occupancy: int = obj.occupancy  # type: ignore[attr-defined]
        if occupancy and row.values.get("in_use") is False:
            self.problem(row, "in_use", f"the cell holds {occupancy} now: move them before taking it out of use")
        if occupancy > row.values["operational_capacity"]:
            self.problem(row, "operational_capacity", f"the cell holds {occupancy} now, more than that")

    def new_object(self, row: ParsedRow) -> Model:
        return models.Cell(
            unit_id=row.resolved["unit_id"],
            establishment_id=row.resolved["establishment_id"],
            label=row.values["label"],
        )

    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        values: dict[str, Any] = {
            "certified_capacity": row.values["certified_capacity"],
            "operational_capacity": row.values["operational_capacity"],
        }
        if row.values.get("in_use") is not None or creating:
            values["in_use"] = True if row.values.get("in_use") is None else row.values["in_use"]
        return values


# --- People ----------------------------------------------------------------------------------------------------


class Staff(EntityKind):
    name = "staff"
    description = "Staff members, by staff number, with their grade. Where they work is a postings file."
    model = models.StaffMember
    key_columns = ("staff_number",)
    columns = (
        Column("staff_number", f.staff_number, "4 to 12 capital letters or digits. The key.", "QS10001"),
        Column("first_name", f.text(60), "First name.", "Alder"),
        Column("last_name", f.text(60), "Last name.", "Brackwater"),
        Column("grade", f.choice(models.StaffGrade), "Grade (value or label).", "band3"),
    )

    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        found = models.StaffMember.objects.filter(staff_number__in=[row.values["staff_number"] for row in rows])
        return {(obj.staff_number,): obj for obj in found}

    def new_object(self, row: ParsedRow) -> Model:
        return models.StaffMember(staff_number=row.values["staff_number"])

    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        v = row.values
        return {"first_name": v["first_name"], "last_name": v["last_name"], "grade": v["grade"]}


class Prisoners(EntityKind):
    name = "prisoners"
    description = "Prisoners, by prison number. Where they are held is a placements file."
    model = models.Prisoner
    key_columns = ("prison_number",)
    columns = (
        Column("prison_number", f.prison_number, "One letter, four digits, two letters. The key.", "Q1234AB"),
        Column("first_name", f.text(60), "First name.", "Corin"),
        Column("last_name", f.text(60), "Last name.", "Dunmere"),
    )

    def existing(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], Model]:
        found = models.Prisoner.objects.filter(prison_number__in=[row.values["prison_number"] for row in rows])
        return {(obj.prison_number,): obj for obj in found}

    def new_object(self, row: ParsedRow) -> Model:
        return models.Prisoner(prison_number=row.values["prison_number"])

    def values(self, row: ParsedRow, creating: bool) -> dict[str, Any]:
        return {"first_name": row.values["first_name"], "last_name": row.values["last_name"]}
