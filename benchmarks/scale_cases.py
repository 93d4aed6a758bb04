"""The scale benchmark's cases and audit chain (see benchmarks/scale_data.py, which calls these)."""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from benchmarks.scale_data import (
    _TITLES,
    DAY,
    YEARS,
    Loaded,
    Sizes,
    _categories,
    _Category,
    _code,
    _copy,
    _reference,
    _reset_sequences,
    _set_counters,
    _timed,
)

# --- Cases -----------------------------------------------------------------------------------------------------

_OPEN_STATUSES = (("triage", 10), ("investigation", 55), ("decision", 20), ("outcome", 15))
_PATHS = {
    "triage": [],
    "investigation": ["investigation"],
    "decision": ["investigation", "decision"],
    "outcome": ["investigation", "decision", "outcome"],
    "closed": ["investigation", "decision", "outcome", "closed"],
}
_OUTCOMES = (
    ("no_case_to_answer", 20),
    ("management_advice", 20),
    ("first_written_warning", 15),
    ("final_written_warning", 12),
    ("dismissal", 15),
    ("resigned", 8),
    ("referred_to_police", 5),
    ("charged", 2),
    ("convicted", 2),
    ("acquitted", 1),
)


@dataclass
class _Plan:
    pk: int
    reference: str
    opened: dt.datetime
    closed: dt.datetime | None
    status: str
    establishment: int
    category: _Category
    restricted: bool
    owner: int
    officer: int | None
    prisoner: int | None
    reports: list[int]
    investigators: list[int]


def plans(
    rng: random.Random,
    sizes: Sizes,
    now: dt.datetime,
    places: list[int],
    officers: dict[int, list[int]],
    prisoners: dict[int, list[int]],
    reports: list[tuple[int, int, int, dt.datetime]],
    leads: list[int],
    investigators: list[int],
) -> list[_Plan]:
    categories = [c for c in _categories() if c.code in _TITLES] or _categories()
    conditions = [c for c in _categories() if c.routing == "establishment"]
    counters: dict[tuple[str, int], int] = {}
    span = YEARS * 365 * 86400
    opened_times = sorted(now - dt.timedelta(seconds=rng.randrange(span)) for _ in range(sizes.cases))
    received = [r[3] for r in reports]
    used: set[int] = set()
    plans = []
    others = investigators[1:]
    for pk, opened in enumerate(opened_times, start=1):
        age = (now - opened).days
        if age < 120 or rng.random() < 0.05:
            status = rng.choices([s for s, _ in _OPEN_STATUSES], [w for _, w in _OPEN_STATUSES])[0]
            closed = None
        else:
            status, closed = "closed", min(now - DAY, opened + rng.randint(30, 300) * DAY)
        category = rng.choice(conditions) if rng.random() < 0.15 else rng.choice(categories)
        establishment = rng.choice(places)
        linked = []
        position = bisect.bisect_left(received, opened)
        for _ in range(rng.choice((1, 1, 2))):
            candidate = max(0, position - 1 - rng.randrange(300))
            if reports and reports[candidate][0] not in used:
                used.add(reports[candidate][0])
                linked.append(reports[candidate][0])
        team = [rng.choice(others)] + ([rng.choice(others)] if rng.random() < 0.3 else [])
        plans.append(
            _Plan(
                pk=pk,
                reference=_reference("C", opened, counters),
                opened=opened,
                closed=closed,
                status=status,
                establishment=establishment,
                category=category,
                restricted=rng.random() < 0.05,
                owner=rng.choice(leads),
                officer=rng.choice(officers[establishment]) if category.routing == "national" else None,
                prisoner=rng.choice(prisoners[establishment]) if rng.random() < 0.25 else None,
                reports=linked,
                investigators=[] if status == "triage" else sorted(set(team)),
            )
        )
    # The measured investigator's caseload: open cases (not in triage) and closed ones, spread across the estate.
    measured = investigators[0]
    open_plans = [p for p in plans if p.status not in ("triage", "closed")]
    closed_plans = [p for p in plans if p.status == "closed"]
    for plan in rng.sample(open_plans, min(sizes.investigator_open_cases, len(open_plans))):
        plan.investigators = sorted({measured, *plan.investigators})
    for plan in rng.sample(closed_plans, min(sizes.investigator_closed_cases, len(closed_plans))):
        plan.investigators = sorted({measured, *plan.investigators})
    _set_counters(counters)
    return plans


