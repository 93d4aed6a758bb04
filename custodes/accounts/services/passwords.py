"""Passwords: one-time passwords an administrator hands over, and the account holder choosing their own.

A password an administrator has seen is only ever temporary (``must_change_password``): the middleware sends
its holder to choose a new one before anything else, so no administrator knows a password in use.
"""

from __future__ import annotations

import enum
import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from custodes import audit
from custodes.accounts.models import User
from custodes.accounts.services._common import AccountRuleError, Actor, is_actor, lock_account, require

# No 0/o, 1/l/i: a one-time password is read from one screen and typed into another, sometimes read aloud.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LENGTH = 4, 5  # 20 characters from 31: about 99 bits


def generate_one_time_password() -> str:
    while True:
        candidate = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS))
        # The validators will accept all but a vanishing few; checking keeps the promise that every password
        # in use passed them.
        try:
            validate_password(candidate)
        except ValidationError:  # pragma: no cover - astronomically unlikely
            continue
        return candidate


def check_password_rules(password: str, user: User, *, field: str = "password") -> None:
    """The configured password validators, as an AccountRuleError a form can show."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountRuleError(" ".join(exc.messages), field=field) from exc


@transaction.atomic
def set_password(*, actor: Actor, user: User, password: str | None = None) -> str | None:
    """An administrator gives an account a new temporary password: generated (returned, to show once) or chosen.

    The account holder must change it at their next sign-in. Their current sessions end, because Django ties
    each session to the password it began with.
    """
    require(actor, "accounts.manage")
    if is_actor(actor, user):
        raise AccountRuleError(
            "You cannot reset your own password here. Use 'Change your password' instead, which asks for your "
            "current one."
        )
    account = lock_account(user)
    if account.is_service_account:
        raise AccountRuleError("A service account has no password: it uses API tokens only.")
    one_time = None
    if password is None:
        one_time = password = generate_one_time_password()
    else:
        check_password_rules(password, account)
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    audit.record(
        "accounts.password_set",
        actor=actor,
        target=account,
        detail={"by": "administrator", "generated": one_time is not None, "temporary": True},
    )
    user.refresh_from_db(fields=["password", "must_change_password"])
    return one_time


class PasswordChange(enum.Enum):
    CHANGED = "changed"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105  (nothing changed; counted as a failed sign-in)
    LOCKED_OUT = "locked_out"  # too many failures: nothing changed


@transaction.atomic
def change_own_password(
    request: HttpRequest, *, actor: User, current_password: str, new_password: str
) -> PasswordChange:
    """The signed-in account holder replaces their password, proving they know the current one.

    The current password is checked through ``authenticate()``, so a wrong one counts towards the sign-in lockout
    and is audited like a failed sign-in: a session left open on a wing terminal cannot be used to guess it.
    Failures return rather than raise, so that their audit event and lockout count are committed.
    """
    if actor.is_service_account:
        raise AccountRuleError("A service account has no password: it uses API tokens only.")
    if new_password == current_password:
        raise AccountRuleError("Choose a password different from your current one", field="new_password")
    check_password_rules(new_password, actor, field="new_password")
    checked = authenticate(request, username=actor.get_username(), password=current_password)
    if getattr(request, "axes_locked_out", False):
        return PasswordChange.LOCKED_OUT
    if checked is None or checked.pk != actor.pk:
        return PasswordChange.WRONG_PASSWORD
    account = lock_account(actor)
    account.set_password(new_password)
    account.must_change_password = False
    account.save(update_fields=["password", "must_change_password"])
    audit.record("accounts.password_set", actor=actor, target=account, detail={"by": "account holder"})
    actor.password = account.password
    actor.must_change_password = False
    return PasswordChange.CHANGED
