"""Personas: accounts holding one role, nationally or at one establishment, and clients signed in as them.

``signed_in_client`` gives a Django test client whose session has passed both factors (the real two-step
sign-in is tested on its own in custodes/accounts/tests), so other tests stay fast and to the point.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts.middleware import SIGNED_IN_AT
from custodes.accounts.models import RoleGrant, User
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.estate.models import Establishment
from custodes.testing.factories import UserFactory


def persona(role: Role | str, establishment: Establishment | None = None, **user_fields: Any) -> User:
    role = Role(role)
    definition = ROLE_DEFINITIONS[role]
    if establishment is None and not definition.national:
        raise ValueError(f"{role.value} is held at an establishment: pass one")
    if establishment is not None and not definition.establishment:
        raise ValueError(f"{role.value} is national only")
    where = establishment.code.lower() if establishment is not None else "national"
    user_fields.setdefault("username", f"{role.value}-{where}-{User.objects.count() + 1}")
    user = UserFactory(**user_fields)
    RoleGrant.objects.create(user=user, role=role.value, establishment=establishment)
    return user


def signed_in_client(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Authenticator app", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = time.time()
    session.save()
    return client
