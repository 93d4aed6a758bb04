"""Accounts, their role grants (each national or at one establishment) and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from custodes.core.policy import Grant
from custodes.core.roles import ROLE_CHOICES, Role


class User(AbstractUser):
    """A person (or, with ``is_service_account``, a machine client) who signs in.

    Django's ``is_staff``/``is_superuser`` flags are not used for access: every decision is made by
    custodes.core.policy from RoleGrant rows. The flags stay False (a database constraint says so).
    """

    full_name = models.CharField(max_length=150)
    staff_member = models.OneToOneField(
        "estate.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    is_service_account = models.BooleanField(
        default=False, help_text="A machine client that signs in only with API tokens, never with a password."
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="The password was set by an administrator, who has seen it: the account holder chooses a new "
        "one before doing anything else.",
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=Q(is_superuser=False, is_staff=False), name="no_django_superpowers"),
            # "ADavies" and "adavies" as two accounts would split one person's lockout counter and invite
            # look-alike impersonation, so usernames are unique whatever their case.
            models.UniqueConstraint(Lower("username"), name="username_unique_ignoring_case"),
            # Django marks an unusable password with a leading "!": a service account can never hold a usable
            # one, so it can never sign in with a password, whatever code creates it.
            models.CheckConstraint(
                condition=Q(is_service_account=False) | Q(password__startswith="!"),  # noqa: S106
                name="service_account_has_no_password",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def policy_grants(self) -> tuple[Grant, ...]:
        cached: tuple[Grant, ...] | None = getattr(self, "_policy_grants", None)
        if cached is None:
            cached = tuple(
                Grant(role=Role(role), establishment_id=establishment_id)
                for role, establishment_id in self.role_grants.values_list("role", "establishment_id")
            )
            self._policy_grants = cached
        return cached

    def forget_policy_grants(self) -> None:
        self.__dict__.pop("_policy_grants", None)
        self.__dict__.pop("_audit_role_labels", None)

    def audit_role_labels(self) -> list[str]:
        """The roles held, as "role@CODE" or "role@national", for the audit event's actor snapshot."""
        cached: list[str] | None = getattr(self, "_audit_role_labels", None)
        if cached is None:
            cached = sorted(
                f"{role}@{code or 'national'}"
                for role, code in self.role_grants.values_list("role", "establishment__code")
            )
            self._audit_role_labels = cached
        return cached

    @property
    def display_roles(self) -> list[str]:
        return [grant_label(g) for g in self.role_grants.select_related("establishment")]


def grant_label(grant: RoleGrant) -> str:
    where = grant.establishment.name if grant.establishment is not None else "national"
    return f"{Role(grant.role).label} ({where})"


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    establishment = models.ForeignKey(
        "estate.Establishment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
        help_text="Empty for a national grant.",
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "establishment__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(establishment__isnull=True), name="national_grant_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "establishment"],
                condition=Q(establishment__isnull=False),
                name="establishment_grant_unique",
            ),
        ]

    def __str__(self) -> str:
        return grant_label(self)


def hash_token(secret: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough (no salt or slow hash needed) and lets
    # each request find its token by one indexed lookup.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token for a machine client, stored only as a hash; shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart in lists")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def status(self) -> str:
        """In words, for lists: why a token does or does not work now."""
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "Expired"
        if not self.user.is_active:
            return "Account deactivated"
        return "Active"

    def scope_set(self) -> frozenset[str]:
        value: Any = self.scopes
        return frozenset(str(s) for s in value)
