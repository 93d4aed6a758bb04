from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "custodes.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from custodes.core import checks  # noqa: F401  (registers the configuration checks)