def cases(rng: random.Random, plans: list[_Plan], now: dt.datetime, loaded: Loaded) -> None:
    from custodes.cases.models import (
        Assignment,
        Case,
        CaseEvent,
        CaseReport,
        CaseSubject,
        Decision,
        NamedAccess,
        Note,
        Outcome,
        Task,
    )
    from custodes.core import crypto

    keys: dict[int, bytes] = {}

    def case_rows() -> Iterator[dict[str, Any]]:
        for p in plans:
            key = crypto.new_data_key()
            keys[p.pk] = key
            wrapped = crypto.wrap_data_key(key, context=f"case:{p.reference}")
            title = _TITLES.get(p.category.code, "Conditions")
            yield {
                "id": p.pk,
                "reference": p.reference,
                "case_type": "conditions" if p.category.routing == "establishment" else "staff_misconduct",
                "title": f"{title} at {_code(p.establishment - 1)} ({p.pk})",
                "establishment_id": p.establishment,
                "category_id": p.category.pk,
                "status": p.status,
                "restricted": p.restricted,
                "owner_id": p.owner,
                "opened_at": p.opened,
                "closed_at": p.closed,
                "key_id": wrapped.master_key_id,
                "wrapped_key": wrapped.wrapped,
                "summary": crypto.encrypt(
                    key, b"A fictional case for the benchmark.", associated_data=f"{p.reference}:summary"
                ),
                "updated_at": p.closed or p.opened,
            }

    _timed(loaded, "cases", lambda: _copy(Case, case_rows()))

    def subjects() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            for staff, prisoner in ((p.officer, None), (None, p.prisoner)):
                if staff or prisoner:
                    pk += 1
                    yield {"id": pk, "case_id": p.pk, "staff_member_id": staff, "prisoner_id": prisoner}

    _timed(loaded, "case subjects", lambda: _copy(CaseSubject, subjects()))
    staff_subject = dict(CaseSubject.objects.filter(staff_member__isnull=False).values_list("case_id", "pk"))

    def links() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            for report in p.reports:
                pk += 1
                yield {"id": pk, "case_id": p.pk, "report_id": report, "linked_by_id": p.owner, "linked_at": p.opened}

    _timed(loaded, "linked reports", lambda: _copy(CaseReport, links()))

    def assignments() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            for n, user in enumerate(p.investigators):
                pk += 1
                yield {
                    "id": pk,
                    "case_id": p.pk,
                    "user_id": user,
                    "role": "lead" if n == 0 else "investigator",
                    "assigned_by_id": p.owner,
                    "assigned_at": p.opened + DAY,
                    "ended_at": None,
                }

    _timed(loaded, "assignments", lambda: _copy(Assignment, assignments()))

    def named() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            for user in [p.owner] + (p.investigators if p.restricted else []):
                pk += 1
                yield {"id": pk, "case_id": p.pk, "user_id": user, "granted_by_id": p.owner, "granted_at": p.opened}

    _timed(loaded, "named access", lambda: _copy(NamedAccess, named()))

    today = now.date()

    def tasks() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            doer = p.investigators[0] if p.investigators else p.owner
            wanted = 3 if p.closed is None else rng.randint(0, 2)
            for n in range(wanted):
                pk += 1
                created = p.opened + (n + 1) * DAY
                done = None if p.closed is None and n > 0 else created + rng.randint(1, 20) * DAY
                due = today + dt.timedelta(days=rng.randint(-20, 30)) if done is None else created.date() + 14 * DAY
                yield {
                    "id": pk,
                    "case_id": p.pk,
                    "title": f"Task {n + 1}",
                    "assignee_id": doer,
                    "due_on": due,
                    "created_by_id": p.owner,
                    "created_at": created,
                    "done_at": min(done, now) if done else None,
                }

    _timed(loaded, "tasks", lambda: _copy(Task, tasks()))

    def notes() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            if p.closed is not None:
                continue
            for n in range(2):
                pk += 1
                text = f"Fictional note {n + 1}.".encode()
                yield {
                    "id": pk,
                    "case_id": p.pk,
                    "kind": "note",
                    "author_id": p.investigators[0] if p.investigators else p.owner,
                    "written_at": p.opened + (n + 2) * DAY,
                    "interviewee": "",
                    "interviewed_at": None,
                    "body": crypto.encrypt(keys[p.pk], text, associated_data=f"{p.reference}:note:{pk}"),
                }

    _timed(loaded, "notes", lambda: _copy(Note, notes()))

    finished = [p for p in plans if p.status in ("outcome", "closed") and p.pk in staff_subject]

    def decisions() -> Iterator[dict[str, Any]]:
        for pk, p in enumerate(finished, start=1):
            yield {
                "id": pk,
                "case_id": p.pk,
                "decided_by_id": p.owner,
                "decided_at": (p.closed or now) - 10 * DAY,
                "summary": "Refer to a conduct hearing",
                "reasons": crypto.encrypt(
                    keys[p.pk], b"Fictional reasons.", associated_data=f"{p.reference}:decision:{pk}"
                ),
            }

    _timed(loaded, "decisions", lambda: _copy(Decision, decisions()))
    kinds = [k for k, _ in _OUTCOMES]
    weights = [w for _, w in _OUTCOMES]

    def outcomes() -> Iterator[dict[str, Any]]:
        for pk, p in enumerate(finished, start=1):
            when = (p.closed or now) - 5 * DAY
            yield {
                "id": pk,
                "case_id": p.pk,
                "subject_id": staff_subject[p.pk],
                "kind": rng.choices(kinds, weights)[0],
                "recorded_by_id": p.owner,
                "recorded_at": when,
                "effective_on": when.date(),
            }

    _timed(loaded, "outcomes", lambda: _copy(Outcome, outcomes()))

    def events() -> Iterator[dict[str, Any]]:
        pk = 0
        for p in plans:
            moments = [(p.opened, "opened", p.owner, "Case opened (staff misconduct)")]
            if p.investigators:
                moments.append((p.opened + DAY, "assigned", p.owner, "Investigator assigned (lead investigator)"))
            step_end = p.closed or now
            path = _PATHS[p.status]
            for n, status in enumerate(path):
                at = p.opened + (step_end - p.opened) * (n + 1) / (len(path) + 1)
                moments.append((at, "status", p.owner, f"Moved on to {status}"))
            for at, kind, actor, summary in moments:
                pk += 1
                yield {
                    "id": pk,
                    "case_id": p.pk,
                    "kind": kind,
                    "actor_id": actor,
                    "at": at,
                    "summary": summary,
                    "detail": b"",
                }

    _timed(loaded, "case events", lambda: _copy(CaseEvent, events()))
    _reset_sequences(Case, CaseSubject, CaseReport, Assignment, NamedAccess, Task, Note, Decision, Outcome, CaseEvent)


