"""The case status workflow, as an explicit transition table. Anything not in the table raises.

triage ──> investigation ──> decision ──> outcome ──> closed
   │            ^   │            │                      │
   │            └───┴── back ────┘                      │
   └──────────────> closed (no case to pursue)           │
closed ──> investigation (reopen, with a reason) <───────┘
"""

from __future__ import annotations

from custodes.cases.models import CaseStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.TRIAGE: frozenset({CaseStatus.INVESTIGATION, CaseStatus.CLOSED}),
    CaseStatus.INVESTIGATION: frozenset({CaseStatus.DECISION, CaseStatus.TRIAGE}),
    CaseStatus.DECISION: frozenset({CaseStatus.OUTCOME, CaseStatus.INVESTIGATION}),
    CaseStatus.OUTCOME: frozenset({CaseStatus.CLOSED, CaseStatus.DECISION}),
    CaseStatus.CLOSED: frozenset({CaseStatus.INVESTIGATION}),
}

# Moves that need a written reason (reopening, going back, closing without an outcome).
NEEDS_REASON: frozenset[tuple[str, str]] = frozenset(
    {
        (CaseStatus.CLOSED, CaseStatus.INVESTIGATION),
        (CaseStatus.INVESTIGATION, CaseStatus.TRIAGE),
        (CaseStatus.DECISION, CaseStatus.INVESTIGATION),
        (CaseStatus.OUTCOME, CaseStatus.DECISION),
        (CaseStatus.TRIAGE, CaseStatus.CLOSED),
    }
)


class InvalidTransition(ValueError):
    def __init__(self, current: str, target: str) -> None:
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "nothing"
        super().__init__(f"A case in {current} cannot move to {target}; it can move to: {allowed}.")
        self.current, self.target = current, target


def check(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(current, target)


def needs_reason(current: str, target: str) -> bool:
    return (current, target) in NEEDS_REASON


def allowed(current: str) -> list[str]:
    order = [s.value for s in CaseStatus]
    return sorted(TRANSITIONS.get(current, frozenset()), key=order.index)
