"""Every read behind the audit pages, each through custodes.core.policy.

The status page shows facts about the chain (its head, the last verification) and never an event's content;
the events list is its own action, held by fewer roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from custodes.audit import chain, tasks
from custodes.audit.models import AuditEvent
from custodes.audit.registry import all_actions
from custodes.core import policy

VERIFIED = "audit.verified"
EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Verification:
    """What the last background verification found (from its ``audit.verified`` event)."""

    seq: int
    at: datetime
    ok: bool
    count: int
    head_seq: int | None
    first_bad_seq: int | None
    reason: str


@dataclass(frozen=True)
class ChainStatus:
    head_seq: int
    head_hash: str
    newest_at: datetime | None
    last_verification: Verification | None
    verification_pending: bool
    last_task_failed: bool

    @property
    def anchor(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _verification(event: AuditEvent | None) -> Verification | None:
    if event is None:
        return None
    detail = event.detail if isinstance(event.detail, dict) else {}
    return Verification(
        seq=event.seq,
        at=event.occurred_at,
        ok=detail.get("ok") is True,
        count=_int_or_none(detail.get("count")) or 0,
        head_seq=_int_or_none(detail.get("head_seq")),
        first_bad_seq=_int_or_none(detail.get("first_bad_seq")),
        reason=str(detail.get("reason", "")),
    )


def chain_status(user: Any) -> ChainStatus:
    policy.require(user, "audit.view_status")
    head_seq, head_hash = chain.head()
    newest_at = AuditEvent.objects.order_by("-seq").values_list("occurred_at", flat=True).first()
    # The latest verification (newest first by sequence, which the action index narrows quickly).
    verified = AuditEvent.objects.filter(action=VERIFIED).order_by("-seq").first()
    return ChainStatus(
        head_seq=head_seq,
        head_hash=head_hash,
        newest_at=newest_at,
        last_verification=_verification(verified),
        verification_pending=tasks.verification_pending(),
        last_task_failed=tasks.last_verification_failed(),
    )


def action_choices() -> list[tuple[str, str]]:
    return [(action.name, action.name) for action in all_actions()]


@dataclass(frozen=True)
class EventPage:
    """One page of events, newest first, with the sequence numbers that continue it either way.

    Pages are marked by sequence number rather than counted with OFFSET: a chain of millions of events pages
    as quickly at its start as at its end, and needs no COUNT.
    """

    events: list[AuditEvent]
    newer_than: int | None  # a page of newer events starts after this number
    older_than: int | None  # a page of older events starts before this number


def event_page(
    user: Any,
    *,
    action: str | None = None,
    establishment: str | None = None,
    before: int | None = None,
    after: int | None = None,
    per_page: int = EVENTS_PER_PAGE,
) -> EventPage:
    policy.require(user, "audit.view_events")
    events: QuerySet[AuditEvent] = policy.visible(user, "audit.view_events")
    if action:
        events = events.filter(action=action)
    if establishment:
        events = events.filter(establishment=establishment)
    if after is not None:
        # Going back towards newer events: take the oldest ones above ``after``, then show them newest first.
        rows = list(events.filter(seq__gt=after).order_by("seq")[: per_page + 1])
        more_newer = len(rows) > per_page
        page = list(reversed(rows[:per_page]))
        more_older = bool(page) and events.filter(seq__lt=page[-1].seq).exists()
    else:
        events_before = events.filter(seq__lt=before) if before is not None else events
        rows = list(events_before.order_by("-seq")[: per_page + 1])
        more_older = len(rows) > per_page
        page = rows[:per_page]
        more_newer = bool(page) and before is not None and events.filter(seq__gt=page[0].seq).exists()
    return EventPage(
        events=page,
        newer_than=page[0].seq if page and more_newer else None,
        older_than=page[-1].seq if page and more_older else None,
    )
