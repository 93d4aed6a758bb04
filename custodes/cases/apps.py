from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "custodes.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from custodes.cases import audit_actions, policies  # noqa: F401  (registers actions and rules)
