"""Two administrators deactivating each other at the same moment must not leave the service with none."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from custodes.accounts import services
from custodes.accounts.models import User
from custodes.core.roles import Role
from custodes.testing.personas import persona

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.mark.parametrize("attempt", range(3))
def test_mutual_deactivation_leaves_one_administrator(attempt: int):
    if connection.vendor != "postgresql":
        pytest.skip("needs several connections with row locks (PostgreSQL)")
    first = persona(Role.SYSTEM_ADMINISTRATOR, username=f"admin-a{attempt}")
    second = persona(Role.SYSTEM_ADMINISTRATOR, username=f"admin-b{attempt}")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def deactivate(actor_pk: int, target_pk: int) -> None:
        try:
            actor, target = User.objects.get(pk=actor_pk), User.objects.get(pk=target_pk)
            actor.policy_grants()  # as a request would have, before the other commits
            start.wait()
            services.deactivate_account(actor=actor, user=target)
            outcomes.append("deactivated")
        except services.AccountRuleError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=deactivate, args=(first.pk, second.pk)),
        threading.Thread(target=deactivate, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["deactivated", "refused"]
    assert User.objects.filter(pk__in=[first.pk, second.pk], is_active=True).count() == 1
