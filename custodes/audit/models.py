"""The audit chain's one table.

No foreign keys: an event must outlive the account, the establishment and the object it names, and a cascade
must never be able to delete history. Who did it is kept as a snapshot (id, label, roles at the time).
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    # The sequence is the primary key and is assigned under the chain lock (custodes.audit.chain), so two
    # writers can never share a number: a second insert of the same number fails instead of forking the chain.
    seq = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200)
    actor_roles = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    establishment = models.CharField(max_length=8, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"
