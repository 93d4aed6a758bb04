from django.apps import AppConfig


class EstateConfig(AppConfig):
    name = "custodes.estate"
    label = "estate"
    verbose_name = "Estate"

    def ready(self) -> None:
        from custodes.estate import policies  # noqa: F401  (registers the estate's policy rules)
