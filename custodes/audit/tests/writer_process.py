"""The body of a writer process for the concurrency test. Spawned processes import this module before Django
is set up, so it imports nothing from the project at the top."""

from __future__ import annotations

import os
from typing import Any


def write_events(database_name: str, writer: int, count: int, barrier: Any) -> None:
    """The same settings as the test run, pointed at its database; ``count`` events as fast as it can."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodes.config.settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    import django

    django.setup()
    from django.db import connections

    from custodes import audit
    from custodes.audit.actors import SystemActor

    actor = SystemActor(label=f"writer {writer}")
    barrier.wait(timeout=120)  # start together, so that the writers really contend for the chain
    try:
        for n in range(count):
            audit.record("auth.sign_in", actor=actor, detail={"writer": writer, "n": n})
    finally:
        connections.close_all()
