"""Account administration by a system administrator: create, grant and revoke roles, deactivate, reset the
second factor, lift a lockout.

Separation of duties (DESIGN.md §3) is enforced here, not only in the pages: a system administrator never also
holds a role that sees reports or cases; nobody changes their own roles, status or second factor; and the last
active system administrator cannot be removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user

from custodes import audit
from custodes.accounts.lockout import axes_username, has_failed_attempts, lockout_status
from custodes.accounts.models import ApiToken, RoleGrant, User
from custodes.accounts.services._common import (
    AccountRuleError,
    Actor,
    ensure_another_administrator,
    is_actor,
    lock_account,
    require,
)
from custodes.accounts.services.passwords import check_password_rules, generate_one_time_password
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.estate.models import Establishment, StaffMember


@dataclass(frozen=True)
class CreatedAccount:
    user: User
    one_time_password: str | None  # generated here: show it once, it is stored only as a hash


@transaction.atomic
def create_account(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    email: str = "",
    staff_member: StaffMember | None = None,
    is_service_account: bool = False,
    password: str | None = None,
    password_is_temporary: bool = True,
) -> CreatedAccount:
    """A new account with no roles.

    A person gets a password the administrator has seen, so it is temporary unless ``password_is_temporary`` is
    False (for seeding the fictional demo only). Without ``password`` one is generated and returned. A service
    account never has a usable password (a database constraint agrees): it works through API tokens.
    """
    require(actor, "accounts.manage")
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRuleError("An account with this username already exists", field="username")
    if staff_member is not None and User.objects.filter(staff_member=staff_member).exists():
        raise AccountRuleError(
            f"Staff number {staff_member.staff_number} is already linked to another account", field="staff_number"
        )
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=User.objects.normalize_email(email.strip()),
        staff_member=staff_member,
        is_service_account=is_service_account,
    )
    one_time = None
    if is_service_account:
        if password is not None:
            raise AccountRuleError("A service account has no password: it uses API tokens only", field="password")
        user.set_unusable_password()
        how = "none"
    else:
        if password is None:
            one_time = password = generate_one_time_password()
            how = "generated"
        else:
            check_password_rules(password, user)
            how = "set by administrator"
        user.set_password(password)
        user.must_change_password = password_is_temporary
    # Field validators (username characters, email format, lengths) and the model's constraints, as a last line
    # behind the forms: a service may be called from a command or another app's code.
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        field = {"staff_member": "staff_number", NON_FIELD_ERRORS: ""}.get(field, field)
        raise AccountRuleError(" ".join(messages), field=field or None) from exc
    user.save()
    audit.record(
        "accounts.created",
        actor=actor,
        target=user,
        detail={
            "username": user.username,
            "service_account": is_service_account,
            "staff_number": staff_member.staff_number if staff_member is not None else "",
            "password": how,
        },
    )
    return CreatedAccount(user=user, one_time_password=one_time)


def _scope_label(establishment: Establishment | None) -> str:
    return establishment.code if establishment is not None else "national"


def validate_role_grant(*, actor: Actor, user: User, role: Role, establishment: Establishment | None) -> None:
    """Every rule a grant must satisfy, without writing: pages call it to check answers before confirming."""
    require(actor, "accounts.manage")
    if is_actor(actor, user):
        raise AccountRuleError("You cannot change your own roles. Ask another system administrator", field="role")
    definition = ROLE_DEFINITIONS[role]
    if establishment is None and not definition.national:
        raise AccountRuleError(
            f"{definition.label} is held at one establishment. Choose the establishment", field="establishment"
        )
    if establishment is not None and not definition.establishment:
        raise AccountRuleError(
            f"{definition.label} is held nationally. Choose 'National' instead of an establishment",
            field="establishment",
        )
    if establishment is not None and not establishment.is_active:
        raise AccountRuleError(f"{establishment.name} is closed. Choose an open establishment", field="establishment")
    held = [(Role(r), e) for r, e in user.role_grants.values_list("role", "establishment_id")]
    wanted_establishment = establishment.pk if establishment is not None else None
    if (role, wanted_establishment) in held:
        where = f"at {establishment.name}" if establishment is not None else "nationally"
        raise AccountRuleError(f"This account already holds {definition.label} {where}", field="role")
    if role is Role.SYSTEM_ADMINISTRATOR:
        content_roles = sorted({ROLE_DEFINITIONS[r].label for r, _ in held if ROLE_DEFINITIONS[r].sees_content})
        if content_roles:
            raise AccountRuleError(
                "A system administrator may not see reports or cases, and this account holds roles that do ("
                + ", ".join(content_roles)
                + "). Revoke those first, or use a separate account",
                field="role",
            )
    elif definition.sees_content and any(r is Role.SYSTEM_ADMINISTRATOR for r, _ in held):
        raise AccountRuleError(
            f"This account is a system administrator, who may not see reports or cases, and {definition.label} "
            "does. Use a separate account for this role",
            field="role",
        )


@transaction.atomic
def grant_role(*, actor: Actor, user: User, role: Role | str, establishment: Establishment | None = None) -> RoleGrant:
    require(actor, "accounts.manage")
    try:
        role = Role(role)
    except ValueError:
        raise AccountRuleError("Choose a role from the list", field="role") from None
    account = lock_account(user)
    validate_role_grant(actor=actor, user=account, role=role, establishment=establishment)
    grant = RoleGrant.objects.create(user=account, role=role.value, establishment=establishment)
    audit.record(
        "accounts.role_granted",
        actor=actor,
        target=account,
        establishment=establishment,
        detail={"username": account.username, "role": role.value, "scope": _scope_label(establishment)},
    )
    user.forget_policy_grants()
    return grant


@transaction.atomic
def revoke_role(*, actor: Actor, grant: RoleGrant) -> None:
    require(actor, "accounts.manage")
    holder = grant.user  # the caller's instance, whose cached grants must be forgotten
    account = lock_account(holder)
    if is_actor(actor, account):
        raise AccountRuleError("You cannot change your own roles. Ask another system administrator")
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("establishment").get(pk=grant.pk)
    if grant.role == Role.SYSTEM_ADMINISTRATOR:
        ensure_another_administrator(account, doing="remove the system administrator role from this account")
    establishment = grant.establishment
    role = grant.role
    grant.delete()
    audit.record(
        "accounts.role_revoked",
        actor=actor,
        target=account,
        establishment=establishment,
        detail={"username": account.username, "role": role, "scope": _scope_label(establishment)},
    )
    holder.forget_policy_grants()


@transaction.atomic
def deactivate_account(*, actor: Actor, user: User) -> int:
    """Stop an account signing in or using the API. Its sessions end at their next request (Django refuses
    inactive accounts) and its API tokens are revoked for good: reactivating must not revive a leaver's tokens.
    Returns how many tokens were revoked."""
    require(actor, "accounts.manage")
    if is_actor(actor, user):
        raise AccountRuleError("You cannot deactivate your own account. Ask another system administrator")
    account = lock_account(user)
    if not account.is_active:
        raise AccountRuleError("This account is already deactivated")
    ensure_another_administrator(account, doing="deactivate this account")
    account.is_active = False
    account.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(user=account).usable().update(revoked_at=timezone.now())
    audit.record(
        "accounts.deactivated",
        actor=actor,
        target=account,
        detail={"username": account.username, "tokens_revoked": revoked},
    )
    user.is_active = False
    return revoked


@transaction.atomic
def reactivate_account(*, actor: Actor, user: User) -> None:
    require(actor, "accounts.manage")
    account = lock_account(user)
    if account.is_active:
        raise AccountRuleError("This account is already active")
    account.is_active = True
    account.save(update_fields=["is_active"])
    audit.record("accounts.reactivated", actor=actor, target=account, detail={"username": account.username})
    user.is_active = True


@transaction.atomic
def reset_two_factor(*, actor: Actor, user: User) -> int:
    """Remove every authenticator the account has, so its holder sets one up again at their next sign-in.

    For a lost or replaced phone. A session already verified with the removed device stops being verified at its
    next request (django-otp finds no device), so it is sent back to the second-factor pages too.
    """
    require(actor, "accounts.manage")
    if is_actor(actor, user):
        raise AccountRuleError("You cannot reset your own authenticator. Ask another system administrator")
    account = lock_account(user)
    devices = list(devices_for_user(account, confirmed=None))
    if not devices:
        raise AccountRuleError("This account has no authenticator to reset")
    for device in devices:
        device.delete()
    audit.record(
        "accounts.two_factor_reset",
        actor=actor,
        target=account,
        detail={"username": account.username, "devices_removed": len(devices)},
    )
    return len(devices)


@transaction.atomic
def unlock_account(*, actor: Actor, user: User) -> None:
    """Clear the account's failed sign-ins, lifting a lockout before its cool-off ends."""
    require(actor, "accounts.manage")
    account = lock_account(user)
    status = lockout_status(account.username)
    if not has_failed_attempts(account.username):
        raise AccountRuleError("This account has no failed sign-ins to clear")
    axes_reset(username=axes_username(account.username))
    audit.record(
        "accounts.unlocked",
        actor=actor,
        target=account,
        detail={"username": account.username, "was_locked": status.locked, "failures_cleared": status.failures},
    )
