"""What every account service shares: who may act, the refusal a person can read, and row locks."""

from __future__ import annotations

from typing import TypeAlias

from django.core.exceptions import PermissionDenied

from custodes.accounts.models import RoleGrant, User
from custodes.audit import SystemActor
from custodes.core import policy
from custodes.core.roles import Role

# A signed-in account, or the service itself when an operator works at the command line (bootstrap, seeding):
# someone who already holds the server and its database, so the policy has nothing to add.
Actor: TypeAlias = User | SystemActor


class AccountRuleError(ValueError):
    """A change the rules refuse (separation of duties, a role's scope, the last administrator).

    ``message`` is written for the administrator who asked; ``field`` names the form field it belongs to, if any.
    Raised before anything is written, so the transaction has nothing to undo.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def require(actor: Actor, action: str) -> None:
    """Re-check the policy inside the service: a view's check is never taken on trust."""
    if isinstance(actor, SystemActor):
        return
    if not policy.can(actor, action):
        raise PermissionDenied(action)


def is_actor(actor: Actor, user: User) -> bool:
    return isinstance(actor, User) and actor.pk == user.pk


def lock_account(user: User) -> User:
    """The account's row, locked until the transaction ends, so that two administrators changing the same account
    (one granting a role that sees content, the other the system administrator role) are checked one at a time."""
    return User.objects.select_for_update().get(pk=user.pk)


def ensure_another_administrator(user: User, *, doing: str) -> None:
    """Refuse to leave the service with no active system administrator.

    Every change that could remove one locks the system administrators' grant rows first, so two administrators
    deactivating each other at the same moment are serialised and the second sees the first's change.
    """
    # order_by(): the model's default ordering joins the (nullable) establishment, and PostgreSQL refuses FOR
    # UPDATE across an outer join.
    admin_grants = RoleGrant.objects.select_for_update().filter(role=Role.SYSTEM_ADMINISTRATOR).order_by("pk")
    holders = set(admin_grants.values_list("user_id", flat=True))
    if user.pk not in holders or not user.is_active:
        return
    others = User.objects.filter(pk__in=holders - {user.pk}, is_active=True).exists()
    if not others:
        raise AccountRuleError(
            f"You cannot {doing}: it is the only active system administrator account. "
            "Make another account a system administrator first."
        )
