"""API tokens for machine clients: created by a system administrator, shown once, stored only as a hash.

A token acts as its account, narrowed to its scopes (custodes.core.policy checks both). It skips the second
factor, so nobody may mint one for their own account: a second administrator is always involved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.accounts.models import ApiToken, User, hash_token
from custodes.accounts.scopes import known_scopes
from custodes.accounts.services._common import AccountRuleError, Actor, is_actor, lock_account, require

TOKEN_PREFIX = "cst_"  # noqa: S105  (recognisable in a leaked file or by a secret scanner)
# The prefix plus this many characters of the random part are kept in clear to tell tokens apart in lists.
_SHOWN_CHARACTERS = 8


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token: show it once, it is not stored anywhere


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits


@transaction.atomic
def create_api_token(
    *,
    actor: Actor,
    user: User,
    name: str,
    scopes: Iterable[str],
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    require(actor, "accounts.manage_tokens")
    if is_actor(actor, user):
        raise AccountRuleError(
            "You cannot create an API token for your own account: a token skips the second factor. "
            "Ask another system administrator"
        )
    account = lock_account(user)
    if not account.is_active:
        raise AccountRuleError("This account is deactivated. Reactivate it before creating a token")
    name = name.strip()
    if not name:
        raise AccountRuleError("Enter a name for the token", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise AccountRuleError("Enter a name of 80 characters or fewer", field="name")
    if ApiToken.objects.filter(user=account, name=name).usable().exists():
        raise AccountRuleError("This account already has a token with this name. Choose another name", field="name")
    wanted = sorted(set(scopes))
    if not wanted:
        raise AccountRuleError("Choose at least one scope", field="scopes")
    unknown = sorted(set(wanted) - set(known_scopes()))
    if unknown:
        raise AccountRuleError("Unknown scope: " + ", ".join(unknown), field="scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise AccountRuleError("The expiry must be in the future", field="expires")
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=account,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + _SHOWN_CHARACTERS],
        token_hash=hash_token(secret),
        scopes=wanted,
        created_by=actor if isinstance(actor, User) else None,
        expires_at=expires_at,
    )
    audit.record(
        "api.token_created",
        actor=actor,
        target=token,
        detail={
            "account": account.pk,
            "username": account.username,
            "name": name,
            "prefix": token.prefix,
            "scopes": wanted,
            "expires_at": expires_at.isoformat() if expires_at is not None else None,
        },
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_api_token(*, actor: Actor, token: ApiToken) -> None:
    require(actor, "accounts.manage_tokens")
    locked = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
    if locked.revoked_at is not None:
        raise AccountRuleError("This token is already revoked")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(
        "api.token_revoked",
        actor=actor,
        target=locked,
        detail={
            "account": locked.user_id,
            "username": locked.user.username,
            "name": locked.name,
            "prefix": locked.prefix,
        },
    )
    token.revoked_at = locked.revoked_at
