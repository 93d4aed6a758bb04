from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "custodes.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from custodes.notifications import policies  # noqa: F401  (registers the notifications policy rule)
