from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "custodes.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from custodes.reporting import audit_actions, policies  # noqa: F401  (registers actions and rules)
