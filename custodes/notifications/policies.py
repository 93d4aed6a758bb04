"""Who sees which notifications: each account its own, whatever its roles, and nobody anyone else's."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from custodes.core.policy import Narrowing, Rule, register
from custodes.core.roles import Role
from custodes.notifications.models import Notification

_OWN = Narrowing(allows=lambda user, notification: notification.user_id == user.pk, q=lambda user: Q(user_id=user.pk))


def _national(_notification: Any) -> None:
    return None


register(
    Rule(
        action="notifications.view",
        roles=frozenset(Role),
        description="See and mark as read your own notifications",
        model=Notification,
        establishment_of=_national,
        narrowing=dict.fromkeys(Role, _OWN),
        ignores_scope=True,
    ),
)
