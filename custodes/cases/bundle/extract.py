"""The audit-chain extract in an evidence bundle: every event about the case, its evidence and its reports.

Events are copied exactly as the chain holds them (sequence, fields, prev_hash, hash), one JSON object a line, so
that the linkage between consecutive events can be checked by anyone, and the keyed hashes by the service.
Before anything is exported, each event's keyed hash is recomputed here: a bundle never carries an event that the
chain itself would not vouch for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.db.models import ForeignKey, Model, Q

from custodes.audit import chain
from custodes.audit.models import AuditEvent
from custodes.cases.bundle import layout
from custodes.cases.models import Case, CaseReport, Evidence
from custodes.reporting.models import Attachment, Message, Report

# Left out of every extract, because a bundle can reach the subject and never carries anything that could point at
# the reporter: the reason a reporter liaison gave for opening a reporter's sealed identity; and the reporter's own
# activity (how and when they submitted, and each time they came back to follow up or add to it), whose channel
# and timing could narrow down who they are. The report's receipt date is in the summary; the manifest lists these
# exclusions, so the gaps they leave in the sequence are explained.
EXCLUDED_ACTIONS = frozenset(
    {
        "reporting.identity_revealed",
        "reporting.submitted",
        "reporting.reporter_followed_up",
        "reporting.reporter_message",
    }
)


class AuditChainBroken(Exception):
    """An event about the case does not match its keyed hash: the chain must be investigated before export."""

    def __init__(self, seq: int) -> None:
        super().__init__(seq)
        self.seq = seq


def _targets(case: Case) -> dict[str, list[str]]:
    """(target type → ids) for the case, everything in it, its evidence's custody records, and its reports."""
    targets: dict[str, list[str]] = {"cases.case": [str(case.pk)]}
    evidence_ids = list(Evidence.objects.filter(case=case).values_list("pk", flat=True))
    for model in apps.get_app_config("cases").get_models():
        lookup = _lookup(model, case, evidence_ids)
        if lookup is not None:
            ids = [str(pk) for pk in model._default_manager.filter(lookup).values_list("pk", flat=True)]
            if ids:
                targets[model._meta.label_lower] = ids
    report_ids = list(CaseReport.objects.filter(case=case).values_list("report_id", flat=True))
    for model in (Report, Attachment, Message):
        field = "pk" if model is Report else "report_id"
        found = model._default_manager.filter(**{f"{field}__in": report_ids}).values_list("pk", flat=True)
        ids = [str(pk) for pk in found]
        if ids:
            targets[model._meta.label_lower] = ids
    return targets


def _lookup(model: type[Model], case: Case, evidence_ids: list[int]) -> Q | None:
    # Any model of the cases app that belongs to a case (or to a piece of its evidence) is "about the case".
    names = {f.name: f for f in model._meta.get_fields() if isinstance(f, ForeignKey)}
    if "case" in names and names["case"].related_model is Case:
        return Q(case=case)
    if "evidence" in names and names["evidence"].related_model is Evidence:
        return Q(evidence_id__in=evidence_ids)
    return None


def events(case: Case, *, up_to_seq: int) -> Iterator[AuditEvent]:
    condition = Q()
    for target_type, ids in _targets(case).items():
        condition |= Q(target_type=target_type, target_id__in=ids)
    queryset = AuditEvent.objects.filter(condition, seq__lte=up_to_seq).exclude(action__in=EXCLUDED_ACTIONS)
    return queryset.order_by("seq").iterator(chunk_size=2000)


def as_line(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": chain.format_time(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "actor_roles": event.actor_roles,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "establishment": event.establishment,
        "request_id": event.request_id,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def encode(line: dict[str, Any]) -> bytes:
    return json.dumps(line, **chain.CANONICAL_JSON).encode() + b"\n"


def keyed_hash(line: dict[str, Any], key: bytes | None = None) -> str:
    """The chain's keyed hash of one extract line, as custodes.audit.chain computes it (needs the audit key)."""
    occurred_at = datetime.strptime(str(line["occurred_at"]), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    message = chain.canonical_bytes(
        line["seq"],
        occurred_at,
        line["actor_id"],
        line["actor_label"],
        line["actor_roles"],
        line["action"],
        line["target_type"],
        line["target_id"],
        line["establishment"],
        line["request_id"],
        line["detail"],
        line["prev_hash"],
    )
    return chain.keyed_hash(key if key is not None else chain.audit_key(), message)


def build(case: Case, *, up_to_seq: int) -> tuple[bytes, list[list[Any]]]:
    """The extract's bytes and its (seq, hash) list; raises AuditChainBroken at the first event that fails."""
    key = chain.audit_key()
    lines: list[bytes] = []
    listed: list[list[Any]] = []
    for event in events(case, up_to_seq=up_to_seq):
        line = as_line(event)
        if keyed_hash(line, key) != event.hash:
            raise AuditChainBroken(event.seq)
        lines.append(encode(line))
        listed.append([event.seq, event.hash])
    return b"".join(lines), listed


def describe(listed: list[list[Any]], head: tuple[int, str]) -> dict[str, Any]:
    """The manifest's account of the extract (what ``verify`` checks the file against)."""
    return {
        "path": layout.AUDIT_EXTRACT,
        "count": len(listed),
        "first_seq": listed[0][0] if listed else None,
        "last_seq": listed[-1][0] if listed else None,
        "events": listed,
        "chain_head": {"seq": head[0], "hash": head[1]},
        "excluded_actions": sorted(EXCLUDED_ACTIONS),
        "hashes": "HMAC-SHA-256 under the service's audit key, which is never exported: "
        "only the service can recompute them (custodes bundle verify --check-audit-hashes, custodes audit verify)",
    }
