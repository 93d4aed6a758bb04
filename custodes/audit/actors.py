"""Actors that are not signed-in accounts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """Work done by the service itself or by an operator at the command line, not by a signed-in account."""

    label: str = "system"


@dataclass(frozen=True)
class AnonymousActor:
    """Someone who is not signed in (a failed sign-in, or later an anonymous reporter). Never an address."""

    label: str = "anonymous"


SYSTEM = SystemActor()
