"""Every change to accounts, roles, second factors, passwords and API tokens: atomic, audited, actor first.

Each service re-checks the policy itself and writes its audit event in its own transaction. Split by subject:

* ``sign_in``: the steps of one person's sign-in and sign-out;
* ``administration``: accounts and roles, by a system administrator;
* ``passwords``: temporary passwords from an administrator, and choosing your own;
* ``tokens``: API tokens for machine clients.
"""

from custodes.accounts.services._common import AccountRuleError, Actor
from custodes.accounts.services.administration import (
    CreatedAccount,
    create_account,
    deactivate_account,
    grant_role,
    reactivate_account,
    reset_two_factor,
    revoke_role,
    unlock_account,
    validate_role_grant,
)
from custodes.accounts.services.passwords import (
    PasswordChange,
    change_own_password,
    generate_one_time_password,
    set_password,
)
from custodes.accounts.services.sign_in import (
    begin_sign_in,
    confirm_enrolment,
    confirmed_device,
    pending_device,
    sign_out,
    verify_second_factor,
)
from custodes.accounts.services.tokens import TOKEN_PREFIX, IssuedToken, create_api_token, revoke_api_token

__all__ = [
    "TOKEN_PREFIX",
    "AccountRuleError",
    "Actor",
    "CreatedAccount",
    "IssuedToken",
    "PasswordChange",
    "begin_sign_in",
    "change_own_password",
    "confirm_enrolment",
    "confirmed_device",
    "create_account",
    "create_api_token",
    "deactivate_account",
    "generate_one_time_password",
    "grant_role",
    "pending_device",
    "reactivate_account",
    "reset_two_factor",
    "revoke_api_token",
    "revoke_role",
    "set_password",
    "sign_out",
    "unlock_account",
    "validate_role_grant",
    "verify_second_factor",
]