# --- The audit chain -------------------------------------------------------------------------------------------

_AUDIT_ACTIONS = (
    ("auth.sign_in", 18),
    ("auth.sign_out", 10),
    ("reporting.submitted", 10),
    ("reporting.viewed", 20),
    ("reporting.acknowledged", 6),
    ("cases.viewed", 22),
    ("cases.status_changed", 4),
    ("cases.task_changed", 5),
    ("cases.note_added", 3),
    ("triage.decided", 2),
)


def audit_chain(
    rng: random.Random,
    sizes: Sizes,
    now: dt.datetime,
    users: dict[int, tuple[str, str]],
    codes: list[str],
    loaded: Loaded,
) -> None:
    """A chain of ``audit_events`` events over five years, hashed as custodes.audit.chain does and streamed into the
    table with COPY. The secondary indexes are dropped for the load and built afterwards (much faster than keeping
    them up to date row by row), then the chain's head is checked against what was generated."""
    from django.db import connection

    from custodes.audit import chain

    key = chain.audit_key()
    actions = [a for a, w in _AUDIT_ACTIONS for _ in range(w)]
    user_ids = list(users)
    step = YEARS * 365 * 86400 * 1_000_000 // max(1, sizes.audit_events)
    start = now - dt.timedelta(days=YEARS * 365)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'audit_auditevent'::regclass AND contype = 'u'"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'audit_auditevent'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE audit_auditevent DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    prev = chain.GENESIS_HASH
    columns = (
        "seq, occurred_at, actor_id, actor_label, actor_roles, action, target_type, target_id, establishment, "
        "request_id, detail, prev_hash, hash"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
        moment = start
        for seq in range(1, sizes.audit_events + 1):
            moment += dt.timedelta(microseconds=rng.randrange(1, 2 * step))
            action = rng.choice(actions)
            code = rng.choice(codes)
            if action == "reporting.submitted":
                actor_id, label, roles = None, "anonymous", ""
                target_type, target_id = "reporting.report", str(rng.randint(1, sizes.reports))
            else:
                actor_id = rng.choice(user_ids)
                label, roles = users[actor_id]
                if action.startswith("auth."):
                    target_type, target_id, code = "accounts.user", str(actor_id), ""
                elif action.startswith(("reporting.", "triage.")):
                    target_type, target_id = "reporting.report", str(rng.randint(1, sizes.reports))
                else:
                    target_type, target_id = "cases.case", str(rng.randint(1, sizes.cases))
            request_id = f"{rng.getrandbits(128):032x}"
            detail: dict[str, Any] = {}
            message = chain.canonical_bytes(
                seq, moment, actor_id, label, roles, action, target_type, target_id, code, request_id, detail, prev
            )
            digest = chain.keyed_hash(key, message)
            copy.write_row(
                (
                    seq,
                    moment,
                    actor_id,
                    label,
                    roles,
                    action,
                    target_type,
                    target_id,
                    code,
                    request_id,
                    "{}",
                    prev,
                    digest,
                )
            )
            prev = digest
            if seq % 1_000_000 == 0:
                print(f"    {seq:,} events, {time.perf_counter() - started:.0f} s", flush=True)
    loaded.seconds["audit events (generate and COPY)"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE audit_auditevent ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
    loaded.seconds["audit indexes"] = round(time.perf_counter() - started, 1)
    loaded.rows["audit events"] = sizes.audit_events
    loaded.audit_head = (sizes.audit_events, prev)
    print(f"  audit events: {sizes.audit_events:,} rows, indexes rebuilt in {loaded.seconds['audit indexes']} s")
