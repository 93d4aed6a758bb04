"""Forms for signing in, for account administration, and for choosing your own password."""

from custodes.accounts.forms.admin import (
    AccountSearchForm,
    ApiTokenForm,
    ChoosePasswordForm,
    CreateAccountForm,
    GrantRoleForm,
    SetPasswordForm,
)
from custodes.accounts.forms.sign_in import CodeForm, SignInForm

__all__ = [
    "AccountSearchForm",
    "ApiTokenForm",
    "ChoosePasswordForm",
    "CodeForm",
    "CreateAccountForm",
    "GrantRoleForm",
    "SetPasswordForm",
    "SignInForm",
]
