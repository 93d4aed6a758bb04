"""The roles of DESIGN.md §3 and the scopes each may hold.

A grant is a role held nationally or at one establishment. Which scopes make sense differs by role: a governor
governs one prison; the counter-corruption lead is national by definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    TRIAGER = "triager"
    INVESTIGATOR = "investigator"
    COUNTER_CORRUPTION_LEAD = "counter_corruption_lead"
    REPORTER_LIAISON = "reporter_liaison"
    GOVERNOR = "governor"
    INSPECTOR = "inspector"
    ANALYST = "analyst"
    SYSTEM_ADMINISTRATOR = "system_administrator"

    @property
    def label(self) -> str:
        return ROLE_DEFINITIONS[self].label


@dataclass(frozen=True)
class RoleDefinition:
    label: str
    national: bool  # may be held nationally
    establishment: bool  # may be held at one establishment
    sees_content: bool  # may ever be granted access to report or case content


ROLE_DEFINITIONS: dict[Role, RoleDefinition] = {
    Role.STAFF: RoleDefinition("Staff member", national=False, establishment=True, sees_content=True),
    Role.TRIAGER: RoleDefinition("Triager", national=False, establishment=True, sees_content=True),
    Role.INVESTIGATOR: RoleDefinition("Investigator", national=True, establishment=True, sees_content=True),
    Role.COUNTER_CORRUPTION_LEAD: RoleDefinition(
        "Counter-corruption lead", national=True, establishment=False, sees_content=True
    ),
    Role.REPORTER_LIAISON: RoleDefinition("Reporter liaison", national=True, establishment=False, sees_content=True),
    Role.GOVERNOR: RoleDefinition("Governor", national=False, establishment=True, sees_content=True),
    Role.INSPECTOR: RoleDefinition(
        "Independent inspector or monitor", national=True, establishment=True, sees_content=False
    ),
    Role.ANALYST: RoleDefinition("Analyst", national=True, establishment=False, sees_content=False),
    Role.SYSTEM_ADMINISTRATOR: RoleDefinition(
        "System administrator", national=True, establishment=False, sees_content=False
    ),
}

ROLE_CHOICES = [(role.value, ROLE_DEFINITIONS[role].label) for role in Role]
