"""Who may see the audit chain's status and its events."""

from custodes.audit.models import AuditEvent
from custodes.core.policy import Rule, register
from custodes.core.roles import Role

register(
    Rule(
        action="audit.view_status",
        roles=frozenset({Role.SYSTEM_ADMINISTRATOR, Role.COUNTER_CORRUPTION_LEAD}),
        description="See whether the audit chain verifies, its length and head hash",
    ),
    Rule(
        action="audit.request_verification",
        roles=frozenset({Role.SYSTEM_ADMINISTRATOR, Role.COUNTER_CORRUPTION_LEAD}),
        description="Ask for the audit chain to be verified now (a background task)",
    ),
    Rule(
        action="audit.view_events",
        roles=frozenset({Role.COUNTER_CORRUPTION_LEAD}),
        description="Read audit events (who did what, and who has seen what)",
        model=AuditEvent,
        api_scope="audit:read",
    ),
)
