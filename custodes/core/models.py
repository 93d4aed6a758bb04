"""Shared model pieces, and the marker that says this database holds the fictional demo estate."""

from __future__ import annotations

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DemoMarker(models.Model):
    """Present only in a database built by ``custodes seed-demo``.

    Commands that print credentials (``demo-accounts``) refuse to run unless it is there, so they can never be
    pointed at a real database by mistake. There is at most one row (enforced by the fixed primary key).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seed = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="demo_marker_single_row")]

    def __str__(self) -> str:
        return f"demo estate (seed {self.seed})"


class ReferenceCounter(models.Model):
    """The last number issued for a prefix in a year, so references read R-2026-000123, C-2026-000045.

    Incremented under a row lock in the caller's transaction (custodes.core.references), so numbers are unique
    and, since a rolled-back transaction returns its number, without gaps.
    """

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
