from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "custodes.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from custodes.audit import policies  # noqa: F401  (registers the audit app's policy rules)
