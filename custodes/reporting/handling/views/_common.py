"""What the signed-in reporting views share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from custodes.accounts.models import User

GET_AND_POST = ["GET", "POST"]


def actor_of(request: HttpRequest) -> User:
    """The signed-in account. login_required has run, so anything else is a programming error: refuse."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def add_validation_error(form: Any, error: ValidationError, field: str | None = None) -> None:
    """A service's ValidationError, shown on the form: against its fields when it names them."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else field, problems)
    else:
        form.add_error(field, error.messages)
