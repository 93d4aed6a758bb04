from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "custodes.core"
    label = "core"
    verbose_name = "Core"
