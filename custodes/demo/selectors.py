"""The demo accounts and their sign-ins, for ``custodes demo-accounts``: on a demo database only.

This is an operator's command-line read, not a signed-in account's, so no policy applies; what guards it is the
DemoMarker (a real database never has one) and the demo secret in ./var/ that the credentials are derived from.
Each derived credential is checked against what the database holds before it is shown: a demo database seeded
from another checkout's ./var/ gets "does not match" for that account, never a wrong password.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password
from django.db import DatabaseError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts.models import ApiToken, User, hash_token
from custodes.core.models import DemoMarker
from custodes.core.roles import Role
from custodes.demo import credentials
from custodes.demo.services import demo_usernames


class NotADemoDatabase(Exception):
    """No DemoMarker: this database was not built by seed-demo, so no credentials may be printed."""


@dataclass(frozen=True)
class DemoGrant:
    role: str  # the Role value, e.g. "governor"
    role_label: str
    scope: str  # an establishment's NOMIS code, or "national"
    scope_name: str  # the establishment's name, or "national"

    def describe(self) -> str:
        if self.scope == "national":
            return f"{self.role_label}, national"
        return f"{self.role_label} at {self.scope_name} ({self.scope})"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: list[DemoGrant]
    staff_number: str | None
    password: str | None  # None when it cannot be shown: see problems
    totp_code: str | None
    totp_seconds_left: int | None
    api_token: str | None
    problems: list[str] = field(default_factory=list)


def demo_marker() -> DemoMarker:
    try:
        marker = DemoMarker.objects.filter(pk=1).first()
    except DatabaseError as exc:  # tables missing: certainly not a demo database
        raise NotADemoDatabase(f"not a demo database (its tables are not there: {exc})") from exc
    if marker is None:
        raise NotADemoDatabase(
            "not a demo database: it was not built by `custodes seed-demo`, so no sign-ins are printed."
        )
    return marker


def _current_code(device: TOTPDevice, now: float) -> tuple[str, int]:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    seconds_left = device.step - int(now - device.t0) % device.step
    return f"{code:0{device.digits}d}", seconds_left


def demo_accounts(now: float | None = None) -> tuple[DemoMarker, list[DemoAccount]]:
    """Each demo account still present, with the sign-ins that (checked against the database) work now."""
    marker = demo_marker()
    now = time.time() if now is None else now
    try:
        secret: bytes | None = credentials.read_secret()
        secret_problem = ""
    except credentials.DemoSecretMissing as exc:
        secret, secret_problem = None, f"cannot derive this account's password and token: {exc}"

    usernames = demo_usernames()
    users = (
        User.objects.filter(username__in=usernames)
        .select_related("staff_member")
        .prefetch_related("role_grants__establishment")
    )
    by_username = {user.username: user for user in users}
    accounts: list[DemoAccount] = []
    for username in usernames:  # in the order of Role, so the listing reads the same every time
        user = by_username.get(username)
        if user is None:
            continue
        problems: list[str] = []
        password: str | None = None
        token: str | None = None
        if secret is None:
            problems.append(secret_problem)
        else:
            derived = credentials.derive(secret, username)
            if check_password(derived.password, user.password):
                password = derived.password
            else:
                problems.append(
                    "the password derived from ./var/demo_secret does not match this account's (the database was "
                    "seeded with another checkout's ./var/, or the password was changed)"
                )
            if ApiToken.objects.usable().filter(user=user, token_hash=hash_token(derived.api_token)).exists():
                token = derived.api_token
            else:
                problems.append("its demo API token does not match, has been revoked or has expired")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        code, seconds_left = _current_code(device, now) if device is not None else (None, None)
        if device is None:
            problems.append("it has no authenticator: signing in with its password sets one up")
        grants = [
            DemoGrant(
                role=grant.role,
                role_label=Role(grant.role).label,
                scope=grant.establishment.code if grant.establishment else "national",
                scope_name=grant.establishment.name if grant.establishment else "national",
            )
            for grant in user.role_grants.all()
        ]
        accounts.append(
            DemoAccount(
                username=username,
                full_name=user.full_name,
                roles=sorted(grants, key=lambda g: (list(Role).index(Role(g.role)), g.scope)),
                staff_number=user.staff_member.staff_number if user.staff_member else None,
                password=password,
                totp_code=code,
                totp_seconds_left=seconds_left,
                api_token=token,
                problems=problems,
            )
        )
    return marker, accounts
