"""Every read of accounts, role grants and API tokens, always through the policy."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django_otp import devices_for_user

from custodes.accounts.lockout import LockoutStatus, lockout_status
from custodes.accounts.models import ApiToken, RoleGrant, User
from custodes.core import policy
from custodes.core.roles import Role


def accounts(actor: Any, *, query: str = "", role: str = "") -> QuerySet[User]:
    """The accounts the actor may manage, matching a free-text search and, optionally, holding a role."""
    policy.require(actor, "accounts.manage")
    queryset: QuerySet[User] = policy.visible(actor, "accounts.manage")
    query = query.strip()
    if query:
        queryset = queryset.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(staff_member__staff_number__iexact=query)
        )
    if role:
        queryset = queryset.filter(role_grants__role=Role(role)).distinct()
    return queryset.select_related("staff_member").prefetch_related("role_grants__establishment").order_by("username")


def account(actor: Any, pk: int) -> User:
    user: User = policy.get_visible_or_404(actor, "accounts.manage", pk=pk)
    return user


def role_grant(actor: Any, user: User, pk: int) -> RoleGrant:
    """One of the account's grants (the account having been fetched through the policy)."""
    policy.require(actor, "accounts.manage")
    grant = user.role_grants.select_related("establishment", "user").filter(pk=pk).first()
    if grant is None:
        raise Http404()
    return grant


def tokens(actor: Any) -> QuerySet[ApiToken]:
    policy.require(actor, "accounts.manage_tokens")
    queryset: QuerySet[ApiToken] = policy.visible(actor, "accounts.manage_tokens")
    return queryset.select_related("user", "created_by").order_by("-created_at", "-pk")


def token(actor: Any, user: User, pk: int) -> ApiToken:
    found: ApiToken = policy.get_visible_or_404(actor, "accounts.manage_tokens", pk=pk, user_id=user.pk)
    return found


class TwoFactorStatus(enum.Enum):
    SET_UP = "set_up"
    PENDING = "pending"  # set-up started (the QR code was shown) but never confirmed
    NONE = "none"


@dataclass(frozen=True)
class AccountOverview:
    user: User
    grants: list[RoleGrant]
    two_factor: TwoFactorStatus
    lockout: LockoutStatus
    tokens: list[ApiToken]


def account_overview(actor: Any, user: User) -> AccountOverview:
    """Everything the account page shows about one account (fetched with ``account``)."""
    policy.require(actor, "accounts.manage")
    devices = list(devices_for_user(user, confirmed=None))
    if any(d.confirmed for d in devices):
        two_factor = TwoFactorStatus.SET_UP
    elif devices:
        two_factor = TwoFactorStatus.PENDING
    else:
        two_factor = TwoFactorStatus.NONE
    account_tokens = list(tokens(actor).filter(user=user)) if policy.can(actor, "accounts.manage_tokens") else []
    return AccountOverview(
        user=user,
        grants=list(user.role_grants.select_related("establishment")),
        two_factor=two_factor,
        lockout=lockout_status(user.username),
        tokens=account_tokens,
    )
