"""The estate: prisons, their wings and cells, the staff posted there and the prisoners held there.

``current_*`` fields on StaffMember and Prisoner are kept by custodes.estate.services from the dated Posting
and Placement history, so that scope checks and population counts are one indexed lookup.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

PRISON_NUMBER_PATTERN = r"^[A-Z][0-9]{4}[A-Z]{2}$"
NOMIS_CODE_PATTERN = r"^[A-Z]{3}$"
STAFF_NUMBER_PATTERN = r"^[A-Z0-9]{4,12}$"
# Unit codes and cell labels appear in web addresses (/estate/establishments/WWI/units/A/cells/A-1-01), so they
# are kept to letters, digits and a little punctuation: no spaces or slashes.
UNIT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$"
CELL_LABEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"

prison_number_validator = RegexValidator(
    PRISON_NUMBER_PATTERN, "Enter a prison number as one letter, four digits and two letters, like A1234BC."
)
nomis_code_validator = RegexValidator(NOMIS_CODE_PATTERN, "Enter a NOMIS code as three capital letters, like WWI.")
staff_number_validator = RegexValidator(
    STAFF_NUMBER_PATTERN, "Enter a staff number of 4 to 12 capital letters or digits."
)
unit_code_validator = RegexValidator(
    UNIT_CODE_PATTERN, "Enter a unit code of up to 12 letters, digits, dots, dashes or underscores, like A or HB1."
)
cell_label_validator = RegexValidator(
    CELL_LABEL_PATTERN, "Enter a cell label of up to 20 letters, digits, dots, dashes or underscores, like A-1-01."
)


class EstablishmentCategory(models.TextChoices):
    HIGH_SECURITY = "high_security", "High security"
    CATEGORY_B_LOCAL = "cat_b_local", "Category B local"
    CATEGORY_B_TRAINER = "cat_b_trainer", "Category B trainer"
    CATEGORY_C = "cat_c", "Category C"
    CATEGORY_D = "cat_d", "Category D open"
    FEMALE_CLOSED = "female_closed", "Female closed"
    FEMALE_OPEN = "female_open", "Female open"
    YOUNG_OFFENDER = "yoi", "Young offender institution"


class Establishment(models.Model):
    code = models.CharField("NOMIS code", max_length=3, unique=True, validators=[nomis_code_validator])
    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=20, choices=EstablishmentCategory.choices)
    region = models.CharField(max_length=80)
    in_use_cna = models.PositiveIntegerField("in-use CNA", help_text="Certified normal accommodation in use")
    operational_capacity = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(in_use_cna__gt=0), name="establishment_cna_positive"),
            models.CheckConstraint(condition=Q(operational_capacity__gt=0), name="establishment_op_cap_positive"),
            models.CheckConstraint(condition=Q(code__regex=NOMIS_CODE_PATTERN), name="establishment_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UnitKind(models.TextChoices):
    WING = "wing", "Wing"
    HOUSE_BLOCK = "house_block", "House block"
    SEGREGATION = "segregation", "Segregation unit"
    HEALTHCARE = "healthcare", "Healthcare unit"
    OTHER = "other", "Other"


class Unit(models.Model):
    """A wing, house block or other residential unit."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=12, validators=[unit_code_validator])
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.WING)

    class Meta:
        ordering = ["establishment__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="unit_code_unique_in_prison"),
            models.CheckConstraint(condition=Q(code__regex=UNIT_CODE_PATTERN), name="unit_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.establishment.code}"


class Cell(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cells")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="cells")
    label = models.CharField(max_length=20, validators=[cell_label_validator])
    certified_capacity = models.PositiveSmallIntegerField(
        help_text="Certified normal accommodation: how many the cell was built to hold uncrowded"
    )
    operational_capacity = models.PositiveSmallIntegerField(help_text="The most it may hold")
    in_use = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "label"], name="cell_label_unique_in_unit"),
            models.CheckConstraint(condition=Q(label__regex=CELL_LABEL_PATTERN), name="cell_label_format"),
            models.CheckConstraint(condition=Q(certified_capacity__gte=1), name="cell_cna_at_least_one"),
            models.CheckConstraint(
                condition=Q(operational_capacity__gte=F("certified_capacity")), name="cell_op_cap_not_below_cna"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class StaffGrade(models.TextChoices):
    OPERATIONAL_SUPPORT = "osg", "Operational support grade"
    PRISON_OFFICER = "band3", "Prison officer (band 3)"
    SUPERVISING_OFFICER = "band4", "Supervising officer (band 4)"
    CUSTODIAL_MANAGER = "band5", "Custodial manager (band 5)"
    MANAGER = "band7", "Manager (band 7 and above)"
    GOVERNOR = "governor", "Governing governor"
    HEALTHCARE = "healthcare", "Healthcare staff"
    CONTRACTOR = "contractor", "Contractor"
    OTHER = "other", "Other"


class StaffMember(models.Model):
    staff_number = models.CharField(max_length=12, unique=True, validators=[staff_number_validator])
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    grade = models.CharField(max_length=20, choices=StaffGrade.choices)
    current_establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="current_staff"
    )
    # Need-to-know (DESIGN.md §3): nobody sees a case about someone in their line-management chain.
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )

    class Meta:
        ordering = ["last_name", "first_name", "staff_number"]
        constraints = [
            models.CheckConstraint(condition=Q(staff_number__regex=STAFF_NUMBER_PATTERN), name="staff_number_format")
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="staff_name_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.staff_number})"


class Posting(models.Model):
    """A staff member's posting to an establishment (and optionally a unit), over a period."""

    staff_member = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="postings")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="postings")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="postings")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="posting_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["staff_member"], condition=Q(end_date__isnull=True), name="one_open_posting_per_staff"
            ),
            # The natural key imports upsert by: dates are days, so one posting begins per person per day.
            models.UniqueConstraint(fields=["staff_member", "start_date"], name="posting_start_unique"),
        ]

    def __str__(self) -> str:
        return f"posting from {self.start_date.isoformat()}"


class Prisoner(models.Model):
    prison_number = models.CharField(max_length=7, unique=True, validators=[prison_number_validator])
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    current_establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="current_prisoners"
    )
    current_cell = models.ForeignKey(
        Cell, null=True, blank=True, on_delete=models.PROTECT, related_name="current_occupants"
    )

    class Meta:
        ordering = ["prison_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prison_number__regex=PRISON_NUMBER_PATTERN), name="prison_number_format"
            ),
            # A prisoner in a cell is in that cell's establishment (the service keeps them the same one).
            models.CheckConstraint(
                condition=Q(current_cell__isnull=True) | Q(current_establishment__isnull=False),
                name="prisoner_cell_needs_establishment",
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="prisoner_name_idx")]

    def __str__(self) -> str:
        return self.prison_number


class Placement(models.Model):
    """Where a prisoner was held (establishment, and cell when known), over a period."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="placements")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="placements")
    cell = models.ForeignKey(Cell, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["prisoner"], condition=Q(end_date__isnull=True), name="one_open_placement_per_prisoner"
            ),
            models.UniqueConstraint(fields=["prisoner", "start_date"], name="placement_start_unique"),
        ]

    def __str__(self) -> str:
        return f"placement from {self.start_date.isoformat()}"
