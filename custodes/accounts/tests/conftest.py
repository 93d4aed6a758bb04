"""Fixtures and helpers for the accounts tests: real sign-ins through the views, codes from real authenticators."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes.accounts.models import User
from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.estate.models import Establishment
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona, signed_in_client

HOST = "127.0.0.1"
PASSWORD = "a long test password 1"  # UserFactory's


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    """What the holder's authenticator app shows now (or ``drift`` steps away), computed from the device's key."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):0{device.digits}d}"


def authenticator(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def sign_in(client: Client, username: str, password: str = PASSWORD, next_url: str = "") -> HttpResponse:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    response: HttpResponse = client.post("/sign-in", data)
    return response


def enter_code(client: Client, code: str) -> HttpResponse:
    response: HttpResponse = client.post("/sign-in/code", {"code": code})
    return response


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def audit_text() -> str:
    """Every audit event's fields as one string, to show that something never reached the audit trail."""
    return json.dumps(list(AuditEvent.objects.values("actor_label", "target_type", "target_id", "detail")), default=str)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def establishment() -> Establishment:
    return EstablishmentFactory()


@pytest.fixture
def admin() -> User:
    return persona(Role.SYSTEM_ADMINISTRATOR, username="admin-alder", full_name="Alder Ashgrove")


@pytest.fixture
def second_admin() -> User:
    return persona(Role.SYSTEM_ADMINISTRATOR, username="admin-bramble", full_name="Bramble Brackwater")


@pytest.fixture
def admin_client(admin: User) -> Client:
    return signed_in_client(admin)


def body(response: Any) -> str:
    return str(response.content.decode())
