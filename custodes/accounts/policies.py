"""Who may manage accounts, roles and API tokens: the system administrator, and nobody else."""

from custodes.accounts.models import ApiToken, User
from custodes.core.policy import Rule, register
from custodes.core.roles import Role

_ADMIN = frozenset({Role.SYSTEM_ADMINISTRATOR})

register(
    Rule(
        action="accounts.manage",
        roles=_ADMIN,
        description="List, create, change and deactivate accounts; grant and revoke roles; reset 2FA",
        model=User,
    ),
    Rule(
        action="accounts.manage_tokens",
        roles=_ADMIN,
        description="Create and revoke API tokens for machine clients",
        model=ApiToken,
    ),
)
