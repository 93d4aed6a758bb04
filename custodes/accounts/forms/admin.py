"""Forms for the account administration pages and for choosing your own password.

They check what a form can (shape, required answers, a role's scope); the services check everything again and
raise AccountRuleError for the rest, which the views show against the same fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone

from custodes.accounts.models import User
from custodes.accounts.scopes import known_scopes
from custodes.core.roles import ROLE_CHOICES, ROLE_DEFINITIONS, Role
from custodes.estate.models import STAFF_NUMBER_PATTERN, Establishment, StaffMember
from custodes.web.forms import helper


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label="Search accounts",
        help_text="Name, username, email address or staff number",
        required=False,
        max_length=150,
    )
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *ROLE_CHOICES])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("q", field_width=20, label_size=Size.SMALL), Field.select("role"), submit="Search"
        )


_PERSON, _SERVICE = "person", "service"
_GENERATE, _CHOOSE = "generate", "choose"

_PASSWORD_CHOICES = [
    Choice(_GENERATE, "Create a one-time password", hint="Recommended. You will see it once, on the next page."),
    Choice(_CHOOSE, "Set the password myself"),
]


class _PasswordChoiceMixin(forms.Form):
    password_choice = forms.ChoiceField(
        label="Password",
        choices=_PASSWORD_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="The account holder must choose their own password when they first sign in with it.",
    )
    password = forms.CharField(
        label="Password you have chosen",
        help_text="Only if you are setting it yourself. At least 12 characters, not a common password.",
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def chosen_password(self) -> str | None:
        """None: generate one."""
        if self.cleaned_data.get("password_choice") == _CHOOSE:
            return str(self.cleaned_data["password"])
        return None

    def _clean_password_choice(self, *, needed: bool) -> None:
        choice = self.cleaned_data.get("password_choice")
        password = self.cleaned_data.get("password")
        if not needed:
            if password:
                self.add_error("password", "A service account has no password: leave this empty")
            return
        if not choice:
            self.add_error("password_choice", "Choose how to set the password")
        elif choice == _CHOOSE and not password:
            self.add_error("password", "Enter the password, or choose to create a one-time password")
        elif choice == _GENERATE and password:
            self.add_error("password", "Leave this empty when creating a one-time password")


class CreateAccountForm(_PasswordChoiceMixin):
    account_type = forms.ChoiceField(
        label="Type of account",
        choices=[
            Choice(_PERSON, "A person", hint="Signs in with a password and an authenticator app"),
            Choice(
                _SERVICE,
                "A service account",
                hint="A machine client. It uses API tokens only and can never sign in with a password",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of account"},
    )
    username = forms.CharField(
        label="Username",
        help_text="Letters, digits and @ . + - _ only. Used to sign in, and cannot be changed later",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    full_name = forms.CharField(
        label="Full name",
        help_text="For a service account, what it is, for example 'Estate data feed'",
        max_length=150,
        error_messages={"required": "Enter the full name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    staff_number = forms.CharField(
        label="Staff number (optional)",
        help_text="Links the account to the staff member's record, for example AB12345",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    field_order = ["account_type", "username", "full_name", "email", "staff_number", "password_choice", "password"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("account_type", legend_size=Size.MEDIUM),
            Field.text("username", field_width=20),
            Field.text("full_name", field_width=30),
            Field.text("email", field_width=30),
            Field.text("staff_number", field_width=10),
            Field.radios("password_choice", legend_size=Size.MEDIUM),
            Field.text("password", field_width=20),
            submit="Create account",
        )

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("An account with this username already exists")
        return username

    def clean_staff_number(self) -> StaffMember | None:
        number = "".join(str(self.cleaned_data["staff_number"]).split()).upper()
        if not number:
            return None
        if not re.fullmatch(STAFF_NUMBER_PATTERN, number):
            raise forms.ValidationError("Enter a staff number of 4 to 12 capital letters or digits")
        member = StaffMember.objects.filter(staff_number=number).first()
        if member is None:
            raise forms.ValidationError(f"There is no staff member with the number {number}")
        return member

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_password_choice(needed=cleaned.get("account_type") == _PERSON)
        return cleaned

    @property
    def is_service_account(self) -> bool:
        return self.cleaned_data.get("account_type") == _SERVICE


class SetPasswordForm(_PasswordChoiceMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password_choice"].label = "How do you want to set the new password?"
        self.helper = helper(
            Field.radios("password_choice", legend_size=Size.MEDIUM),
            Field.text("password", field_width=20),
            submit="Set new password",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_password_choice(needed=True)
        return cleaned


def _role_choices() -> list[Choice]:
    choices = []
    for role in Role:
        definition = ROLE_DEFINITIONS[role]
        where = (
            "Nationally or at one establishment"
            if definition.national and definition.establishment
            else ("Nationally only" if definition.national else "At one establishment only")
        )
        content = "sees reports or cases" if definition.sees_content else "never sees reports or cases"
        choices.append(Choice(role.value, definition.label, hint=f"{where}; {content}"))
    return choices


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Choose the role to grant"}
    )
    establishment = forms.ModelChoiceField(
        label="Where",
        help_text="Choose 'National' for a role held across every establishment",
        queryset=Establishment.objects.none(),
        required=False,
        empty_label="National (every establishment)",
        error_messages={"invalid_choice": "Choose an establishment from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = _role_choices()
        establishment_field = self.fields["establishment"]
        assert isinstance(establishment_field, forms.ModelChoiceField)
        establishment_field.queryset = Establishment.objects.filter(is_active=True).order_by("name")
        self.helper = helper(
            Field.radios("role", legend_size=Size.MEDIUM),
            Field.select("establishment"),
            submit="Continue",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role:
            definition = ROLE_DEFINITIONS[Role(role)]
            establishment = cleaned.get("establishment")
            if establishment is None and not definition.national:
                self.add_error("establishment", f"{definition.label} is held at one establishment. Choose it")
            elif establishment is not None and not definition.establishment:
                self.add_error(
                    "establishment", f"{definition.label} is held nationally. Choose 'National (every establishment)'"
                )
        return cleaned


_EXPIRY_CHOICES = [
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    Choice("never", "Never", hint="Only for a client you will revoke yourself when it is retired"),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What uses the token, so it can be told apart later, for example 'Nightly estate export'",
        max_length=80,
        error_messages={"required": "Enter a name for the token"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        help_text="What the token may do. It can never do more than the account's roles allow",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope"},
    )
    expires = forms.ChoiceField(
        label="Expires",
        choices=_EXPIRY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the token expires"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes_field = self.fields["scopes"]
        assert isinstance(scopes_field, forms.MultipleChoiceField)
        scopes_field.choices = [Choice(s.name, s.name, hint=s.hint) for s in known_scopes().values()]
        self.helper = helper(
            Field.text("name", field_width=30),
            Field.checkboxes("scopes", legend_size=Size.MEDIUM),
            Field.radios("expires", legend_size=Size.MEDIUM),
            submit="Create token",
        )

    def expires_at(self) -> dt.datetime | None:
        choice = self.cleaned_data["expires"]
        if choice == "never":
            return None
        return timezone.now() + dt.timedelta(days=int(choice))


class ChoosePasswordForm(forms.Form):
    current_password = forms.CharField(
        label="Your current password",
        help_text="If an administrator has just given you a password, enter that one",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. A few unrelated words make a password that is long and easy to remember",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="Confirm new password",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("current_password", field_width=20),
            Field.text("new_password", field_width=20),
            Field.text("new_password_again", field_width=20),
            submit="Change password",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", "The passwords do not match. Enter the same new password twice")
        return cleaned
